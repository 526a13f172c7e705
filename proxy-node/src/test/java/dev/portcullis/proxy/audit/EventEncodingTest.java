package dev.portcullis.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.ObjectRef;
import dev.portcullis.api.v1.PostgresBind;
import dev.portcullis.api.v1.PostgresBindParameter;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.PostgresQuery;
import dev.portcullis.api.v1.Reason;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.proxy.auth.upstream.UpstreamLink;
import dev.portcullis.proxy.auth.upstream.UpstreamTarget;
import dev.portcullis.proxy.config.TopicFormat;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The bytes an event goes on the topic as — its own fields encoded per event, the connection's
 * copied from its prelude — parse to exactly the AccessLog built field by field.
 */
class EventEncodingTest {
    private static final Reason CONNECT = Reason.newBuilder()
            .setType("POLICY_MATCH")
            .setMessage("allowed by dev-read")
            .build();

    @Test
    void theEncodedBytesAreTheEventFieldByField() throws Exception {
        for (AuditedConnection c : List.of(connection(decision()), connection(null))) {
            ConnectionPrelude prelude = AccessLogs.prelude(c);
            for (AuditEvent e : events(prelude)) {
                String id = AccessLogs.eventId();
                AccessLog expected = prelude.accessLog(e, id);
                AccessLog actual = AccessLog.parseFrom(prelude.encode(e, id));
                assertEquals(expected, actual);
                // and as protobuf itself writes it, byte for byte once parsed and written again
                assertArrayEquals(expected.toByteArray(), actual.toByteArray());
            }
        }
    }

    @Test
    void cloudEventHeadersNameTheEvent() {
        ConnectionPrelude prelude = AccessLogs.prelude(connection(decision()));
        AuditEvent e = events(prelude).get(0);
        CloudEventHeaders headers = new CloudEventHeaders("/portcullis/proxy-node/test");
        for (TopicFormat format : TopicFormat.values()) {
            EncodedEvent encoded = EncodedEvent.of(e, format);
            var h = headers.of(encoded);
            assertEquals("1.0", value(h.lastHeader("ce_specversion")));
            assertEquals(encoded.id(), value(h.lastHeader("ce_id")));
            assertEquals("/portcullis/proxy-node/test", value(h.lastHeader("ce_source")));
            assertEquals("dev.portcullis.accesslog.v1.QUERY", value(h.lastHeader("ce_type")));
            assertEquals("2026-12-04T10:00:00.123456Z", value(h.lastHeader("ce_time")));
            assertEquals(format.contentType(), value(h.lastHeader("content-type")));
            assertEquals(6, h.toArray().length);
            // what the spool keeps comes back as the same record
            EncodedEvent back = EncodedEvent.fromSpool(encoded.key(), encoded.spooled());
            assertArrayEquals(encoded.value(), back.value());
            assertEquals(encoded.id(), back.id());
            assertEquals(encoded.type(), back.type());
            assertEquals(encoded.createdAt(), back.createdAt());
            assertEquals(format, back.format());
        }
    }

    private static String value(Header h) {
        return new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<AuditEvent> events(ConnectionPrelude p) {
        Instant created = Instant.parse("2026-12-04T10:00:00.123456Z");
        Instant ended = Instant.parse("2026-12-04T10:00:01Z");
        PostgresInfo query = PostgresInfo.newBuilder()
                .setType("QUERY")
                .setQuery(PostgresQuery.newBuilder().setQuery("select 'ünïcødé ✓', $$\u0000$$"))
                .build();
        PostgresInfo bind = PostgresInfo.newBuilder()
                .setType("BIND")
                .setBind(PostgresBind.newBuilder()
                        .setStatement("S_1")
                        .addParameters(PostgresBindParameter.newBuilder().setText("x".repeat(70_000)))
                        .addParameters(PostgresBindParameter.newBuilder().setIsNull(true)))
                .build();
        Reason denied = Reason.newBuilder()
                .setType("NO_POLICY_MATCH")
                .setMessage("no rule allows DELETE")
                .build();
        return List.of(
                new AuditEvent(p, created, ended, true, null, query),
                new AuditEvent(p, created, ended, false, denied, query),
                new AuditEvent(p, created, created, false, null, bind),
                new AuditEvent(
                        p, Instant.EPOCH, Instant.ofEpochSecond(0, 5), true, null, PostgresInfo.getDefaultInstance()));
    }

    private static AuthorizeResponse decision() {
        ObjectRef session = ObjectRef.newBuilder()
                .setKind("Session")
                .setName("alice-1.default")
                .setUid("u-1")
                .build();
        return AuthorizeResponse.newBuilder()
                .setAuthenticated(true)
                .setAuthorized(true)
                .setReason(CONNECT)
                .setSessionRef(session)
                .setUserRef(ObjectRef.newBuilder().setKind("User").setName("alice.default"))
                .build();
    }

    private static AuditedConnection connection(AuthorizeResponse decision) {
        return new AuditedConnection() {
            public String id() {
                return "conn-1";
            }

            public Instant startedAt() {
                return Instant.parse("2026-12-04T09:59:59.5Z");
            }

            public String service() {
                return "pg1";
            }

            public AuthorizeResponse authorization() {
                return decision;
            }

            public SocketAddress clientAddress() {
                return new InetSocketAddress("127.0.0.1", 5000);
            }

            public boolean tls() {
                return true;
            }

            public StartupMessage startup() {
                return null;
            }

            public UpstreamTarget target() {
                return null;
            }

            public UpstreamLink upstream() {
                return null;
            }
        };
    }
}
