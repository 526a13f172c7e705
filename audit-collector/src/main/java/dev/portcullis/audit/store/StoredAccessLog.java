package dev.portcullis.audit.store;

import dev.portcullis.audit.event.EventDecoder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * One indexed access-log event. {@link #seq} is the ingestion order (the tie-breaker after
 * createdAt, and half of every cursor); {@link #eventId} is the event's own id, unique, which
 * makes a redelivered event a no-op. A plain entity, not a Panache one: it belongs to two
 * persistence units (embedded H2 and PostgreSQL), one active at run time.
 *
 * <p>Indexes serve the selective filters only: each one costs every insert (index upkeep is
 * most of H2's share of indexing time), and the type, with eight values, narrows too little to
 * pay for one.
 */
@Entity
@Table(
        name = "pc_accesslogs",
        uniqueConstraints = @UniqueConstraint(name = "pc_accesslogs_event_id", columnNames = "eventId"),
        indexes = {
            @Index(name = "pc_accesslogs_order", columnList = "createdAt, seq"),
            @Index(name = "pc_accesslogs_service", columnList = "serviceName, createdAt"),
            @Index(name = "pc_accesslogs_user", columnList = "userName, createdAt"),
            @Index(name = "pc_accesslogs_session", columnList = "sessionName"),
            @Index(name = "pc_accesslogs_connection", columnList = "connectionId")
        })
public class StoredAccessLog {
    /** The sequence's increment: each value it gives reserves this many ids (see {@link SeqPool}). */
    static final int SEQ_ALLOCATION = 100;

    // batches of up to a few hundred rows: one sequence round trip per hundred ids
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "pc_accesslogs_seq")
    @SequenceGenerator(name = "pc_accesslogs_seq", sequenceName = "pc_accesslogs_seq", allocationSize = SEQ_ALLOCATION)
    public Long seq;

    @Column(nullable = false, length = 128)
    public String eventId;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant indexedAt;

    @Column(nullable = false, length = 256)
    public String connectionId;

    @Column(nullable = false, length = 32)
    public String type;

    /** serviceRef.name as in the event ("pg1.default"). */
    @Column(nullable = false, length = 256)
    public String service;

    /** The same without its namespace ("pg1"): what filters compare. */
    @Column(nullable = false, length = 256)
    public String serviceName;

    @Column(nullable = false, length = 256)
    public String userName;

    @Column(nullable = false, length = 256)
    public String sessionName;

    @Column(nullable = false)
    public boolean authorized;

    @Column(nullable = false, length = 100_000)
    public String searchText;

    /** A VARCHAR, not a LOB, in both databases: see {@link EventDecoder#MAX_DOCUMENT}. */
    @Column(nullable = false, length = EventDecoder.MAX_DOCUMENT)
    public String document;
}
