package dev.portcullis.audit.live;

import dev.portcullis.audit.event.IndexedEvent;
import dev.portcullis.audit.search.AccessLogFilter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process broadcast from the indexer to live tails: each batch's newly stored events,
 * published right after its transaction commits (so a tail never shows an event a search could
 * not find). Redelivered duplicates are never published.
 */
@ApplicationScoped
public class LiveFeed {
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    /** @param pendingMax events held for it before a stream attaches; more ends it */
    public Subscription subscribe(AccessLogFilter filter, int pendingMax) {
        Subscription[] self = new Subscription[1];
        self[0] = new Subscription(filter, pendingMax, () -> subscriptions.remove(self[0]));
        subscriptions.add(self[0]);
        return self[0];
    }

    public void publish(List<IndexedEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        for (Subscription s : subscriptions) {
            for (IndexedEvent e : events) {
                s.offer(e);
            }
        }
    }

    public int subscribers() {
        return subscriptions.size();
    }
}
