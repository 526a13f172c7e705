package dev.portcullis.apiserver.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * One resource, of any kind, as a row. The document is the resource's JSON without its secret
 * parts: a Secret's value lives only in {@link #sealedValue} (AES-GCM), a Session's token only
 * as {@link #tokenHash}.
 *
 * <p>A plain entity rather than a Panache one: it belongs to two persistence units (embedded
 * H2 and PostgreSQL, one active at run time), which Panache entities cannot.
 */
@Entity
@Table(
        name = "pc_resources",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "pc_resources_kind_name",
                        columnNames = {"kind", "name"}),
        indexes = @Index(name = "pc_resources_token_hash", columnList = "tokenHash"))
public class StoredResource {
    @Id
    @Column(length = 36)
    public String uid;

    @Column(nullable = false, length = 16)
    public String kind;

    @Column(nullable = false, length = 63)
    public String name;

    @Column(nullable = false, length = 36)
    public String resourceVersion;

    @Column(nullable = false, length = 4_000_000)
    public String document;

    @Column(length = 70_000)
    public byte[] sealedValue;

    @Column(length = 64)
    public String tokenHash;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant updatedAt;
}
