package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.proxy.Clients.Result;
import dev.portcullis.testkit.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * StartupMessages crafted to inject — other users and databases, conninfo syntax, quotes and
 * backslashes, options setting role / session_authorization / search_path, identity GUCs as
 * parameters of their own, replication, unknown and protocol-extension parameters — asserted on
 * the real upstream: the session runs as exactly the role and database the Service chose, on the
 * upstream it names, with no effect of the injected values; or the client gets a clear error.
 * The upstream role is made a member of prod_role here, so that an injected role would work.
 * (What a backslash can hide from per-message policy: PerMessageAuthorizationTest.)
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class StartupInjectionTest {
    /** Who and where the upstream session is, and the settings an injection would change. */
    private static final String WHO = "select current_user || '|' || session_user || '|' || current_database() || '|'"
            + " || current_setting('search_path') || '|' || inet_server_port() || '|'"
            + " || current_setting('standard_conforming_strings') || '|' || current_setting('default_transaction_read_only')"
            + " || '|' || (select usename || '/' || datname from pg_stat_activity where pid = pg_backend_pid())";
    private static final String OPTIONS_SERVICE = "svc-inject-options";

    private static String expected() {
        return "app_scram|app_scram|app|\"$user\", public|" + ProxyEnvironment.tlsPg.port() + "|on|off|app_scram/app";
    }

    @BeforeAll
    static void setUp() {
        ProxyEnvironment.tlsPg.executeSql("app", "grant prod_role to app_scram; create schema if not exists evil;"
                + " grant usage on schema evil to public");
        service(OPTIONS_SERVICE, "allowOptions: true");
        Clients.awaitListening("svc-scram");
    }

    @AfterAll
    static void tearDown() {
        ProxyEnvironment.tlsPg.executeSql("app", "revoke prod_role from app_scram");
    }

    private static void service(String name, String postgresExtra) {
        int port = Ports.freePort();
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
                      %s
                  authorization: {policies: [devs]}
                """.formatted(name, port, ProxyEnvironment.tlsPg.port(), postgresExtra));
        ProxyEnvironment.PORTS.put(name, port);
        Clients.awaitListening(name);
    }

    @Test
    void craftedStartupParametersChangeNothingUpstream() throws Exception {
        List<Map<String, String>> crafted = List.of(
                params("user", "postgres", "database", "postgres"),
                params("user", "postgres host=evil", "database", "x' dbname=postgres"),
                params("user", "x\\' OR '1'='1", "database", "\\\\evil\\' dbname=postgres port=1 \\"),
                params("user", "alice", "database", "app", "options", "-c role=prod_role"),
                params("user", "alice", "options", "-c session_authorization=postgres"),
                params("user", "alice", "options", "-c search_path=evil"),
                params("user", "alice", "options", "--role=prod_role -c default_transaction_read_only=on"),
                params("user", "alice", "role", "prod_role"),
                params("user", "alice", "session_authorization", "postgres"),
                params("user", "alice", "search_path", "evil"),
                params("user", "alice", "ROLE", "prod_role", "Search_Path", "evil"),
                params("user", "alice", "default_transaction_read_only", "on"),
                params("user", "alice", "standard_conforming_strings", "off"),
                params("user", "alice", "is_superuser", "on", "foo", "bar", "_pq_.evil", "1", "OPTIONS", "-c role=prod_role"),
                params("user", "alice", "host", "evil", "port", "1", "hostaddr", "10.0.0.1", "dbname", "postgres",
                        "sslmode", "disable"));
        int sessions = 0;
        for (Map<String, String> startup : crafted) {
            try (RawClient c = RawClient.connect(ProxyEnvironment.PORTS.get("svc-scram"), startup, Clients.token("alice"))) {
                assertNull(c.refusal, startup.toString());
                assertEquals(expected(), c.query(WHO).single(), "startup " + startup);
                sessions++;
            }
        }
        System.out.printf("startup injection: %d crafted StartupMessages, %d sessions, all upstream as app_scram/app%n",
                crafted.size(), sessions);
    }

    @Test
    void harmlessParametersPassAsValuesNotAsSql() throws Exception {
        String name = "x'; select pg_terminate_backend(pg_backend_pid()); --\\";
        try (RawClient c = RawClient.connect(ProxyEnvironment.PORTS.get("svc-scram"),
                params("user", "alice", "application_name", name, "DateStyle", "German, DMY"), Clients.token("alice"))) {
            assertNull(c.refusal);
            assertEquals(name, c.query("select current_setting('application_name')").single());
            assertEquals("German, DMY", c.query("show datestyle").single());
            assertEquals(expected(), c.query(WHO).single());
        }
    }

    @Test
    void replicationIsRefusedClearly() throws Exception {
        for (String value : new String[] {"database", "true", "on", "1", "yes"}) {
            try (RawClient c = RawClient.connect(ProxyEnvironment.PORTS.get("svc-scram"),
                    params("user", "alice", "replication", value), Clients.token("alice"))) {
                assertTrue(c.refusal != null && c.refusal.startsWith("0A000: replication connections are not supported"),
                        value + ": " + c.refusal);
            }
        }
    }

    @Test
    void realClientsToo() throws Exception {
        Result psql = Clients.psql("svc-scram", "alice", "require", WHO, "user=postgres", "dbname='x\\' dbname=postgres'",
                "options='-c role=prod_role -c search_path=evil'");
        assertEquals(0, psql.exit(), psql.toString());
        assertEquals(expected(), psql.out());

        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", Clients.token("alice"));
        p.setProperty("sslmode", "require");
        p.setProperty("options", "-c role=prod_role -c session_authorization=postgres");
        p.setProperty("currentSchema", "evil");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ProxyEnvironment.PORTS.get("svc-scram")
                + "/postgres", p); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(WHO)) {
            rs.next();
            assertEquals(expected(), rs.getString(1));
        }
    }

    @Test
    void whereTheServiceAllowsOptionsTheyStillCannotChangeTheRole() throws Exception {
        int port = ProxyEnvironment.PORTS.get(OPTIONS_SERVICE);
        try (RawClient c = RawClient.connect(port, params("user", "alice", "options", "-c search_path=evil,public"),
                Clients.token("alice"))) {
            assertNull(c.refusal);
            assertEquals("evil,public|app_scram", c.query("select current_setting('search_path') || '|' || current_user")
                    .single(), "options the Service allows do work");
        }
        List<String> refusals = new ArrayList<>();
        for (String options : new String[] {"-c role=prod_role", "-crole=prod_role", "--role=prod_role", "-c ROLE=prod_role",
                "-c search_path=evil -c role=prod_role", "--session-authorization=postgres",
                "-c session_authorization=postgres", "-c\\ role=prod_role -c role=prod_role", "-e -c role=prod_role", "-P"}) {
            try (RawClient c = RawClient.connect(port, params("user", "alice", "options", options), Clients.token("alice"))) {
                String who = c.refusal == null ? c.query("select current_user").single() : null;
                assertTrue(c.refusal != null && c.refusal.startsWith("28000: the options startup parameter"),
                        options + ": " + (who != null ? "logged in as " + who : c.refusal));
                refusals.add(c.refusal);
            }
        }
        assertTrue(refusals.stream().anyMatch(r -> r.contains("may not set role")), refusals.toString());
        assertTrue(refusals.stream().anyMatch(r -> r.contains("may not set session_authorization")), refusals.toString());
        assertTrue(refusals.stream().anyMatch(r -> r.contains("may only hold -c name=value")), refusals.toString());
    }

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
