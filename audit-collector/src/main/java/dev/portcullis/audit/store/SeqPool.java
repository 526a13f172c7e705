package dev.portcullis.audit.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Ingestion-order ids ({@code seq}) drawn from the entity's sequence a hundred at a time, the way
 * Hibernate's pooled optimizer does: a value v from the sequence (increment 100) reserves
 * v-99 .. v, so ids never collide with rows Hibernate itself inserted. One sequence call per
 * hundred rows matters on H2, which writes its store out every few sequence calls (a
 * NEXT VALUE FOR per row was a fifth of indexing time). Shared by whatever thread inserts;
 * ids a rolled-back batch took are skipped, never reused.
 */
final class SeqPool {
    private final int allocation;
    private long next;
    private long last = -1;

    SeqPool(int allocation) {
        this.allocation = allocation;
    }

    /** The next id, drawing a new range on {@code connection} when the current one is used up. */
    synchronized long next(Connection connection) throws SQLException {
        if (next > last) {
            long hi = draw(connection);
            if (hi < allocation) {
                // a new sequence starts at 1: its first range would reach below 1, so take the next
                hi = draw(connection);
            }
            next = hi - allocation + 1;
            last = hi;
        }
        return next++;
    }

    private static long draw(Connection connection) throws SQLException {
        // the standard NEXT VALUE FOR is H2's; PostgreSQL only has nextval()
        String sql =
                connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres")
                        ? "select nextval('pc_accesslogs_seq')"
                        : "select next value for pc_accesslogs_seq";
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
