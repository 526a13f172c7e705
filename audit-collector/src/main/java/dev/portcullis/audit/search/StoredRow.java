package dev.portcullis.audit.search;

import java.time.Instant;

/** One stored event as a search returns it: its sort key and its JSON. */
public record StoredRow(long seq, Instant createdAt, String id, String json) {
    public Cursor cursor(boolean descending) {
        return new Cursor(createdAt, seq, descending);
    }
}
