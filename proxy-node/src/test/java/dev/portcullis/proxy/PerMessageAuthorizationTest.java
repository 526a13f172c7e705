package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.message.backend.DataRow;
import dev.portcullis.pgwire.message.frontend.Bind;
import dev.portcullis.pgwire.message.frontend.Execute;
import dev.portcullis.pgwire.message.frontend.FunctionCall;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Sync;
import io.netty.buffer.Unpooled;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * authorization.mode ALL: each statement is decided by policy on its parsed kinds. A denial is
 * 42501 and the session goes on exactly as after any PostgreSQL error — simple and extended
 * protocol, pipelines, inside transactions — and the usual bypasses do not pass.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class PerMessageAuthorizationTest {
    private static final String SERVICE = "svc-readonly";

    @BeforeAll
    static void service() {
        ProxyEnvironment.tlsPg.executeSql(
                "app",
                "create table if not exists ro_t(a int); grant all on ro_t to app_scram;"
                        + " truncate ro_t; insert into ro_t values (1)");
        ProxyEnvironment.readOnlyService(SERVICE);
        Clients.awaitListening(SERVICE);
    }

    @Test
    void simpleProtocolDenialKeepsTheSessionUsable() throws SQLException {
        try (Connection c = connect("simple");
                Statement s = c.createStatement()) {
            assertEquals(1, count(s));
            SQLException denied = assertThrows(SQLException.class, () -> s.execute("update ro_t set a = 2"));
            assertEquals("42501", denied.getSQLState());
            assertTrue(
                    denied.getMessage().contains("permission denied by Portcullis: no rule allows User alice"),
                    denied.getMessage());
            assertEquals(1, count(s), "the next query works");
        }
    }

    @Test
    void bypassesAreDenied() throws SQLException {
        try (Connection c = connect("simple");
                Statement s = c.createStatement()) {
            for (String sneaky : new String[] {
                "SELECT 1; UPDATE ro_t SET a = 3",
                "WITH x AS (UPDATE ro_t SET a = 4 RETURNING *) SELECT * FROM x",
                "/* just a select */ UPDATE ro_t SET a = 5",
                "   \n  update ro_t set a = 6",
                "selec gibberish that does not parse"
            }) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sneaky), sneaky);
                assertEquals("42501", e.getSQLState(), sneaky + ": " + e.getMessage());
            }
            try (ResultSet rs = s.executeQuery("select a from ro_t")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "nothing was changed");
            }
        }
    }

    @Test
    void nothingHidesBehindABackslashedQuote() throws Exception {
        // PostgreSQL reads E'\'' as one quote, and '\'' too where standard_conforming_strings is off
        String hidden = "select 'a\\'' ; update ro_t set a = 9; --'";
        String hiddenE = "select E'\\'' ; update ro_t set a = 9; --'";
        try (RawClient refused = RawClient.connect(
                ProxyEnvironment.PORTS.get(SERVICE),
                Map.of("user", "alice", "standard_conforming_strings", "off"),
                Clients.token("alice"))) {
            assertTrue(
                    refused.refusal != null
                            && refused.refusal.startsWith("22023: standard_conforming_strings=off" + " is refused"),
                    "never taken from the startup: " + refused.refusal);
        }
        try (RawClient c = RawClient.connect(
                ProxyEnvironment.PORTS.get(SERVICE), Map.of("user", "alice"), Clients.token("alice"))) {
            assertNull(c.refusal);
            assertEquals("on", c.query("show standard_conforming_strings").single());
            for (String sql :
                    new String[] {hidden, hiddenE, "set standard_conforming_strings = off", hidden, hiddenE}) {
                RawClient.Result r = c.query(sql);
                assertEquals("1", ProxyEnvironment.tlsPg.queryForString("app", "select a from ro_t"), sql + ": " + r);
                if (!sql.startsWith("set")) {
                    assertTrue(r.error() != null && r.error().startsWith("42501"), sql + ": " + r);
                }
            }
            assertEquals("1", c.query("select a from ro_t").single(), "plain reads still pass");
        }
    }

    @Test
    void extendedProtocolAndPipelinesDiscardUntilSync() throws SQLException {
        try (Connection c = connect("extended");
                Statement s = c.createStatement()) {
            SQLException denied = assertThrows(SQLException.class, () -> s.executeUpdate("update ro_t set a = 7"));
            assertEquals("42501", denied.getSQLState());
            assertEquals(1, count(s));

            // one pipeline: Parse/Bind/Execute x3 then one Sync; the third is denied, the batch fails whole
            s.addBatch("select 1");
            s.addBatch("select 2");
            s.addBatch("delete from ro_t");
            BatchUpdateException batch = assertThrows(BatchUpdateException.class, s::executeBatch);
            assertEquals(
                    "42501",
                    batch.getNextException() == null
                            ? batch.getSQLState()
                            : batch.getNextException().getSQLState());
            assertEquals(1, count(s), "the session goes on, and the table is intact");
        }
    }

    @Test
    void denialInsideATransactionAbortsItAsPostgresDoes() throws SQLException {
        try (Connection c = connect("extended");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            assertEquals(1, count(s));
            SQLException denied = assertThrows(SQLException.class, () -> s.execute("insert into ro_t values (9)"));
            assertEquals("42501", denied.getSQLState());
            SQLException aborted = assertThrows(SQLException.class, () -> count(s));
            assertEquals("25P02", aborted.getSQLState(), "in failed transaction, as after any error");
            c.rollback();
            assertEquals(1, count(s));
        }
    }

    @Test
    void rawPipelineEndsAtTheDenialWithOneErrorAndOneReadyForQuery() throws Exception {
        try (WireSession w = WireSession.login(SERVICE, "alice")) {
            w.send(pipeline("select 1", "update ro_t set a = 8", "set application_name = 'pipelined'"));
            List<WireSession.Message> answer = w.untilReady();
            assertEquals("12DCEZ", tags(answer), "the allowed statement ran; nothing after the denial did: " + answer);
            assertTrue(
                    answer.get(4)
                            .error()
                            .startsWith("42501: permission denied by Portcullis: no rule allows User alice"),
                    answer.get(4).error());
            assertEquals('I', answer.get(5).status());

            // the next answer is the next query's: no second ReadyForQuery was pending
            List<WireSession.Message> show = w.query("show application_name");
            assertEquals("TDCZ", tags(show));
            assertNotEquals("pipelined", text(show.get(1)), "the SET after the denial was discarded");
            assertEquals("1", ProxyEnvironment.tlsPg.queryForString("app", "select a from ro_t"));
        }
    }

    @Test
    void rawPipelineDeniedInsideATransactionLeavesItFailed() throws Exception {
        try (WireSession w = WireSession.login(SERVICE, "alice")) {
            assertEquals('T', last(w.query("begin")).status());
            w.send(pipeline("select 1", "update ro_t set a = 8", "set application_name = 'pipelined'"));
            List<WireSession.Message> answer = w.untilReady();
            assertEquals("12DCEZ", tags(answer), answer.toString());
            assertTrue(
                    answer.get(4).error().startsWith("42501: "), answer.get(4).error());
            assertEquals('E', answer.get(5).status(), "in a failed transaction block");

            List<WireSession.Message> next = w.query("select 1");
            assertEquals("EZ", tags(next));
            assertTrue(next.get(0).error().startsWith("25P02: "), next.get(0).error());
            assertEquals('I', last(w.query("rollback")).status());
            List<WireSession.Message> show = w.query("show application_name");
            assertNotEquals("pipelined", text(show.get(1)), "the SET after the denial was discarded");
            assertEquals("1", ProxyEnvironment.tlsPg.queryForString("app", "select a from ro_t"));
        }
    }

    @Test
    void functionCallIsDeniedAndTheSessionGoesOn() throws Exception {
        // lo_creat through the fast-path interface, as pgjdbc's LargeObjectManager calls it
        int loCreat = Integer.parseInt(
                ProxyEnvironment.tlsPg.queryForString("app", "select 'lo_creat(integer)'::regprocedure::oid::int"));
        String objects = "select count(*) from pg_largeobject_metadata";
        String before = ProxyEnvironment.tlsPg.queryForString("app", objects);
        try (WireSession w = WireSession.login(SERVICE, "alice")) {
            byte[] readWrite = {0, 6, 0, 0}; // INV_READ | INV_WRITE
            w.send(new FunctionCall(loCreat, List.of(1), List.of(readWrite), 1));
            List<WireSession.Message> answer = w.untilReady();
            assertEquals("EZ", tags(answer), "no FunctionCallResponse: " + answer);
            assertTrue(
                    answer.get(0).error().startsWith("42501: permission denied by Portcullis"),
                    answer.get(0).error());
            assertEquals('I', answer.get(1).status());
            List<WireSession.Message> next = w.query("select 41 + 1");
            assertEquals("TDCZ", tags(next), "the session is still usable");
            assertEquals("42", text(next.get(1)));
        }
        assertEquals(before, ProxyEnvironment.tlsPg.queryForString("app", objects), "no large object was created");
    }

    /** Parse/Bind/Execute of each statement (unnamed), then one Sync. */
    private static PgMessage[] pipeline(String... statements) {
        List<PgMessage> messages = new ArrayList<>();
        for (String sql : statements) {
            messages.add(new Parse("", sql, List.of()));
            messages.add(new Bind("", "", List.of(), List.of(), List.of()));
            messages.add(new Execute("", 0));
        }
        messages.add(Sync.INSTANCE);
        return messages.toArray(PgMessage[]::new);
    }

    private static String tags(List<WireSession.Message> messages) {
        StringBuilder b = new StringBuilder();
        messages.forEach(m -> b.append(m.tag()));
        return b.toString();
    }

    private static WireSession.Message last(List<WireSession.Message> messages) {
        return messages.get(messages.size() - 1);
    }

    /** The first column of a DataRow, as text. */
    private static String text(WireSession.Message dataRow) {
        assertEquals('D', dataRow.tag());
        byte[] v =
                DataRow.decode(Unpooled.wrappedBuffer(dataRow.body())).values().get(0);
        return new String(v, StandardCharsets.UTF_8);
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select count(*) from ro_t")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Connection connect(String mode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "whoever");
        p.setProperty("password", Clients.token("alice"));
        p.setProperty("sslmode", "require");
        p.setProperty("preferQueryMode", mode);
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + ProxyEnvironment.PORTS.get(SERVICE) + "/app", p);
    }
}
