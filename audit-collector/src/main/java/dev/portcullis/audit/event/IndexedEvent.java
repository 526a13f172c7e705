package dev.portcullis.audit.event;

import java.time.Instant;

/**
 * One access-log event as the collector indexes it: the columns that searches filter on, and
 * the event itself as one line of JSON, validated when indexed (its original shape, unknown fields
 * included).
 *
 * @param id          metadata.id: unique, the idempotency key
 * @param createdAt   metadata.createdAt, to the microsecond (what the database keeps)
 * @param service     serviceRef.name as the event has it ("pg1.default")
 * @param serviceName the same without its namespace ("pg1"): what people type
 * @param text        what a text search looks in: the query text, or a summary of the message
 */
public record IndexedEvent(
        String id,
        Instant createdAt,
        String connectionId,
        String type,
        String service,
        String serviceName,
        String user,
        String session,
        boolean authorized,
        String text,
        String json) {}
