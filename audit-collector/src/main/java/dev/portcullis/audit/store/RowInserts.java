package dev.portcullis.audit.store;

import dev.portcullis.audit.event.IndexedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Inserts {@link StoredAccessLog} rows as one JDBC batch. The table is Hibernate's (its schema
 * comes from the entity, and searches read it through HQL); only the insert bypasses it. The
 * ingestion order ({@code seq}) comes from the entity's own sequence, through {@link SeqPool}.
 */
final class RowInserts {
    private static final int CHUNK = 500;
    private static final String COLUMNS =
            "(seq, eventId, createdAt, indexedAt, connectionId, type, service, serviceName,"
                    + " userName, sessionName, authorized, searchText, document)";

    private RowInserts() {}

    static void insert(Connection connection, SeqPool seqs, List<IndexedEvent> rows, Instant indexedAt)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        OffsetDateTime indexed = OffsetDateTime.ofInstant(indexedAt, ZoneOffset.UTC);
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into pc_accesslogs " + COLUMNS + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (IndexedEvent e : rows) {
                insert.setLong(1, seqs.next(connection));
                insert.setString(2, e.id());
                insert.setObject(3, OffsetDateTime.ofInstant(e.createdAt(), ZoneOffset.UTC));
                insert.setObject(4, indexed);
                insert.setString(5, Columns.fit(e.connectionId(), 256));
                insert.setString(6, Columns.fit(e.type(), 32));
                insert.setString(7, Columns.fit(e.service(), 256));
                insert.setString(8, Columns.fit(e.serviceName(), 256));
                insert.setString(9, Columns.fit(e.user(), 256));
                insert.setString(10, Columns.fit(e.session(), 256));
                insert.setBoolean(11, e.authorized());
                insert.setString(12, Columns.fit(e.text(), 100_000));
                insert.setString(13, e.json());
                insert.addBatch();
                if (++pending == CHUNK) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
    }
}
