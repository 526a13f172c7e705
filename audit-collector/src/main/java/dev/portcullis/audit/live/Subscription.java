package dev.portcullis.audit.live;

import dev.portcullis.audit.event.IndexedEvent;
import dev.portcullis.audit.search.AccessLogFilter;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * One live tail. It receives matching events from the moment it is created; until a stream is
 * attached they wait here, so that nothing indexed while the stream replays stored events is
 * missed. Events the replay already sent are not sent twice.
 */
public final class Subscription implements AutoCloseable {
    private final AccessLogFilter filter;
    private final int pendingMax;
    private final Runnable onClose;
    private ArrayDeque<IndexedEvent> pending = new ArrayDeque<>();
    private MultiEmitter<? super IndexedEvent> emitter;
    private Set<String> alreadySent = Set.of();
    private boolean overflowed;
    private boolean closed;

    Subscription(AccessLogFilter filter, int pendingMax, Runnable onClose) {
        this.filter = filter;
        this.pendingMax = pendingMax;
        this.onClose = onClose;
    }

    /** Called by the indexer's threads, right after a batch commits. */
    synchronized void offer(IndexedEvent e) {
        if (closed || overflowed || !filter.matches(e)) {
            return;
        }
        if (emitter == null) {
            if (pending.size() >= pendingMax) {
                overflowed = true;
                pending.clear();
            } else {
                pending.add(e);
            }
            return;
        }
        if (!alreadySent.isEmpty() && alreadySent.remove(e.id())) {
            return;
        }
        emitter.emit(e);
    }

    /**
     * Starts delivering to a stream: first what waited here, then every new match.
     *
     * @param replayed ids of the events the stream has already sent from storage
     */
    public synchronized void attach(MultiEmitter<? super IndexedEvent> stream, Set<String> replayed) {
        if (closed) {
            stream.complete();
            return;
        }
        if (overflowed) {
            stream.fail(
                    new IllegalStateException("more than " + pendingMax + " events arrived while the stream started"));
            return;
        }
        alreadySent = new HashSet<>(replayed);
        for (IndexedEvent e : pending) {
            if (!alreadySent.remove(e.id())) {
                stream.emit(e);
            }
        }
        pending = null;
        emitter = stream;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending = null;
        }
        onClose.run();
    }
}
