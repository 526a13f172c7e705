package dev.portcullis.proxy.session;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The live (relaying) sessions of this node: for shutdown, metrics, and later revocation. */
@ApplicationScoped
public class SessionRegistry {
    private final ConcurrentHashMap<String, ClientConnection> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> perUser =
            new ConcurrentHashMap<>();
    /** Notified when the last live session is gone. */
    private final Object emptied = new Object();

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
        if (live.isEmpty()) {
            synchronized (emptied) {
                emptied.notifyAll();
            }
        }
    }

    /** Waits until no session is live, at most {@code atMost} (a draining node); false if some still are. */
    public boolean awaitEmpty(java.time.Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (emptied) {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    emptied.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return live.isEmpty();
                }
            }
        }
        return true;
    }

    public Collection<ClientConnection> all() {
        return live.values();
    }

    public int size() {
        return live.size();
    }
}
