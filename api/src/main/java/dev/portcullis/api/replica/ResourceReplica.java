package dev.portcullis.api.replica;

import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.WatchEvent;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plane's local copy of api-server's resources, fed by a watch stream. Readers never wait
 * and never call api-server: when the stream is lost the replica keeps serving what it has
 * (so a brief api-server outage changes nothing), and when it comes back the fresh snapshot
 * replaces the old state whole, so deletions missed while away are not kept.
 *
 * <p>Events are applied by one thread at a time (the stream's); reads are from any thread.
 */
public final class ResourceReplica {

    /** Told of every change applied, after it is visible to readers. */
    public interface Listener {
        void changed(WatchEvent.Type type, Resource resource);

        /** A fresh snapshot replaced the state; derived indexes should be rebuilt. */
        void resynced(ResourceReplica replica);
    }

    private volatile Map<Kind, Map<String, Resource>> state = empty();
    private Map<Kind, Map<String, Resource>> incoming;
    private volatile boolean synced;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** True once a full snapshot has arrived; it stays true while the stream reconnects. */
    public boolean synced() {
        return synced;
    }

    public Optional<Resource> get(Kind kind, String name) {
        return Optional.ofNullable(state.get(kind).get(name));
    }

    public Collection<Resource> all(Kind kind) {
        return state.get(kind).values();
    }

    /** A (re)connected stream starts: its snapshot is collected aside until SYNCED. */
    public synchronized void streamStarted() {
        incoming = empty();
    }

    public synchronized void apply(WatchEvent event) {
        if (event.getType() == WatchEvent.Type.SYNCED) {
            if (incoming != null) {
                state = incoming;
                incoming = null;
            }
            synced = true;
            listeners.forEach(l -> l.resynced(this));
            return;
        }
        Resource r = event.getResource();
        Kind kind = Kind.of(r);
        String name = Resources.name(r);
        if (incoming != null) {
            // still receiving the snapshot of a (re)connection
            incoming.get(kind).put(name, r);
            return;
        }
        if (event.getType() == WatchEvent.Type.DELETED) {
            state.get(kind).remove(name);
        } else {
            state.get(kind).put(name, r);
        }
        listeners.forEach(l -> l.changed(event.getType(), r));
    }

    private static Map<Kind, Map<String, Resource>> empty() {
        Map<Kind, Map<String, Resource>> m = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            m.put(k, new ConcurrentHashMap<>());
        }
        return m;
    }
}
