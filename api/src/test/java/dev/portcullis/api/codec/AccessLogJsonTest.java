package dev.portcullis.api.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.PostgresBind;
import dev.portcullis.api.v1.PostgresBindParameter;
import dev.portcullis.api.v1.PostgresClose;
import dev.portcullis.api.v1.PostgresExecute;
import dev.portcullis.api.v1.PostgresFunctionCall;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.PostgresParse;
import dev.portcullis.api.v1.PostgresQuery;
import dev.portcullis.api.v1.PostgresSessionEnd;
import dev.portcullis.api.v1.PostgresSessionStart;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast writer prints the same JSON as protobuf's JsonFormat for every event type: the same
 * tree, fields in the same order (only string escaping may differ: JsonFormat also escapes
 * HTML-significant characters).
 */
class AccessLogJsonTest {

    @Test
    void sameBytesAsJsonFormatForTheReferenceAndEveryType() throws Exception {
        AccessLog reference = ResourceCodec.merge(ReferenceExamplesTest.read("accesslog.json"), AccessLog.newBuilder())
                .build();
        for (AccessLog e : variants(reference)) {
            String expected = ResourceCodec.toCompactJson(e);
            String actual = AccessLogJson.write(e);
            assertEquals(
                    JSON.readTree(expected),
                    JSON.readTree(actual),
                    e.getEntry().getInfo().getPostgres().getType());
            assertEquals(fieldOrder(JSON.readTree(expected)), fieldOrder(JSON.readTree(actual)));
        }
    }

    /**
     * Refs are cached by identity: events of many connections, each with refs of its own that are
     * equal in name but differ in uid, interleaved past the cache's size, each print their own.
     */
    @Test
    void manyConnectionsEachPrintTheirOwnRefs() throws Exception {
        AccessLog reference = ResourceCodec.merge(ReferenceExamplesTest.read("accesslog.json"), AccessLog.newBuilder())
                .build();
        List<AccessLog> connections = new java.util.ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            AccessLog.Builder b = reference.toBuilder();
            var common = b.getEntryBuilder().getCommonBuilder();
            common.setConnectionId("c" + i);
            common.getUserRefBuilder().setUid("user-" + i);
            common.getSessionRefBuilder().setUid("session-" + i);
            common.getReasonBuilder().setMessage("rule of " + i);
            connections.add(b.build());
        }
        for (int round = 0; round < 4; round++) {
            for (AccessLog e : connections) {
                assertEquals(JSON.readTree(ResourceCodec.toCompactJson(e)), JSON.readTree(AccessLogJson.write(e)));
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Every field path in document order. */
    private static List<String> fieldOrder(com.fasterxml.jackson.databind.JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        walk(n, "", out);
        return out;
    }

    private static void walk(com.fasterxml.jackson.databind.JsonNode n, String path, List<String> out) {
        n.fields().forEachRemaining(f -> {
            out.add(path + "/" + f.getKey());
            walk(f.getValue(), path + "/" + f.getKey(), out);
        });
        for (int i = 0; n.isArray() && i < n.size(); i++) {
            walk(n.get(i), path + "[" + i + "]", out);
        }
    }

    private static List<AccessLog> variants(AccessLog base) {
        PostgresInfo[] infos = {
            PostgresInfo.newBuilder()
                    .setType("SESSION_START")
                    .setSessionStart(PostgresSessionStart.newBuilder()
                            .setUser("app")
                            .setDatabase("demo")
                            .setRequestedUser("alice")
                            .setRequestedDatabase("x")
                            .setApplicationName("psql \"quoted\" \u00e9")
                            .setClientAddress("127.0.0.1:5000")
                            .setClientTls(true)
                            .setConfigName("prod")
                            .setUpstream("db:5432"))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("SESSION_END")
                    .setSessionEnd(PostgresSessionEnd.newBuilder()
                            .setDurationMillis(1234)
                            .setBytesFromClient(1L << 40)
                            .setBytesToClient(7)
                            .setMessagesFromClient(3)
                            .setMessagesToClient(0)
                            .setReason("client terminated the session"))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("QUERY")
                    .setQuery(PostgresQuery.newBuilder()
                            .setQuery("select '\\n\t\u0001' -- \u2028")
                            .setIsTruncated(true))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("PARSE")
                    .setParse(PostgresParse.newBuilder()
                            .setName("S_1")
                            .setQuery("select $1")
                            .addParameterTypes(23)
                            .addParameterTypes(0xFFFFFFFF))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("BIND")
                    .setBind(PostgresBind.newBuilder()
                            .setPortal("")
                            .setStatement("S_1")
                            .addParameters(PostgresBindParameter.newBuilder().setText("42"))
                            .addParameters(PostgresBindParameter.newBuilder().setBinary("AAEC"))
                            .addParameters(PostgresBindParameter.newBuilder().setIsNull(true))
                            .addParameters(PostgresBindParameter.getDefaultInstance()))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("EXECUTE")
                    .setExecute(PostgresExecute.newBuilder().setMaxRows(100))
                    .setOutcome(dev.portcullis.api.v1.PostgresOutcome.newBuilder()
                            .setStatus("COMPLETED")
                            .addCommandTags("DELETE 3")
                            .setRows(3))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("QUERY")
                    .setQuery(PostgresQuery.newBuilder().setQuery("begin; delete from t; select 1/0"))
                    .setOutcome(dev.portcullis.api.v1.PostgresOutcome.newBuilder()
                            .setStatus("FAILED")
                            .addCommandTags("BEGIN")
                            .addCommandTags("DELETE 5000000000")
                            .setRows(5_000_000_000L)
                            .setSqlstate("22012")
                            .setMessage("division by zero \"\u0000\""))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("BIND")
                    .setBind(PostgresBind.getDefaultInstance())
                    .setOutcome(
                            dev.portcullis.api.v1.PostgresOutcome.newBuilder().setStatus("SKIPPED"))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("CLOSE")
                    .setClose(PostgresClose.newBuilder().setType("PORTAL").setName("p"))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("FUNCTION_CALL")
                    .setFunctionCall(PostgresFunctionCall.newBuilder()
                            .setOid(952)
                            .addArguments(PostgresBindParameter.newBuilder().setBinary("AAAA")))
                    .build(),
            PostgresInfo.newBuilder()
                    .setType("QUERY")
                    .setQuery(PostgresQuery.getDefaultInstance())
                    .build(),
        };
        List<AccessLog> out = new java.util.ArrayList<>();
        out.add(base);
        for (PostgresInfo info : infos) {
            AccessLog.Builder b = base.toBuilder();
            b.getEntryBuilder().getInfoBuilder().setPostgres(info);
            out.add(b.build());
        }
        for (int nanos : new int[] {0, 5_000_000, 5_000, 5}) {
            AccessLog.Builder b = base.toBuilder();
            b.getMetadataBuilder()
                    .setCreatedAt(
                            Timestamp.newBuilder().setSeconds(1_800_000_000L).setNanos(nanos));
            b.getEntryBuilder()
                    .getCommonBuilder()
                    .clearReason()
                    .setIsAuthorized(false)
                    .clearUserRef();
            out.add(b.build());
        }
        out.add(AccessLog.getDefaultInstance());
        return out;
    }
}
