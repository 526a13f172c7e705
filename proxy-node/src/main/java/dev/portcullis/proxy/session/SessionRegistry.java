package dev.portcullis.proxy.session;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The live (relaying) sessions of this node: for shutdown, metrics, and later revocation. */
@ApplicationScoped
public class SessionRegistry {
    private final ConcurrentHashMap<String, ClientConnection> live = new ConcurrentHashMap<>();

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
