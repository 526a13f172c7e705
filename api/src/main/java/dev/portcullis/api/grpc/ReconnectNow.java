package dev.portcullis.api.grpc;

import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A channel to a server that was away is tried again now rather than after grpc-java's
 * reconnect backoff, which grows with the outage (1 s, times 1.6 per failed attempt, up to
 * 2 minutes) and fails every call meanwhile: without this, a proxy node went on refusing new
 * connections for seconds after policy-service was back, and watches of api-server resumed up
 * to minutes after it returned. Callers invoke {@link #ifFailing()} when a call failed or before
 * they retry; at most one reconnect per {@code minInterval}.
 */
public final class ReconnectNow {
    private final ManagedChannel channel;
    private final long minIntervalNanos;
    private final AtomicLong last;

    /** A no-op unless {@code channel} is a {@link ManagedChannel} (as the Quarkus gRPC clients' are). */
    public ReconnectNow(Channel channel, Duration minInterval) {
        this.channel = channel instanceof ManagedChannel m ? m : null;
        this.minIntervalNanos = minInterval.toNanos();
        this.last = new AtomicLong(System.nanoTime() - minIntervalNanos);
    }

    /** If the channel is waiting out a reconnect backoff, it reconnects at once. */
    public void ifFailing() {
        if (channel == null || channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
            return;
        }
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous >= minIntervalNanos && last.compareAndSet(previous, now)) {
            channel.resetConnectBackoff();
        }
    }
}
