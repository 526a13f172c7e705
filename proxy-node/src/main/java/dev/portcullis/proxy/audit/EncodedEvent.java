package dev.portcullis.proxy.audit;

import dev.portcullis.api.codec.ResourceCodec;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.proxy.config.TopicFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * An event as it goes on the topic, encoded once: a resend after a failure, or from the spool,
 * carries the same bytes and id, so the collector can tell it is the same event.
 *
 * @param key the connection id (a connection's events stay in order on one partition)
 * @param id, type, createdAt what the CloudEvents headers say of it
 */
record EncodedEvent(String key, String id, String type, Instant createdAt, TopicFormat format, byte[] value) {

    static EncodedEvent of(AuditEvent e, TopicFormat format) {
        String id = AccessLogs.eventId();
        byte[] value = format == TopicFormat.PROTOBUF
                ? e.connection().encode(e, id)
                : dev.portcullis.api.codec.AccessLogJson.writeUtf8(
                        e.connection().accessLog(e, id));
        return new EncodedEvent(e.connection().connectionId(), id, e.type(), e.createdAt(), format, value);
    }

    /** The spool's line for it: JSON as it is (it never holds a newline), protobuf as base64. */
    String spooled() {
        return format == TopicFormat.JSON
                ? new String(value, StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(value);
    }

    /**
     * An event back from the spool. JSON begins with '{', which base64 never holds; spools written
     * before protobuf was the format hold JSON, and replay as JSON.
     */
    static EncodedEvent fromSpool(String key, String line) {
        AccessLog event;
        TopicFormat format;
        byte[] value;
        try {
            if (line.startsWith("{")) {
                format = TopicFormat.JSON;
                value = line.getBytes(StandardCharsets.UTF_8);
                event = ResourceCodec.merge(line, AccessLog.newBuilder()).build();
            } else {
                format = TopicFormat.PROTOBUF;
                value = Base64.getDecoder().decode(line);
                event = AccessLog.parseFrom(value);
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
            throw new IllegalArgumentException("a spooled event that does not decode: " + e.getMessage(), e);
        }
        var created = event.getMetadata().getCreatedAt();
        return new EncodedEvent(
                key,
                event.getMetadata().getId(),
                event.getEntry().getInfo().getPostgres().getType(),
                Instant.ofEpochSecond(created.getSeconds(), created.getNanos()),
                format,
                value);
    }
}
