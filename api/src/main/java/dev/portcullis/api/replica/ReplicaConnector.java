package dev.portcullis.api.replica;

import dev.portcullis.api.v1.WatchEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a watch stream open into a replica: when the stream fails or ends, it opens a new one
 * after a backoff (capped), and the new stream's snapshot replaces the replica's state.
 */
public final class ReplicaConnector {
    private static final Logger LOG = Logger.getLogger(ReplicaConnector.class.getName());

    private final Supplier<Multi<WatchEvent>> watch;
    private final ResourceReplica replica;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Runnable beforeRetry;
    private volatile Cancellable subscription;
    private volatile boolean stopped;
    private volatile Duration backoff;

    public ReplicaConnector(
            Supplier<Multi<WatchEvent>> watch, ResourceReplica replica, Duration initialBackoff, Duration maxBackoff) {
        this(watch, replica, initialBackoff, maxBackoff, () -> {});
    }

    /** {@code beforeRetry} runs when the stream is lost, before the wait (e.g. to reconnect the channel now). */
    public ReplicaConnector(
            Supplier<Multi<WatchEvent>> watch,
            ResourceReplica replica,
            Duration initialBackoff,
            Duration maxBackoff,
            Runnable beforeRetry) {
        this.beforeRetry = beforeRetry;
        this.watch = watch;
        this.replica = replica;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.backoff = initialBackoff;
    }

    public void start() {
        stopped = false;
        connect();
    }

    public void stop() {
        stopped = true;
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        replica.streamStarted();
        subscription = watch.get()
                .subscribe()
                .with(
                        event -> {
                            if (event.getType() == WatchEvent.Type.SYNCED) {
                                backoff = initialBackoff;
                                LOG.info("resource replica in sync with api-server");
                            }
                            replica.apply(event);
                        },
                        failure -> retry("watch stream to api-server failed: " + failure.getMessage()),
                        () -> retry("watch stream to api-server ended"));
    }

    private void retry(String why) {
        if (stopped) {
            return;
        }
        beforeRetry.run();
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        LOG.log(Level.WARNING, "{0}; serving the last known state, reconnecting in {1} ms", new Object[] {
            why, wait.toMillis()
        });
        io.smallrye.mutiny.Uni.createFrom()
                .voidItem()
                .onItem()
                .delayIt()
                .by(wait)
                .subscribe()
                .with(v -> connect());
    }
}
