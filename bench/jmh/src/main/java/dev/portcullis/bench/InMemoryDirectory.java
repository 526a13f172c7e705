package dev.portcullis.bench;

import dev.portcullis.api.v1.Group;
import dev.portcullis.api.v1.Policy;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.User;
import dev.portcullis.policy.engine.Directory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A Directory over plain maps, filled once before measuring: no replica, no IO. */
final class InMemoryDirectory implements Directory {
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, User> users = new HashMap<>();
    private final Map<String, Group> groups = new HashMap<>();
    private final Map<String, Policy> policies = new HashMap<>();
    private final Map<String, Service> services = new HashMap<>();

    InMemoryDirectory add(Session s) {
        sessions.put(s.getStatus().getTokenHash(), s);
        return this;
    }

    InMemoryDirectory add(User u) {
        users.put(u.getMetadata().getName(), u);
        return this;
    }

    InMemoryDirectory add(Service s) {
        services.put(s.getMetadata().getName(), s);
        return this;
    }

    @Override
    public Optional<Session> sessionByTokenHash(String tokenHash) {
        return Optional.ofNullable(sessions.get(tokenHash));
    }

    @Override
    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    @Override
    public Optional<Group> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    @Override
    public Optional<Policy> policy(String name) {
        return Optional.ofNullable(policies.get(name));
    }

    @Override
    public Optional<Service> service(String name) {
        return Optional.ofNullable(services.get(name));
    }
}
