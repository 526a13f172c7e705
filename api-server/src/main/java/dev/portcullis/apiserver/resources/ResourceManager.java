package dev.portcullis.apiserver.resources;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.auth.AccessTokens;
import dev.portcullis.api.model.Ttl;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.SessionStatus;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.apiserver.config.ApiServerConfig;
import dev.portcullis.apiserver.security.Role;
import dev.portcullis.apiserver.store.Redaction;
import dev.portcullis.apiserver.store.ResourceStore;
import dev.portcullis.apiserver.validation.ResourceValidator;
import dev.portcullis.apiserver.watch.WatchHub;
import dev.portcullis.http.problem.ApiProblem;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The operations of the management API, shared by REST and gRPC: validate, store, and tell
 * the watchers. Writes are serialized by one lock — management writes are rare, and the
 * lock makes validation of references, the write and the watch event one atomic step.
 */
@ApplicationScoped
public class ResourceManager {
    private static final Logger LOG = Logger.getLogger(ResourceManager.class);

    private final ResourceStore store;
    private final ResourceValidator validator;
    private final WatchHub hub;
    private final ApiServerConfig config;
    private final ReentrantLock writes = new ReentrantLock();

    public ResourceManager(ResourceStore store, ResourceValidator validator, WatchHub hub, ApiServerConfig config) {
        this.store = store;
        this.validator = validator;
        this.hub = hub;
        this.config = config;
    }

    /** What a create returns: the resource, and for a Session its access token (shown once). */
    public record Created(Resource resource, String accessToken) {}

    public Resource get(Kind kind, String name, Role role) {
        return store.get(kind, name, role).orElseThrow(() -> notFound(kind, name));
    }

    public List<Resource> list(Kind kind, Role role) {
        return store.list(kind, role);
    }

    public Created create(Resource resource) {
        Kind kind = Kind.of(resource);
        if (kind == Kind.SESSION) {
            return issueSession(resource);
        }
        return locked(() -> {
            String name = Resources.name(resource);
            if (store.exists(kind, name)) {
                throw ApiProblem.conflict(kind.displayName() + " \"" + name + "\" already exists");
            }
            if (kind == Kind.SECRET && resource.getSecret().getData().getValue().isEmpty()) {
                throw ApiProblem.invalid("data.value: missing; a Secret needs a value");
            }
            validator.validate(resource);
            Resource stored = store.insert(resource);
            hub.publish(WatchEvent.Type.ADDED, stored);
            LOG.infof(
                    "created %s/%s (resourceVersion %s)",
                    kind.plural(), name, Resources.metadata(stored).getResourceVersion());
            return new Created(Redaction.forRole(stored, Role.ADMIN), null);
        });
    }

    public Resource update(Kind kind, String name, Resource resource) {
        if (kind == Kind.SESSION) {
            throw ApiProblem.methodNotAllowed("a Session cannot be changed; delete it and issue a new one");
        }
        String bodyName = Resources.name(resource);
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw ApiProblem.badRequest("metadata.name: \"" + bodyName + "\" does not match the name in the path, \""
                    + name + "\"; a resource cannot be renamed");
        }
        Resource named = Resources.withMetadata(
                resource, Resources.metadata(resource).toBuilder().setName(name).build());
        return locked(() -> {
            Resource current = store.get(kind, name, Role.ADMIN).orElseThrow(() -> notFound(kind, name));
            String expected = Resources.metadata(named).getResourceVersion();
            String actual = Resources.metadata(current).getResourceVersion();
            if (!expected.isEmpty() && !expected.equals(actual)) {
                throw ApiProblem.conflict("metadata.resourceVersion: \"" + expected + "\" is stale; "
                        + kind.displayName() + " \"" + name + "\" is now at \"" + actual
                        + "\". Read it again, re-apply your change, and retry");
            }
            validator.validate(named);
            Resource stored = store.replace(named);
            hub.publish(WatchEvent.Type.MODIFIED, stored);
            LOG.infof(
                    "updated %s/%s (resourceVersion %s)",
                    kind.plural(), name, Resources.metadata(stored).getResourceVersion());
            return Redaction.forRole(stored, Role.ADMIN);
        });
    }

    public void delete(Kind kind, String name) {
        locked(() -> {
            if (!store.exists(kind, name)) {
                throw notFound(kind, name);
            }
            List<String> users = References.usersOf(kind, name, store);
            if (!users.isEmpty()) {
                throw ApiProblem.conflict(kind.displayName() + " \"" + name + "\" is still used by "
                        + String.join(", ", users) + "; change or delete those first");
            }
            if (kind == Kind.USER) {
                // a deleted User's Sessions must stop working at once, and not linger as orphans
                for (Resource s : store.list(Kind.SESSION, Role.ADMIN)) {
                    if (s.getSession().getSpec().getUser().equals(name)) {
                        store.delete(Kind.SESSION, Resources.name(s))
                                .ifPresent(full -> hub.publish(WatchEvent.Type.DELETED, full));
                    }
                }
            }
            store.delete(kind, name).ifPresent(full -> hub.publish(WatchEvent.Type.DELETED, full));
            LOG.infof("deleted %s/%s", kind.plural(), name);
            return null;
        });
    }

    /**
     * Streams a snapshot of the kinds (ADDED events), SYNCED, then every change. Taken under
     * the write lock, so no change falls between the snapshot and the first live event.
     */
    public void watch(Set<Kind> kinds, Role role, MultiEmitter<? super WatchEvent> emitter) {
        locked(() -> {
            List<Resource> snapshot = new ArrayList<>();
            for (Kind k : kinds) {
                snapshot.addAll(store.list(k, role));
            }
            WatchHub.Watcher watcher = hub.register(kinds, role, emitter);
            for (Resource r : snapshot) {
                watcher.emit(WatchEvent.Type.ADDED, r);
            }
            watcher.synced();
            return null;
        });
    }

    private Created issueSession(Resource request) {
        Session asked = request.getSession();
        String user = asked.getSpec().getUser();
        String ttlText = asked.getSpec().getTtl().isEmpty()
                ? config.sessions().defaultTtl()
                : asked.getSpec().getTtl();
        String name = asked.getMetadata().getName().isEmpty()
                ? sessionName(user)
                : asked.getMetadata().getName();
        Session.Builder session = asked.toBuilder();
        session.getMetadataBuilder().setName(name);
        session.getSpecBuilder().setTtl(ttlText);
        Resource candidate = Resource.newBuilder().setSession(session).build();
        return locked(() -> {
            validator.validate(candidate);
            if (store.exists(Kind.SESSION, name)) {
                throw ApiProblem.conflict("Session \"" + name + "\" already exists");
            }
            Duration ttl = Ttl.parse(ttlText);
            Instant expires = Instant.now().plus(ttl);
            String token = AccessTokens.newToken();
            Resource withStatus = Resource.newBuilder()
                    .setSession(session.setStatus(SessionStatus.newBuilder()
                            .setExpiresAt(Timestamp.newBuilder()
                                    .setSeconds(expires.getEpochSecond())
                                    .setNanos(expires.getNano()))
                            .setTokenHash(AccessTokens.hash(token))))
                    .build();
            Resource stored = store.insert(withStatus);
            hub.publish(WatchEvent.Type.ADDED, stored);
            LOG.infof("issued sessions/%s to user %s, expires %s", name, user, expires);
            return new Created(Redaction.forRole(stored, Role.ADMIN), token);
        });
    }

    private static String sessionName(String user) {
        String base = user.length() > 56 ? user.substring(0, 56) : user;
        return base + "-" + AccessTokens.suffix();
    }

    private <T> T locked(Supplier<T> work) {
        writes.lock();
        try {
            return work.get();
        } finally {
            writes.unlock();
        }
    }

    private static ApiProblem notFound(Kind kind, String name) {
        return ApiProblem.notFound(kind.displayName() + " \"" + name + "\" not found");
    }
}
