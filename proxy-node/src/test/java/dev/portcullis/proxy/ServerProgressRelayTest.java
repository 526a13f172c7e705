package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.message.copy.CopyData;
import dev.portcullis.pgwire.message.copy.CopyDone;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.message.frontend.Sync;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay knows whether a statement runs by following what the real server answers, not by
 * counting one ReadyForQuery per Query/Sync/FunctionCall. The conversations here are the ones
 * that count got wrong for the rest of the session: a Query the server skips after an error in
 * its batch, and a Sync it ignores during copy-in. After each, the 2 s idle timeout still ends the
 * idle session, and under authorization mode ALL a later denial is still the proxy's 42501 (with
 * the count off, it surfaced as the stand-in's 42601 syntax error).
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class ServerProgressRelayTest {
    private static final String SERVICE = "svc-progress";
    private static final String IDLE = "E 57P05: terminating connection due to idle-session timeout (2s)";

    @BeforeAll
    static void service() {
        ProxyEnvironment.tlsPg.executeSql(
                "app",
                "create table if not exists progress_t(a int);"
                        + " grant all on progress_t to app_scram; truncate progress_t");
        int port = dev.portcullis.testkit.Ports.freePort();
        ProxyEnvironment.post("services", """
                kind: Service
                metadata: {name: %s}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://127.0.0.1:%d"}
                    postgres:
                      user: app_scram
                      database: app
                      auth: {password: {fromSecret: scram-pw}}
                      authorization: {mode: ALL}
                  sessionLimits: {idleTimeout: 2s}
                  authorization:
                    inlinePolicies:
                      - name: anything-but-update
                        spec: {rules: [{effect: ALLOW, condition: {all: {of: [
                            {match: '"dev" in ctx.user.spec.groups'},
                            {any: {of: [
                              {match: 'has(ctx.request.postgres.connect)'},
                              {match: 'has(ctx.request.postgres.query) && !ctx.request.postgres.query.commands.exists(c, c == "UPDATE")'},
                              {match: 'has(ctx.request.postgres.parse) && !ctx.request.postgres.parse.commands.exists(c, c == "UPDATE")'}]}}]}}}]}
                """.formatted(SERVICE, port, ProxyEnvironment.tlsPg.port()));
        ProxyEnvironment.PORTS.put(SERVICE, port);
        Clients.awaitListening(SERVICE);
    }

    private static RawClient connect() throws Exception {
        return RawClient.connect(
                ProxyEnvironment.PORTS.get(SERVICE),
                Map.of("user", "alice", "database", "app"),
                Clients.token("alice"));
    }

    @Test
    void aQueryTheServerSkipsAfterAnErrorIsNotAwaited() throws Exception {
        try (RawClient client = connect()) {
            // the Parse fails; PostgreSQL skips the Query up to the Sync: one ReadyForQuery for both
            client.send(new Parse("", "selec 1", List.of()), new Query("select 1"), Sync.INSTANCE);
            assertEquals("EZ", client.readUntil('Z'));
            assertEquals("1", client.query("select 1").single());
            long idleFrom = System.nanoTime();
            assertEquals(List.of(IDLE), client.readToEnd(), "the idle session is ended");
            assertIdleFor(idleFrom);
        }
    }

    @Test
    void aSyncTheServerIgnoresDuringCopyInIsNotAwaited() throws Exception {
        try (RawClient client = connect()) {
            client.send(new Query("copy progress_t from stdin"));
            assertEquals("G", client.readUntil('G'));
            client.send(
                    new CopyData("1\n".getBytes(StandardCharsets.UTF_8)),
                    Sync.INSTANCE,
                    new CopyData("2\n".getBytes(StandardCharsets.UTF_8)),
                    CopyDone.INSTANCE);
            assertEquals("CZ", client.readUntil('Z'), "the Sync inside the copy had no answer");

            // a denied Parse the server skips (an earlier error in its batch), then a denied Query
            client.send(
                    new Parse("", "selec 1", List.of()),
                    new Parse("", "update progress_t set a = 0", List.of()),
                    Sync.INSTANCE);
            assertEquals("EZ", client.readUntil('Z'));
            RawClient.Result denied = client.query("update progress_t set a = 3");
            assertTrue(denied.error().startsWith("42501: permission denied by Portcullis"), denied.error());

            long idleFrom = System.nanoTime();
            assertEquals(List.of(IDLE), client.readToEnd(), "the idle session is ended");
            assertIdleFor(idleFrom);
        }
        assertEquals(
                "1,2",
                ProxyEnvironment.tlsPg.queryForString(
                        "app", "select string_agg(a::text, ',' order by a) from progress_t"),
                "copied, and nothing updated");
    }

    private static void assertIdleFor(long fromNanos) {
        long ms = (System.nanoTime() - fromNanos) / 1_000_000;
        assertTrue(ms >= 1_000 && ms < 6_000, "ended " + ms + " ms after the last answer");
    }
}
