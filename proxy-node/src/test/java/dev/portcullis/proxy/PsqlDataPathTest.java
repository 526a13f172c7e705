package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.proxy.Clients.Result;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real psql through the proxy to real PostgreSQL servers: every upstream login method, every
 * sslMode, forced user and database, dynamic config, and each refusal with its message.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class PsqlDataPathTest {
    private static final String WHO = "select current_user || '/' || current_database() || '/' || "
            + "(select ssl::text from pg_stat_ssl where pid = pg_backend_pid())";

    @BeforeAll
    static void listening() {
        ProxyEnvironment.PORTS.keySet().forEach(Clients::awaitListening);
    }

    @Test
    void scramUpstreamWithForcedUserAndDatabaseOverTlsByDefault() {
        Result r = Clients.psql("svc-scram", "alice", "require", WHO);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("app_scram/app/true", r.out(), "PREFER uses TLS when the upstream offers it");
    }

    @Test
    void md5AndCleartextUpstreamRoles() {
        Result md5 = Clients.psql("svc-md5", "alice", "require", WHO);
        assertEquals("app_md5/app/false", md5.out(), md5.toString());
        Result clear = Clients.psql("svc-clear", "alice", "require", WHO);
        assertEquals("app_clear/app/true", clear.out(), clear.toString());
    }

    @Test
    void preferFallsBackToPlaintextAndRequireRefusesIt() {
        Result prefer = Clients.psql("svc-plain-prefer", "alice", "require", WHO);
        assertEquals("app_scram/app/false", prefer.out(), prefer.toString());
        Result require = Clients.psql("svc-plain-require", "alice", "require", "select 1");
        assertEquals(2, require.exit(), require.toString());
        assertTrue(
                require.err().contains("cannot connect to the upstream of Service svc-plain-require"), require.err());
        assertTrue(require.err().contains("does not accept TLS"), require.err());
    }

    @Test
    void verifyFullChecksTheCertificate() {
        Result ok = Clients.psql("svc-verify-ok", "alice", "require", WHO);
        assertEquals("app_scram/app/true", ok.out(), ok.toString());
        Result bad = Clients.psql("svc-verify-bad", "alice", "require", "select 1");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("TLS handshake with the upstream failed (sslMode VERIFY_FULL)"), bad.err());
    }

    @Test
    void verifyCaChecksTheIssuer() {
        Result ok = Clients.psql("svc-verify-ca-ok", "alice", "require", WHO);
        assertEquals("app_scram/app/true", ok.out(), ok.toString());
        Result bad = Clients.psql("svc-verify-ca-bad", "alice", "require", "select 1");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(
                bad.err()
                        .contains("FATAL:  cannot connect to the upstream of Service svc-verify-ca-bad: TLS handshake"
                                + " with the upstream failed (sslMode VERIFY_CA)"),
                bad.err());
    }

    @Test
    void dynamicConfigRoutesTheProdGroupToAnotherRole() {
        assertEquals(
                "prod_role/app/true",
                Clients.psql("svc-scram", "bob", "require", WHO).out());
        assertEquals(
                "app_scram/app/true",
                Clients.psql("svc-scram", "alice", "require", WHO).out());
    }

    @Test
    void clientStartupParametersCannotChangeTheUpstreamRole() {
        // options can set any GUC, role included: refused by name, never dropped (StartupInjectionTest has the rest)
        Result r = Clients.psql(
                "svc-scram",
                "alice",
                "require",
                "select current_user || '/' || current_setting('application_name')",
                "options='-c role=prod_role'",
                "application_name=myapp");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("FATAL:  the startup parameter role may not be set through Portcullis"), r.err());
        Result ok = Clients.psql(
                "svc-scram",
                "alice",
                "require",
                "select current_user || '/' || current_setting('application_name')",
                "application_name=myapp");
        assertEquals("app_scram/myapp", ok.out(), ok.toString());
    }

    @Test
    void refusalsSayWhatHappened() {
        Result badToken = Clients.psql("svc-scram", "not-a-token", "require", "select 1");
        assertTrue(
                badToken.err().contains("FATAL:  access token rejected: the access token is not valid"),
                badToken.err());
        Result denied = Clients.psql("svc-scram", "eve", "require", "select 1");
        assertTrue(
                denied.err()
                        .contains("FATAL:  not authorized to connect to Service svc-scram: no rule allows User eve"),
                denied.err());
        Result down = Clients.psql("svc-down", "alice", "require", "select 1");
        assertTrue(
                down.err()
                        .contains(
                                "FATAL:  cannot connect to the upstream of Service svc-down: cannot reach the upstream"),
                down.err());
        Result plaintext = Clients.psql("svc-scram", "alice", "disable", "select 1");
        assertTrue(plaintext.err().contains("FATAL:  Portcullis accepts access tokens only over TLS"), plaintext.err());
        assertTrue(plaintext.err().contains("sslmode=require"), plaintext.err());
        Result replication = Clients.psql("svc-scram", "alice", "require", "IDENTIFY_SYSTEM", "replication=database");
        assertTrue(replication.err().contains("replication connections are not supported"), replication.err());
        for (Result r : List.of(badToken, denied, down, plaintext, replication)) {
            assertEquals(2, r.exit(), r.toString());
            assertFalse(r.err().contains(Clients.token("alice")), "no token in any message");
        }
    }

    @Test
    void multiStatementAndPgbenchPrepared() {
        Result multi = Clients.psql("svc-scram", "alice", "require", "select 1; select 2; select 3");
        assertEquals("1\n2\n3", multi.out(), multi.toString());

        ProxyEnvironment.tlsPg.executeSql(
                "app",
                "drop table if exists pgbench_accounts, pgbench_branches, pgbench_tellers," + " pgbench_history");
        Result init = Clients.run(
                List.of(Clients.pgbenchBinary(), "-i", "-s", "1", "-q"),
                ProxyEnvironment.tlsPg.clientEnvironment("app"));
        assertEquals(0, init.exit(), init.toString());
        ProxyEnvironment.tlsPg.executeSql("app", "grant select on all tables in schema public to app_scram");
        Result bench = Clients.run(
                List.of(
                        Clients.pgbenchBinary(),
                        "-S",
                        "-M",
                        "prepared",
                        "-c",
                        "4",
                        "-j",
                        "2",
                        "-t",
                        "250",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(ProxyEnvironment.PORTS.get("svc-scram")),
                        "-U",
                        "whoever",
                        "whatever"),
                Map.of("PGPASSWORD", Clients.token("alice"), "PGSSLMODE", "require"));
        assertEquals(0, bench.exit(), bench.toString());
        assertTrue(bench.out().contains("number of transactions actually processed: 1000/1000"), bench.out());
    }
}
