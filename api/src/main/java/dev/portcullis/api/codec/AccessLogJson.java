package dev.portcullis.api.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.google.protobuf.Timestamp;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.AccessLogCommon;
import dev.portcullis.api.v1.ObjectRef;
import dev.portcullis.api.v1.PostgresBindParameter;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * AccessLog events as protobuf's canonical JSON — the same document as
 * {@link ResourceCodec#toCompactJson}, fields in the same order (a test holds them equal) —
 * written directly with a streaming generator. Every audited message is printed once on the proxy's hot path, and the
 * reflective JsonFormat printer cost a quarter of a proxy node's CPU under pgbench.
 */
public final class AccessLogJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    /** The writer's buffer, reused by each thread (the proxy's single publisher thread, mostly). */
    private static final ThreadLocal<ByteArrayOutputStream> BUFFER =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(1024));
    /**
     * The refs and reasons of one connection are the same objects in all its events (they come
     * from its authorization): their JSON is written once and then copied. Per thread (the
     * publisher is one), keyed on identity and exact up to {@link #CACHE_MAX} objects, then
     * cleared (so that refs of ended connections go too). It was a direct-mapped array of 512
     * slots shared by all threads, which thrashes as connections grow: at 32 connections (~200
     * live objects) a fifth of them evicted each other, 3 % of the audited node's CPU spent
     * re-rendering refs (async-profiler, pgbench -M prepared -c 32), and with hundreds almost
     * every ref missed. At 32 connections the map's lookups cost about what the misses did.
     */
    private static final ThreadLocal<Map<Object, SerializedString>> CACHE =
            ThreadLocal.withInitial(IdentityHashMap::new);

    private static final int CACHE_MAX = 8192;

    private AccessLogJson() {}

    /**
     * Meant for few threads (the proxy's publisher): each thread that writes keeps its own cache
     * of up to 8,192 refs.
     */
    public static String write(AccessLog e) {
        return new String(writeUtf8(e), StandardCharsets.UTF_8);
    }

    /** The event's JSON as UTF-8: what Kafka carries, without a String in between. */
    public static byte[] writeUtf8(AccessLog e) {
        ByteArrayOutputStream out = BUFFER.get();
        out.reset();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            str(g, "apiVersion", e.getApiVersion());
            str(g, "kind", e.getKind());
            if (e.hasMetadata()) {
                var m = e.getMetadata();
                g.writeObjectFieldStart("metadata");
                str(g, "id", m.getId());
                ts(g, "createdAt", m.hasCreatedAt(), m.getCreatedAt());
                ref(g, "actorRef", m.hasActorRef(), m.getActorRef());
                ref(g, "targetRef", m.hasTargetRef(), m.getTargetRef());
                g.writeEndObject();
            }
            if (e.hasEntry()) {
                g.writeObjectFieldStart("entry");
                if (e.getEntry().hasCommon()) {
                    common(g, e.getEntry().getCommon());
                }
                if (e.getEntry().hasInfo()) {
                    g.writeObjectFieldStart("info");
                    if (e.getEntry().getInfo().hasPostgres()) {
                        postgres(g, e.getEntry().getInfo().getPostgres());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        byte[] bytes = out.toByteArray();
        if (out.size() > 64 * 1024) {
            BUFFER.remove(); // one huge event must not pin its buffer for good
        }
        return bytes;
    }

    /** Writes {@code name: <json of source>}, serializing {@code source} only on a cache miss. */
    private static void cached(JsonGenerator g, String name, Object source, Writer body) throws IOException {
        Map<Object, SerializedString> cache = CACHE.get();
        SerializedString json = cache.get(source);
        if (json == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            try (JsonGenerator sub = FACTORY.createGenerator(out)) {
                body.write(sub);
            }
            json = new SerializedString(out.toString(StandardCharsets.UTF_8));
            if (cache.size() >= CACHE_MAX) {
                cache.clear();
            }
            cache.put(source, json);
        }
        g.writeFieldName(name);
        g.writeRawValue(json);
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static void common(JsonGenerator g, AccessLogCommon c) throws IOException {
        g.writeObjectFieldStart("common");
        str(g, "connectionID", c.getConnectionId());
        ts(g, "startedAt", c.hasStartedAt(), c.getStartedAt());
        ts(g, "endedAt", c.hasEndedAt(), c.getEndedAt());
        bool(g, "isAuthenticated", c.getIsAuthenticated());
        bool(g, "isAuthorized", c.getIsAuthorized());
        if (c.hasReason()) {
            cached(g, "reason", c.getReason(), sub -> reason(sub, c.getReason()));
        }
        ref(g, "namespaceRef", c.hasNamespaceRef(), c.getNamespaceRef());
        ref(g, "regionRef", c.hasRegionRef(), c.getRegionRef());
        ref(g, "serviceRef", c.hasServiceRef(), c.getServiceRef());
        ref(g, "sessionRef", c.hasSessionRef(), c.getSessionRef());
        ref(g, "userRef", c.hasUserRef(), c.getUserRef());
        g.writeEndObject();
    }

    private static void reason(JsonGenerator g, Reason r) throws IOException {
        g.writeStartObject();
        str(g, "type", r.getType());
        if (r.hasDetails()) {
            g.writeObjectFieldStart("details");
            if (r.getDetails().hasPolicyMatch()) {
                var pm = r.getDetails().getPolicyMatch();
                g.writeObjectFieldStart("policyMatch");
                policyRef(g, "inlinePolicy", pm.hasInlinePolicy(), pm.getInlinePolicy());
                policyRef(g, "policy", pm.hasPolicy(), pm.getPolicy());
                num(g, "ruleIndex", pm.getRuleIndex());
                str(g, "effect", pm.getEffect());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        str(g, "message", r.getMessage());
        g.writeEndObject();
    }

    private static void policyRef(JsonGenerator g, String name, boolean present, Reason.PolicyRef p)
            throws IOException {
        if (!present) {
            return;
        }
        g.writeObjectFieldStart(name);
        str(g, "name", p.getName());
        ref(g, "resourceRef", p.hasResourceRef(), p.getResourceRef());
        g.writeEndObject();
    }

    private static void postgres(JsonGenerator g, PostgresInfo p) throws IOException {
        g.writeObjectFieldStart("postgres");
        str(g, "type", p.getType());
        if (p.hasSessionStart()) {
            var s = p.getSessionStart();
            g.writeObjectFieldStart("sessionStart");
            str(g, "user", s.getUser());
            str(g, "database", s.getDatabase());
            str(g, "requestedUser", s.getRequestedUser());
            str(g, "requestedDatabase", s.getRequestedDatabase());
            str(g, "applicationName", s.getApplicationName());
            str(g, "clientAddress", s.getClientAddress());
            bool(g, "clientTls", s.getClientTls());
            bool(g, "upstreamTls", s.getUpstreamTls());
            str(g, "configName", s.getConfigName());
            str(g, "upstream", s.getUpstream());
            g.writeEndObject();
        }
        if (p.hasSessionEnd()) {
            var s = p.getSessionEnd();
            g.writeObjectFieldStart("sessionEnd");
            int64(g, "durationMillis", s.getDurationMillis());
            int64(g, "bytesFromClient", s.getBytesFromClient());
            int64(g, "bytesToClient", s.getBytesToClient());
            int64(g, "messagesFromClient", s.getMessagesFromClient());
            int64(g, "messagesToClient", s.getMessagesToClient());
            str(g, "reason", s.getReason());
            g.writeEndObject();
        }
        if (p.hasQuery()) {
            g.writeObjectFieldStart("query");
            str(g, "query", p.getQuery().getQuery());
            bool(g, "isTruncated", p.getQuery().getIsTruncated());
            g.writeEndObject();
        }
        if (p.hasParse()) {
            var s = p.getParse();
            g.writeObjectFieldStart("parse");
            str(g, "name", s.getName());
            str(g, "query", s.getQuery());
            bool(g, "isTruncated", s.getIsTruncated());
            if (s.getParameterTypesCount() > 0) {
                g.writeArrayFieldStart("parameterTypes");
                for (int t : s.getParameterTypesList()) {
                    g.writeNumber(Integer.toUnsignedLong(t));
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        if (p.hasBind()) {
            var s = p.getBind();
            g.writeObjectFieldStart("bind");
            str(g, "portal", s.getPortal());
            str(g, "statement", s.getStatement());
            parameters(g, "parameters", s.getParametersList());
            g.writeEndObject();
        }
        if (p.hasExecute()) {
            g.writeObjectFieldStart("execute");
            str(g, "portal", p.getExecute().getPortal());
            num(g, "maxRows", p.getExecute().getMaxRows());
            g.writeEndObject();
        }
        if (p.hasClose()) {
            g.writeObjectFieldStart("close");
            str(g, "type", p.getClose().getType());
            str(g, "name", p.getClose().getName());
            g.writeEndObject();
        }
        if (p.hasFunctionCall()) {
            g.writeObjectFieldStart("functionCall");
            if (p.getFunctionCall().getOid() != 0) {
                g.writeNumberField(
                        "oid", Integer.toUnsignedLong(p.getFunctionCall().getOid()));
            }
            parameters(g, "arguments", p.getFunctionCall().getArgumentsList());
            g.writeEndObject();
        }
        if (p.hasOutcome()) {
            var o = p.getOutcome();
            g.writeObjectFieldStart("outcome");
            str(g, "status", o.getStatus());
            if (o.getCommandTagsCount() > 0) {
                g.writeArrayFieldStart("commandTags");
                for (String t : o.getCommandTagsList()) {
                    g.writeString(t);
                }
                g.writeEndArray();
            }
            int64(g, "rows", o.getRows());
            str(g, "sqlstate", o.getSqlstate());
            str(g, "message", o.getMessage());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void parameters(JsonGenerator g, String name, List<PostgresBindParameter> params)
            throws IOException {
        if (params.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (PostgresBindParameter v : params) {
            g.writeStartObject();
            switch (v.getValueCase()) {
                case TEXT -> g.writeStringField("text", v.getText());
                case BINARY -> g.writeStringField("binary", v.getBinary());
                case IS_NULL -> g.writeBooleanField("isNull", v.getIsNull());
                case VALUE_NOT_SET -> {}
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void ref(JsonGenerator g, String name, boolean present, ObjectRef r) throws IOException {
        if (!present) {
            return;
        }
        cached(g, name, r, sub -> {
            sub.writeStartObject();
            str(sub, "apiVersion", r.getApiVersion());
            str(sub, "kind", r.getKind());
            str(sub, "name", r.getName());
            str(sub, "resourceVersion", r.getResourceVersion());
            str(sub, "uid", r.getUid());
            sub.writeEndObject();
        });
    }

    // proto3 JSON leaves default values out

    private static void str(JsonGenerator g, String name, String v) throws IOException {
        if (!v.isEmpty()) {
            g.writeStringField(name, v);
        }
    }

    private static void bool(JsonGenerator g, String name, boolean v) throws IOException {
        if (v) {
            g.writeBooleanField(name, true);
        }
    }

    private static void num(JsonGenerator g, String name, int v) throws IOException {
        if (v != 0) {
            g.writeNumberField(name, v);
        }
    }

    /** int64 is a string in proto3 JSON (JavaScript numbers lose precision past 2^53). */
    private static void int64(JsonGenerator g, String name, long v) throws IOException {
        if (v != 0) {
            g.writeStringField(name, Long.toString(v));
        }
    }

    private static void ts(JsonGenerator g, String name, boolean present, Timestamp t) throws IOException {
        if (!present) {
            return;
        }
        char[] s = new char[30];
        int n = rfc3339(s, t.getSeconds(), t.getNanos());
        g.writeFieldName(name);
        g.writeString(s, 0, n);
    }

    /** A time as RFC 3339 in UTC, as protobuf's JSON prints a Timestamp (CloudEvents' ce_time too). */
    public static String rfc3339(long seconds, int nanos) {
        char[] s = new char[30];
        return new String(s, 0, rfc3339(s, seconds, nanos));
    }

    /** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as protobuf's Timestamps prints it: @return its length. */
    private static int rfc3339(char[] s, long seconds, int nanos) {
        // by hand: DateTimeFormatter and String.format were a tenth of the proxy's publisher thread
        LocalDateTime d = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        int n = 0;
        n = digits(s, n, d.getYear(), 4);
        s[n++] = '-';
        n = digits(s, n, d.getMonthValue(), 2);
        s[n++] = '-';
        n = digits(s, n, d.getDayOfMonth(), 2);
        s[n++] = 'T';
        n = digits(s, n, d.getHour(), 2);
        s[n++] = ':';
        n = digits(s, n, d.getMinute(), 2);
        s[n++] = ':';
        n = digits(s, n, d.getSecond(), 2);
        if (nanos != 0) {
            s[n++] = '.';
            if (nanos % 1_000_000 == 0) {
                n = digits(s, n, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                n = digits(s, n, nanos / 1_000, 6);
            } else {
                n = digits(s, n, nanos, 9);
            }
        }
        s[n++] = 'Z';
        return n;
    }

    /** {@code value} as exactly {@code width} decimal digits, zero-padded. */
    private static int digits(char[] s, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            s[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
