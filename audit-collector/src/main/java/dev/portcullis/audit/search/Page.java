package dev.portcullis.audit.search;

import java.util.List;

/** @param nextCursor where the next page starts, or null when this one is the last */
public record Page(List<StoredRow> rows, String nextCursor) {}
