package dev.portcullis.audit.rest;

import dev.portcullis.audit.config.AuditConfig;
import dev.portcullis.audit.event.IndexedEvent;
import dev.portcullis.audit.live.LiveFeed;
import dev.portcullis.audit.live.Subscription;
import dev.portcullis.audit.search.AccessLogFilter;
import dev.portcullis.audit.search.Cursor;
import dev.portcullis.audit.search.Page;
import dev.portcullis.audit.search.SearchRequest;
import dev.portcullis.audit.search.StoredRow;
import dev.portcullis.audit.store.AccessLogStore;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A live tail as a stream of SSE events: a comment once subscribed, the stored matches since
 * `since` (the latest replay-max of them), then every match indexed from then on as its batch
 * commits (whatever its createdAt: late events are news too), with a heartbeat comment in
 * between. It subscribes to the feed before reading storage, so that nothing indexed in between
 * falls into a gap, and drops what the replay already sent.
 */
@ApplicationScoped
public class LiveTail {
    static final String EVENT_NAME = "accesslog";

    private final LiveFeed feed;
    private final AccessLogStore store;
    private final AuditConfig.Stream settings;
    private final int pageMax;

    public LiveTail(LiveFeed feed, AccessLogStore store, AuditConfig config) {
        this.feed = feed;
        this.store = store;
        this.settings = config.stream();
        this.pageMax = config.query().maxLimit();
    }

    /** Blocking (reads storage for the replay): call it from a worker thread. */
    public Multi<OutboundSseEvent> open(AccessLogFilter filter, Sse sse, Instant now) {
        Subscription subscription = feed.subscribe(filter.forLiveEvents(), settings.bufferMax());
        List<StoredRow> replay;
        try {
            replay = filter.since() == null ? List.of() : replay(filter);
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        Set<String> replayed = new HashSet<>();
        replay.forEach(r -> replayed.add(r.id()));
        // a window that has already ended has nothing live to add
        boolean finite = filter.until() != null && !filter.until().isAfter(now);

        Multi<OutboundSseEvent> head = Multi.createFrom()
                .item(sse.newEventBuilder().comment("subscribed").build());
        Multi<OutboundSseEvent> stored = Multi.createFrom().iterable(replay).map(r -> event(sse, r.id(), r.json()));
        Multi<OutboundSseEvent> events;
        if (finite) {
            subscription.close();
            events = Multi.createBy().concatenating().streams(head, stored);
        } else {
            Multi<OutboundSseEvent> live = Multi.createFrom()
                    .<IndexedEvent>emitter(em -> subscription.attach(em, replayed))
                    .onOverflow()
                    .buffer(settings.bufferMax())
                    .map(e -> event(sse, e.id(), e.json()));
            Multi<OutboundSseEvent> heartbeats = Multi.createFrom()
                    .ticks()
                    .every(settings.heartbeat())
                    .onOverflow()
                    .drop()
                    .map(tick -> sse.newEventBuilder().comment("heartbeat").build());
            events = Multi.createBy()
                    .merging()
                    .streams(Multi.createBy().concatenating().streams(head, stored, live), heartbeats);
        }
        return events.onTermination().invoke(subscription::close);
    }

    /** The latest replay-max matches, oldest first. */
    private List<StoredRow> replay(AccessLogFilter filter) {
        List<StoredRow> rows = new ArrayList<>();
        Cursor after = null;
        while (rows.size() < settings.replayMax()) {
            int limit = Math.min(pageMax, settings.replayMax() - rows.size());
            Page page = store.search(new SearchRequest(filter, limit, true, after));
            rows.addAll(page.rows());
            if (page.nextCursor() == null) {
                break;
            }
            after = Cursor.decode(page.nextCursor());
        }
        Collections.reverse(rows);
        return rows;
    }

    private static OutboundSseEvent event(Sse sse, String id, String json) {
        return sse.newEventBuilder()
                .name(EVENT_NAME)
                .id(id)
                .data(String.class, json)
                .build();
    }
}
