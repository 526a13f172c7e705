package dev.portcullis.apiserver.store;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.codec.ResourceCodec;
import dev.portcullis.api.v1.ObjectMeta;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.SecretData;
import dev.portcullis.apiserver.secrets.SecretCipher;
import dev.portcullis.apiserver.security.Role;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Rows in, resources out. Knows how a resource is stored (JSON document, sealed Secret value,
 * Session token hash) and nothing of validation or watchers; callers serialize writes.
 */
@ApplicationScoped
public class ResourceStore {
    private final SecretCipher cipher;
    private final InjectableInstance<Session> sessions;

    public ResourceStore(SecretCipher cipher, @Any InjectableInstance<Session> sessions) {
        this.cipher = cipher;
        this.sessions = sessions;
    }

    /** The session of whichever persistence unit configuration activated (H2 or PostgreSQL). */
    private Session db() {
        return sessions.getActive();
    }

    @Transactional
    public Optional<Resource> get(Kind kind, String name, Role role) {
        return find(kind, name).map(row -> read(row, role));
    }

    @Transactional
    public List<Resource> list(Kind kind, Role role) {
        return db().createSelectionQuery("from StoredResource where kind = ?1 order by name", StoredResource.class)
                .setParameter(1, kind.displayName())
                .getResultStream()
                .map(row -> read(row, role))
                .toList();
    }

    @Transactional
    public boolean exists(Kind kind, String name) {
        return find(kind, name).isPresent();
    }

    /** Stores a new resource; returns it as stored, in full (with any secret parts). */
    @Transactional
    public Resource insert(Resource resource) {
        Kind kind = Kind.of(resource);
        Instant now = Instant.now();
        ObjectMeta meta = Resources.metadata(resource).toBuilder()
                .setUid(UUID.randomUUID().toString())
                .setResourceVersion(ResourceVersions.next())
                .setCreatedAt(ts(now))
                .setUpdatedAt(ts(now))
                .build();
        Resource stored = Resources.withMetadata(resource, meta);
        StoredResource row = new StoredResource();
        row.uid = meta.getUid();
        row.kind = kind.displayName();
        row.name = meta.getName();
        row.createdAt = now;
        write(row, stored, now);
        db().persist(row);
        return stored;
    }

    /**
     * Replaces a resource's content, keeping uid and createdAt. A Secret update without a value
     * keeps the old value (so that metadata can change without re-sending the secret).
     */
    @Transactional
    public Resource replace(Resource resource) {
        Kind kind = Kind.of(resource);
        StoredResource row = find(kind, Resources.name(resource))
                .orElseThrow(() -> new IllegalStateException("resource vanished under the write lock"));
        db().lock(row, LockModeType.PESSIMISTIC_WRITE);
        Instant now = Instant.now();
        ObjectMeta meta = Resources.metadata(resource).toBuilder()
                .setUid(row.uid)
                .setResourceVersion(ResourceVersions.next())
                .setCreatedAt(ts(row.createdAt))
                .setUpdatedAt(ts(now))
                .build();
        Resource stored = Resources.withMetadata(resource, meta);
        if (kind == Kind.SECRET && stored.getSecret().getData().getValue().isEmpty()) {
            stored = Resource.newBuilder()
                    .setSecret(stored.getSecret().toBuilder()
                            .setData(SecretData.newBuilder().setValue(cipher.open(row.sealedValue, row.uid))))
                    .build();
        }
        write(row, stored, now);
        return stored;
    }

    /** Deletes and returns the resource as it was, in full. */
    @Transactional
    public Optional<Resource> delete(Kind kind, String name) {
        return find(kind, name).map(row -> {
            Resource full = read(row, Role.PROXY);
            db().remove(row);
            return full;
        });
    }

    private Optional<StoredResource> find(Kind kind, String name) {
        return db().createSelectionQuery("from StoredResource where kind = ?1 and name = ?2", StoredResource.class)
                .setParameter(1, kind.displayName())
                .setParameter(2, name)
                .uniqueResultOptional();
    }

    private void write(StoredResource row, Resource stored, Instant now) {
        Resource document = stored;
        if (stored.hasSecret()) {
            row.sealedValue = cipher.seal(stored.getSecret().getData().getValue(), row.uid);
            document = Resource.newBuilder()
                    .setSecret(stored.getSecret().toBuilder().clearData())
                    .build();
        }
        if (stored.hasSession()) {
            row.tokenHash = stored.getSession().getStatus().getTokenHash();
            document = Redaction.forRole(stored, Role.ADMIN);
        }
        row.resourceVersion = Resources.metadata(stored).getResourceVersion();
        row.updatedAt = now;
        row.document = ResourceCodec.toCompactJson(Kind.of(document).unwrap(document));
    }

    private Resource read(StoredResource row, Role role) {
        Kind kind = Kind.parse(row.kind).orElseThrow();
        Resource r = ResourceCodec.parse(row.document, kind);
        if (kind == Kind.SECRET && Redaction.showsSecretValues(role)) {
            r = Resource.newBuilder()
                    .setSecret(r.getSecret().toBuilder()
                            .setData(SecretData.newBuilder().setValue(cipher.open(row.sealedValue, row.uid))))
                    .build();
        }
        if (kind == Kind.SESSION && Redaction.showsTokenHashes(role) && row.tokenHash != null) {
            r = Resource.newBuilder()
                    .setSession(r.getSession().toBuilder()
                            .setStatus(r.getSession().getStatus().toBuilder().setTokenHash(row.tokenHash)))
                    .build();
        }
        return r;
    }

    static Timestamp ts(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }
}
