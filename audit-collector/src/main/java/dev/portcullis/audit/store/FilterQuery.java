package dev.portcullis.audit.store;

import dev.portcullis.audit.search.AccessLogFilter;
import dev.portcullis.audit.search.Cursor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AccessLogFilter} and a cursor as HQL with named parameters (values are never inlined).
 * A page is read in two steps: {@link #keysHql()}, the sequence numbers of the page's rows in
 * order, then {@link #rowsHql(boolean)}, their documents. The sort then moves (createdAt, seq)
 * pairs, which an index holds, rather than every matching document: a user with 100,000 events
 * cost H2 a 36 s sort of all of them per page, and a 256 MB collector an OutOfMemoryError.
 */
record FilterQuery(String keysHql, Map<String, Object> parameters) {

    static FilterQuery build(AccessLogFilter f, Cursor after, boolean descending) {
        StringBuilder where = new StringBuilder();
        Map<String, Object> params = new LinkedHashMap<>();
        in(where, params, "r.serviceName", "services", f.services());
        in(where, params, "r.userName", "users", f.users());
        in(where, params, "r.sessionName", "sessions", f.sessions());
        in(where, params, "r.connectionId", "connections", f.connections());
        in(where, params, "r.type", "types", f.types());
        if (f.since() != null) {
            and(where).append("r.createdAt >= :since");
            params.put("since", f.since());
        }
        if (f.until() != null) {
            and(where).append("r.createdAt < :until");
            params.put("until", f.until());
        }
        if (f.text() != null) {
            and(where).append("lower(r.searchText) like :text escape '!'");
            params.put("text", "%" + escapeLike(f.text()) + "%");
        }
        if (after != null) {
            // (createdAt, seq) after the cursor's, written as a range on createdAt that an index can seek to
            String cmp = descending ? "<" : ">";
            and(where)
                    .append("r.createdAt ")
                    .append(cmp)
                    .append("= :afterTime and (r.createdAt ")
                    .append(cmp)
                    .append(" :afterTime or r.seq ")
                    .append(cmp)
                    .append(" :afterSeq)");
            params.put("afterTime", after.createdAt());
            params.put("afterSeq", after.seq());
        }
        String hql =
                "select r.seq from StoredAccessLog r" + (where.isEmpty() ? "" : " where " + where) + order(descending);
        return new FilterQuery(hql, params);
    }

    /** The rows of a page, by their sequence numbers (parameter {@code seqs}), in page order. */
    static String rowsHql(boolean descending) {
        return "select new dev.portcullis.audit.search.StoredRow(r.seq, r.createdAt, r.eventId, r.document)"
                + " from StoredAccessLog r where r.seq in :seqs" + order(descending);
    }

    private static String order(boolean descending) {
        String dir = descending ? " desc" : " asc";
        return " order by r.createdAt" + dir + ", r.seq" + dir;
    }

    private static void in(
            StringBuilder where, Map<String, Object> params, String column, String name, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        and(where).append(column).append(" in :").append(name);
        params.put(name, values);
    }

    private static StringBuilder and(StringBuilder where) {
        if (!where.isEmpty()) {
            where.append(" and ");
        }
        return where;
    }

    /** A user's "100%" means the characters 100%, not a pattern. */
    static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
