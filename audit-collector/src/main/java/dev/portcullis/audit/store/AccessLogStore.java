package dev.portcullis.audit.store;

import dev.portcullis.audit.event.IndexedEvent;
import dev.portcullis.audit.search.Page;
import dev.portcullis.audit.search.SearchRequest;
import dev.portcullis.audit.search.StoredRow;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.transaction.Transactional;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;

/** Batches in (each event once), pages out. */
@ApplicationScoped
public class AccessLogStore {
    private final InjectableInstance<Session> sessions;
    private final SeqPool seqs = new SeqPool(StoredAccessLog.SEQ_ALLOCATION);
    /** Whether the active database is the embedded H2 (known from the first connection). */
    private volatile Boolean embedded;

    public AccessLogStore(@Any InjectableInstance<Session> sessions) {
        this.sessions = sessions;
    }

    /** The session of whichever persistence unit configuration activated (H2 or PostgreSQL). */
    private Session db() {
        return sessions.getActive();
    }

    /**
     * Stores the events whose id is not stored yet, in one transaction. Check-then-insert is
     * enough because one partition (so one event's redeliveries) is read by one consumer at a
     * time; should two instances still race during a rebalance, the unique constraint fails one
     * batch, which is retried and then finds the rows.
     */
    @Transactional
    public InsertResult insertNew(List<IndexedEvent> batch) {
        Map<String, IndexedEvent> unique = new LinkedHashMap<>();
        for (IndexedEvent e : batch) {
            unique.putIfAbsent(e.id(), e);
        }
        if (unique.isEmpty()) {
            return new InsertResult(List.of(), 0);
        }
        Set<String> existing = new HashSet<>(db().createSelectionQuery(
                        "select r.eventId from StoredAccessLog r where r.eventId in :ids", String.class)
                .setParameter("ids", unique.keySet())
                .getResultList());
        List<IndexedEvent> inserted = new ArrayList<>(unique.size());
        for (IndexedEvent e : unique.values()) {
            if (!existing.contains(e.id())) {
                inserted.add(e);
            }
        }
        // plain JDBC on the transaction's own connection: Hibernate's persist and flush of each
        // entity cost more than H2's insert itself, for rows that are never read back as entities
        db().doWork(connection -> RowInserts.insert(connection, seqs, inserted, Instant.now()));
        return new InsertResult(inserted, batch.size() - inserted.size());
    }

    /**
     * Writes the embedded database's committed changes to its file (H2's CHECKPOINT), so that they
     * survive the process being killed; H2 otherwise writes them up to half a second later, in the
     * background. Storing at every transaction's commit instead wrote each index's changed pages
     * per batch: a third of the collector's CPU while it caught up (async-profiler, bench/audit.sh).
     * PostgreSQL's commits are durable already (with its default synchronous_commit=on): nothing
     * to do, and no connection is taken for it once the database is known.
     */
    @Transactional
    public void makeDurable() {
        if (Boolean.FALSE.equals(embedded)) {
            return;
        }
        db().doWork(connection -> {
            if (embedded == null) {
                embedded = "H2".equals(connection.getMetaData().getDatabaseProductName());
            }
            if (embedded) {
                try (Statement s = connection.createStatement()) {
                    s.execute("CHECKPOINT");
                }
            }
        });
    }

    /** One page in (createdAt, seq) order; one row more than asked tells whether another page exists. */
    @Transactional
    public Page search(SearchRequest request) {
        var query = FilterQuery.build(request.filter(), request.after(), request.descending());
        var keys = db().createSelectionQuery(query.keysHql(), Long.class);
        query.parameters().forEach(keys::setParameter);
        List<Long> seqs = keys.setMaxResults(request.limit() + 1).getResultList();
        if (seqs.isEmpty()) {
            return new Page(List.of(), null);
        }
        List<StoredRow> rows = db().createSelectionQuery(FilterQuery.rowsHql(request.descending()), StoredRow.class)
                .setParameter("seqs", seqs)
                .getResultList();
        if (rows.size() <= request.limit()) {
            return new Page(rows, null);
        }
        List<StoredRow> page = rows.subList(0, request.limit());
        return new Page(
                List.copyOf(page),
                page.get(page.size() - 1).cursor(request.descending()).encode());
    }

    @Transactional
    public long count() {
        return db().createSelectionQuery("select count(r) from StoredAccessLog r", Long.class)
                .getSingleResult();
    }
}
