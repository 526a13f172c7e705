package dev.portcullis.audit.search;

/**
 * One page request.
 *
 * @param after where the previous page ended, or null for the first page
 */
public record SearchRequest(AccessLogFilter filter, int limit, boolean descending, Cursor after) {}
