package dev.portcullis.audit.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.portcullis.api.codec.AccessLogJson;
import dev.portcullis.api.v1.AccessLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * A Kafka record's value (a binary AccessLog, or its protobuf JSON) to an {@link IndexedEvent}.
 *
 * <p>Parsing is lenient about unknown fields, unlike the resource codec: a proxy node upgraded
 * before the collector may add fields, and an audit event must not be dropped for that. The
 * stored JSON is the record's own text when that is one line of strict JSON that the decoder did
 * not have to complete (id, createdAt), else its tree written out compact; unknown fields are
 * kept either way. The columns are read from that one tree ({@link EventTree}); no protobuf
 * message is built.
 *
 * <p>An event without metadata.id gets a deterministic one from its Kafka position, so that a
 * redelivery of it is still recognised as the same event.
 */
public final class EventDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What a record must pass for its own text to be stored: no duplicate keys (the columns and the
     * document would disagree on which one counts; the tree builder notices them for free) and
     * nothing after the object (the document is written into search results as it is).
     */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** The id column's width. */
    public static final int MAX_ID = 128;
    /**
     * The document column's width: Kafka's default record limit (1 MiB), and H2's longest VARCHAR.
     * Wider, the column became a CLOB, and H2's LOB storage was most of the cost of an insert.
     */
    public static final int MAX_DOCUMENT = 1_048_576;

    private EventDecoder() {}

    /** Where the record came from: the fallbacks for a missing id, connection or time. */
    public record Origin(String topic, int partition, long offset, String key, long timestampMillis) {
        String syntheticId() {
            return "kafka-" + topic + "-" + partition + "-" + offset;
        }
    }

    /**
     * A record's value as the topic carries it: a binary {@code portcullis.v1.AccessLog} (content-type
     * application/protobuf, the proxy's default), or its JSON (application/json, or no content-type
     * and a value that begins with '{', as proxy nodes before protobuf wrote it).
     */
    public static IndexedEvent decode(byte[] value, String contentType, Origin origin) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("empty record", null);
        }
        boolean json = contentType == null ? firstNonBlank(value) == '{' : contentType.startsWith("application/json");
        if (json) {
            return decode(new String(value, StandardCharsets.UTF_8), origin);
        }
        if (contentType != null && !contentType.startsWith("application/protobuf")) {
            throw new InvalidEventException("content-type " + contentType + " is not an AccessLog's", null);
        }
        AccessLog event;
        try {
            event = AccessLog.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidEventException("not an AccessLog: " + firstLine(e.getMessage()), e);
        }
        // what people read is the event's JSON: written once here, stored as it is
        return decode(AccessLogJson.write(event), origin);
    }

    private static int firstNonBlank(byte[] value) {
        for (byte b : value) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
        }
        return -1;
    }

    public static IndexedEvent decode(String value, Origin origin) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException("empty record", null);
        }
        JsonNode tree;
        boolean asSent = true;
        try {
            tree = STRICT.readTree(value);
        } catch (JsonProcessingException strict) {
            asSent = false;
            try {
                tree = JSON.readTree(value);
            } catch (JsonProcessingException e) {
                throw new InvalidEventException("not an AccessLog: " + firstLine(e.getMessage()), e);
            }
        }
        if (!(tree instanceof ObjectNode root)) {
            throw new InvalidEventException("not a JSON object", null);
        }
        JsonNode metadata = EventTree.object(root, "metadata");
        JsonNode entry = EventTree.object(root, "entry");
        JsonNode common = EventTree.object(entry, "common");
        JsonNode postgres = EventTree.object(EventTree.object(entry, "info"), "postgres");
        String id = EventTree.text(metadata, "id");
        if (id.isBlank()) {
            id = origin.syntheticId();
            root.withObject("/metadata").put("id", id);
            asSent = false;
        }
        Instant created;
        String createdText = EventTree.text(metadata, "createdAt");
        if (createdText.isEmpty()) {
            created = Instant.ofEpochMilli(origin.timestampMillis());
            root.withObject("/metadata")
                    .put("createdAt", Timestamps.toString(Timestamps.fromMillis(origin.timestampMillis())));
            asSent = false;
        } else {
            created = timestamp(createdText);
        }
        if (id.length() > MAX_ID) {
            // still deterministic, so a redelivery is still recognised; the document keeps the original
            id = "sha256-" + sha256(id);
        }
        String connection = EventTree.text(common, "connectionID");
        if (connection.isEmpty() && origin.key() != null) {
            connection = origin.key();
        }
        String type = type(postgres);
        // the database keeps microseconds: cursors compare against what it keeps, so do the same here
        Instant createdAt = created.truncatedTo(ChronoUnit.MICROS);
        String service = EventTree.text(EventTree.object(common, "serviceRef"), "name");
        String json = asSent ? oneLine(value) : null;
        if (json == null || json.length() > MAX_DOCUMENT) {
            json = compact(root);
        }
        if (json.length() > MAX_DOCUMENT) {
            throw new InvalidEventException(
                    "event " + id + " is " + json.length() + " characters long, more than " + MAX_DOCUMENT
                            + "; the proxy should have cut it",
                    null);
        }
        boolean authorized = EventTree.bool(common, "isAuthorized");
        return new IndexedEvent(
                id,
                createdAt,
                connection,
                type,
                service,
                Names.withoutNamespace(service),
                Names.withoutNamespace(EventTree.text(EventTree.object(common, "userRef"), "name")),
                Names.withoutNamespace(EventTree.text(EventTree.object(common, "sessionRef"), "name")),
                authorized,
                SearchText.of(postgres, type, authorized, EventTree.object(common, "reason")),
                json);
    }

    /** RFC 3339, as protobuf's JSON has it (any offset, up to nanoseconds). */
    private static Instant timestamp(String text) {
        try {
            Timestamp t = Timestamps.parse(text);
            return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
        } catch (java.text.ParseException | IllegalArgumentException e) {
            throw new InvalidEventException(
                    "not an AccessLog: metadata.createdAt is not an RFC 3339 timestamp: " + firstLine(e.getMessage()),
                    e);
        }
    }

    /** The declared type; else the one implied by which detail is present. */
    static String type(JsonNode pg) {
        String declared = EventTree.text(pg, "type");
        if (!declared.isBlank()) {
            return Names.type(declared);
        }
        for (String[] detail : DETAILS) {
            if (EventTree.has(pg, detail[0])) {
                return detail[1];
            }
        }
        return "UNKNOWN";
    }

    /** The detail fields of entry.info.postgres, in the order they imply a type. */
    private static final String[][] DETAILS = {
        {"query", "QUERY"},
        {"parse", "PARSE"},
        {"bind", "BIND"},
        {"execute", "EXECUTE"},
        {"close", "CLOSE"},
        {"functionCall", "FUNCTION_CALL"},
        {"sessionStart", "SESSION_START"},
        {"sessionEnd", "SESSION_END"}
    };

    /**
     * The record's own text when it is already one line (proxy nodes write compact JSON): writing
     * the tree out again was a tenth of the collector's indexing CPU (async-profiler, bench/audit.sh).
     */
    private static String oneLine(String value) {
        String text = value.strip();
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : null;
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
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
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
