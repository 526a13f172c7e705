package dev.portcullis.proxy.audit;

import dev.portcullis.api.codec.AccessLogJson;
import dev.portcullis.proxy.config.TopicFormat;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CloudEvents Kafka protocol binding, binary mode: the event's attributes as {@code ce_}
 * headers, the record's value as the data, its media type as {@code content-type}. The headers
 * that are the same for many events (specversion, source, each type, content-type) are built once
 * and shared: a header is immutable once it holds its bytes.
 */
final class CloudEventHeaders {
    static final String TYPE_PREFIX = "dev.portcullis.accesslog.v1.";

    private final Header specVersion = header("ce_specversion", "1.0");
    private final Header source;
    private final Map<TopicFormat, Header> contentTypes = new java.util.EnumMap<>(TopicFormat.class);
    private final Map<String, Header> types = new ConcurrentHashMap<>();

    /** @param source this node, as a URI reference (ce_source) */
    CloudEventHeaders(String source) {
        this.source = header("ce_source", source);
        for (TopicFormat f : TopicFormat.values()) {
            contentTypes.put(f, header("content-type", f.contentType()));
        }
    }

    Headers of(EncodedEvent e) {
        return new RecordHeaders(new Header[] {
            specVersion,
            header("ce_id", e.id()),
            source,
            types.computeIfAbsent(e.type(), t -> header("ce_type", TYPE_PREFIX + t)),
            header(
                    "ce_time",
                    AccessLogJson.rfc3339(
                            e.createdAt().getEpochSecond(), e.createdAt().getNano())),
            contentTypes.get(e.format())
        });
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
