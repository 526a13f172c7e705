package dev.portcullis.proxy.session;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The live (relaying) sessions of this node: for shutdown, metrics, and later revocation. */
@ApplicationScoped
public class SessionRegistry {
    private final ConcurrentHashMap<String, ClientConnection> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> perUser = new ConcurrentHashMap<>();

    /** Takes one of a User's connection slots on a Service; false when the limit is reached. */
    public boolean tryReserve(String service, String user, int limit) {
        var count = perUser.computeIfAbsent(service + "/" + user, k -> new java.util.concurrent.atomic.AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release(String service, String user) {
        var count = perUser.get(service + "/" + user);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    public void register(ClientConnection c) {
        live.put(c.id(), c);
    }

    public void unregister(ClientConnection c) {
        live.remove(c.id());
    }

    public Collection<ClientConnection> all() {
        return live.values();
    }

    public int size() {
        return live.size();
    }
}
