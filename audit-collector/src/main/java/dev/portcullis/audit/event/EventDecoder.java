package dev.portcullis.audit.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.PostgresInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.time.temporal.ChronoUnit;

/**
 * A Kafka record's value (AccessLog as protobuf JSON) to an {@link IndexedEvent}.
 *
 * <p>Parsing is lenient about unknown fields, unlike the resource codec: a proxy node upgraded
 * before the collector may add fields, and an audit event must not be dropped for that. The
 * stored JSON is the record's own tree (compacted), so such fields are kept too.
 *
 * <p>An event without metadata.id gets a deterministic one from its Kafka position, so that a
 * redelivery of it is still recognised as the same event.
 */
public final class EventDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    /** The id column's width. */
    public static final int MAX_ID = 128;
    /**
     * The document column's width: Kafka's default record limit (1 MiB), and H2's longest VARCHAR.
     * Wider, the column became a CLOB, and H2's LOB storage was most of the cost of an insert.
     */
    public static final int MAX_DOCUMENT = 1_048_576;

    private EventDecoder() {
    }

    /** Where the record came from: the fallbacks for a missing id, connection or time. */
    public record Origin(String topic, int partition, long offset, String key, long timestampMillis) {
        String syntheticId() {
            return "kafka-" + topic + "-" + partition + "-" + offset;
        }
    }

    public static IndexedEvent decode(String value, Origin origin) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException("empty record", null);
        }
        JsonNode tree;
        AccessLog.Builder event = AccessLog.newBuilder();
        try {
            tree = JSON.readTree(value);
            if (!(tree instanceof ObjectNode)) {
                throw new InvalidEventException("not a JSON object", null);
            }
            PARSER.merge(value, event);
        } catch (JsonProcessingException | InvalidProtocolBufferException e) {
            throw new InvalidEventException("not an AccessLog: " + firstLine(e.getMessage()), e);
        }
        ObjectNode root = (ObjectNode) tree;
        String id = event.getMetadata().getId();
        if (id.isBlank()) {
            id = origin.syntheticId();
            event.getMetadataBuilder().setId(id);
            root.withObject("/metadata").put("id", id);
        }
        if (!event.getMetadata().hasCreatedAt()) {
            Timestamp ts = Timestamps.fromMillis(origin.timestampMillis());
            event.getMetadataBuilder().setCreatedAt(ts);
            root.withObject("/metadata").put("createdAt", Timestamps.toString(ts));
        }
        if (id.length() > MAX_ID) {
            // still deterministic, so a redelivery is still recognised; the document keeps the original
            id = "sha256-" + sha256(id);
        }
        var common = event.getEntry().getCommon();
        String connection = common.getConnectionId().isEmpty() && origin.key() != null
                ? origin.key() : common.getConnectionId();
        String type = type(event.getEntry().getInfo().getPostgres());
        Timestamp created = event.getMetadata().getCreatedAt();
        // the database keeps microseconds: cursors compare against what it keeps, so do the same here
        Instant createdAt = Instant.ofEpochSecond(created.getSeconds(), created.getNanos()).truncatedTo(ChronoUnit.MICROS);
        String service = common.getServiceRef().getName();
        AccessLog built = event.build();
        String json = compact(root);
        if (json.length() > MAX_DOCUMENT) {
            throw new InvalidEventException("event " + id + " is " + json.length() + " characters long, more than "
                    + MAX_DOCUMENT + "; the proxy should have cut it", null);
        }
        return new IndexedEvent(id, createdAt, connection, type, service, Names.withoutNamespace(service),
                Names.withoutNamespace(common.getUserRef().getName()),
                Names.withoutNamespace(common.getSessionRef().getName()), common.getIsAuthorized(),
                SearchText.of(built, type), json);
    }

    /** The declared type; else the one implied by which detail is present. */
    static String type(PostgresInfo pg) {
        if (!pg.getType().isBlank()) {
            return Names.type(pg.getType());
        }
        if (pg.hasQuery()) {
            return "QUERY";
        }
        if (pg.hasParse()) {
            return "PARSE";
        }
        if (pg.hasBind()) {
            return "BIND";
        }
        if (pg.hasExecute()) {
            return "EXECUTE";
        }
        if (pg.hasClose()) {
            return "CLOSE";
        }
        if (pg.hasFunctionCall()) {
            return "FUNCTION_CALL";
        }
        if (pg.hasSessionStart()) {
            return "SESSION_START";
        }
        if (pg.hasSessionEnd()) {
            return "SESSION_END";
        }
        return "UNKNOWN";
    }

    private static String compact(JsonNode tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
