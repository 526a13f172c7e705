package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.message.frontend.Bind;
import dev.portcullis.pgwire.message.frontend.Execute;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.message.frontend.Sync;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A statement under per-message authorization whose body is itself protocol messages: a Query (or
 * Parse) whose first bytes are a complete inner Query ({@code create table ...}) followed by a
 * CopyData that pads it past the stream threshold. When the proxy forwarded the body of a
 * statement it had refused, the upstream read the inner Query as a message of its own and ran it
 * in a read-only Service. Now no byte of an undecided statement reaches the upstream: within the
 * decided size it is read whole (and, being malformed, refused as PostgreSQL refuses it, 08P01);
 * past it, it is refused unread (54000) and its first bytes are in the audit trail. Both sides are
 * checked: what the client is told, and that the table does not exist upstream. The message is
 * written split at every offset of its header and inner message and at the streaming boundaries;
 * before each next piece the test waits until the proxy has taken the previous one (its byte
 * counter), so the proxy really sees those chunk boundaries.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class SmuggledStatementTest {
    private static final String SERVICE = "svc-smuggle";
    private static final String TABLE = "smuggled_t";
    private static final int STREAM_THRESHOLD = 65536; // portcullis.limits.stream-threshold-bytes
    private static final int STATEMENT_LIMIT = 1 << 20; // portcullis.limits.authorized-statement-bytes

    @Inject
    MeterRegistry metrics;

    @BeforeAll
    static void service() {
        ProxyEnvironment.readOnlyService(SERVICE);
        Clients.awaitListening(SERVICE);
    }

    @Test
    void withinTheDecidedSizeTheCraftedQueryIsReadWholeAndRefusedAsMalformed() throws Exception {
        byte[] crafted = crafted('Q', 70_000);
        for (int cut : cuts(crafted.length)) {
            try (WireSession w = WireSession.login(SERVICE, "alice")) {
                sendSplit(w, crafted, cut, false);
                List<WireSession.Message> answer = w.untilReady();
                assertEquals("EZ", tags(answer), "cut at " + cut + ": " + answer);
                assertTrue(
                        answer.get(0).error().startsWith("08P01: invalid Query message"),
                        answer.get(0).error());
                assertSessionGoesOnAndNothingRan(w, "cut at " + cut);
            }
        }
        assertMalformedAudited("QUERY", cuts(crafted.length).size());
    }

    @Test
    void withinTheDecidedSizeTheCraftedParseIsRefusedAndItsBatchSkipped() throws Exception {
        byte[] crafted = crafted('P', 70_000);
        for (int cut : cuts(crafted.length)) {
            try (WireSession w = WireSession.login(SERVICE, "alice")) {
                sendSplit(w, crafted, cut, false);
                w.send(bindExecuteSync());
                List<WireSession.Message> answer = w.untilReady();
                assertEquals("EZ", tags(answer), "cut at " + cut + ": " + answer);
                assertTrue(
                        answer.get(0).error().startsWith("08P01: invalid Parse message"),
                        answer.get(0).error());
                assertSessionGoesOnAndNothingRan(w, "cut at " + cut);
            }
        }
        assertMalformedAudited("PARSE", cuts(crafted.length).size());
    }

    /** Each refusal of a malformed statement is in the trail, not authorized, with the bytes it held. */
    private static void assertMalformedAudited(String type, int count) throws Exception {
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            refusals(topic.poll(), type, "PROTOCOL_VIOLATION").size() == count);
            for (JsonNode e : refusals(topic.poll(), type, "PROTOCOL_VIOLATION")) {
                assertFalse(e.at("/entry/common/isAuthorized").asBoolean(), e.toString());
                String text = e.at("/entry/info/postgres/query/query").asText();
                assertTrue(text.startsWith("<malformed message: ") && text.contains("create table " + TABLE), text);
            }
        }
    }

    @Test
    void pastTheDecidedSizeTheCraftedQueryIsRefusedUnreadAndAudited() throws Exception {
        oversized('Q', "QUERY");
    }

    @Test
    void pastTheDecidedSizeTheCraftedParseIsRefusedUnreadAndAudited() throws Exception {
        oversized('P', "PARSE");
    }

    private void oversized(char tag, String type) throws Exception {
        byte[] crafted = crafted(tag, STATEMENT_LIMIT + 4096);
        List<Integer> cuts = new ArrayList<>(cuts(crafted.length));
        cuts.add(5 + STATEMENT_LIMIT);
        for (int cut : cuts) {
            try (WireSession w = WireSession.login(SERVICE, "alice")) {
                sendSplit(w, crafted, cut, true);
                if (tag == 'P') {
                    w.send(bindExecuteSync());
                }
                List<WireSession.Message> answer = w.untilReady();
                assertEquals("EZ", tags(answer), "cut at " + cut + ": " + answer);
                String error = answer.get(0).error();
                assertTrue(
                        error.startsWith("54000: a statement of " + (crafted.length - 5) + " bytes is over the "
                                + STATEMENT_LIMIT + "-byte limit of statements that can be authorized; it was not run"),
                        error);
                assertEquals('I', answer.get(1).status());
                assertSessionGoesOnAndNothingRan(w, "cut at " + cut);
            }
        }
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            refusals(topic.poll(), type, "STATEMENT_TOO_LARGE").size() == cuts.size());
            for (JsonNode e : refusals(topic.poll(), type, "STATEMENT_TOO_LARGE")) {
                assertEquals(type, e.at("/entry/info/postgres/type").asText(), e.toString());
                assertFalse(e.at("/entry/common/isAuthorized").asBoolean(), e.toString());
                assertTrue(
                        e.at("/entry/common/reason/message")
                                .asText()
                                .contains("over the " + STATEMENT_LIMIT + "-byte limit"),
                        e.toString());
                String text = e.at("/entry/info/postgres/query/query").asText();
                assertTrue(
                        text.contains("create table " + TABLE)
                                && text.endsWith("<" + (crafted.length - 5) + " bytes in all>"),
                        "the statement's first bytes are in the trail: " + text);
            }
        }
        System.out.printf(
                "smuggled %s of %d bytes, split at %d places: refused unread (54000) each time, %s absent"
                        + " upstream, each refusal audited with its first bytes%n",
                type, crafted.length, cuts.size(), TABLE);
    }

    /**
     * A {@code tag} message of {@code total} bytes whose body begins with a whole inner Query that
     * would create the table, then a CopyData padding message, then the NULs a Query or Parse ends with.
     */
    private static byte[] crafted(char tag, int total) {
        byte[] inner = encode(new Query("create table " + TABLE + "(a int)"));
        int padding = total - 5 - inner.length - 5 - 3;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(inner);
        body.write('d');
        body.writeBytes(ByteBuffer.allocate(4).putInt(4 + padding).array());
        body.writeBytes(new byte[padding]);
        body.writeBytes(new byte[3]);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(tag);
        message.writeBytes(ByteBuffer.allocate(4).putInt(4 + body.size()).array());
        message.writeBytes(body.toByteArray());
        return message.toByteArray();
    }

    /** Every offset of the header and the inner message, and the stream threshold's neighbourhood. */
    private static List<Integer> cuts(int length) {
        List<Integer> cuts =
                new ArrayList<>(IntStream.rangeClosed(1, 48).boxed().toList());
        cuts.addAll(List.of(5 + STREAM_THRESHOLD - 1, 5 + STREAM_THRESHOLD, 5 + STREAM_THRESHOLD + 1, length - 1));
        return cuts;
    }

    /**
     * Writes the message in two pieces cut at {@code cut}. A message the proxy streams is counted
     * as its pieces pass; then the second piece waits until the proxy has taken the first.
     */
    private void sendSplit(WireSession w, byte[] message, int cut, boolean streamed) throws Exception {
        double before = bytesFromClients();
        w.sendRaw(message, 0, cut);
        if (streamed && cut >= 5) {
            await().atMost(Duration.ofSeconds(10)).until(() -> bytesFromClients() - before >= cut);
        }
        w.sendRaw(message, cut, message.length);
    }

    private double bytesFromClients() {
        return metrics.find("portcullis.proxy.bytes")
                .tag("direction", "from_client")
                .functionCounter()
                .count();
    }

    private static void assertSessionGoesOnAndNothingRan(WireSession w, String what) throws Exception {
        List<WireSession.Message> next = w.query("select 41 + 1");
        assertEquals("TDCZ", tags(next), what + ": the session goes on: " + next);
        assertEquals(
                "0",
                ProxyEnvironment.tlsPg.queryForString(
                        "app", "select count(*) from pg_class where relname = '" + TABLE + "'"),
                what + ": the inner statement never ran");
    }

    private static PgMessage[] bindExecuteSync() {
        return new PgMessage[] {new Bind("", "", List.of(), List.of(), List.of()), new Execute("", 0), Sync.INSTANCE};
    }

    /** No other test refuses a statement for its size or its form: these are this test's. */
    private static List<JsonNode> refusals(List<JsonNode> events, String type, String reason) {
        return events.stream()
                .filter(e -> type.equals(e.at("/entry/info/postgres/type").asText())
                        && reason.equals(e.at("/entry/common/reason/type").asText()))
                .toList();
    }

    private static String tags(List<WireSession.Message> messages) {
        StringBuilder b = new StringBuilder();
        messages.forEach(m -> b.append(m.tag()));
        return b.toString();
    }

    private static byte[] encode(PgMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.encode(b);
        return ByteBufUtil.getBytes(b);
    }
}
