package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.proxy.Clients.Result;
import dev.portcullis.testkit.Ports;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client asks for at connect, asserted on the real upstream. The upstream user and
 * database are the Service's whatever the StartupMessage says (conninfo syntax, quotes and
 * backslashes change nothing); every setting any user may set reaches the upstream as asked, from
 * startup parameters, {@code options} / PGOPTIONS and real drivers; every other setting is refused
 * with a FATAL naming it — never dropped — before anything is opened upstream. The upstream role is
 * made a member of prod_role here, so that an injected role would work. (What a backslash can hide
 * from per-message policy: PerMessageAuthorizationTest.)
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class StartupInjectionTest {
    /** Who and where the upstream session is. */
    private static final String WHO = "select current_user || '|' || session_user || '|' || current_database() || '|'"
            + " || inet_server_port() || '|' || (select usename || '/' || datname from pg_stat_activity"
            + " where pid = pg_backend_pid())";

    private static final String ALLOWING_SERVICE = "svc-startup-allowed";

    @Inject
    MeterRegistry metrics;

    private static String expectedWho() {
        return "app_scram|app_scram|app|" + ProxyEnvironment.tlsPg.port() + "|app_scram/app";
    }

    @BeforeAll
    static void setUp() {
        ProxyEnvironment.tlsPg.executeSql(
                "app",
                "grant prod_role to app_scram; create schema if not exists evil;"
                        + " grant usage on schema evil to public; grant set on parameter lc_messages to app_scram");
        service(ALLOWING_SERVICE, "allowedParameters: [\"myapp.*\", lc_messages]");
        Clients.awaitListening("svc-scram");
    }

    @AfterAll
    static void tearDown() {
        ProxyEnvironment.tlsPg.executeSql(
                "app", "revoke prod_role from app_scram;" + " revoke set on parameter lc_messages from app_scram");
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
    void theUserAndDatabaseAreTheServicesWhateverTheStartupMessageSays() throws Exception {
        List<Map<String, String>> crafted = List.of(
                params("user", "postgres", "database", "postgres"),
                params("user", "postgres host=evil", "database", "x' dbname=postgres"),
                params("user", "x\\' OR '1'='1", "database", "\\\\evil\\' dbname=postgres port=1 \\"),
                params("user", "alice", "_pq_.evil", "1"));
        for (Map<String, String> startup : crafted) {
            try (RawClient c =
                    RawClient.connect(ProxyEnvironment.PORTS.get("svc-scram"), startup, Clients.token("alice"))) {
                assertNull(c.refusal, startup.toString());
                assertEquals(expectedWho(), c.query(WHO).single(), "startup " + startup);
            }
        }
    }

    @Test
    void everySettingAnyUserMaySetReachesTheUpstreamAsAsked() throws Exception {
        Map<String, String> startup = params(
                "user",
                "alice",
                "database",
                "postgres",
                "options",
                "-c work_mem=16MB --lock-timeout=2s -c search_path=ignored -c application_name=from\\ options",
                "search_path",
                "evil, public",
                "statement_timeout",
                "1234",
                "idle_in_transaction_session_timeout",
                "5min",
                "default_transaction_read_only",
                "on",
                "TimeZone",
                "Asia/Tokyo",
                "DateStyle",
                "German, DMY",
                "standard_conforming_strings",
                "on");
        try (RawClient c =
                RawClient.connect(ProxyEnvironment.PORTS.get("svc-scram"), startup, Clients.token("alice"))) {
            assertNull(c.refusal);
            assertEquals(
                    "evil, public|1234ms|2s|5min|16MB|on|Asia/Tokyo|German, DMY|from options",
                    c.query(
                                    "select concat_ws('|', current_setting('search_path'), current_setting('statement_timeout'),"
                                            + " current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout'),"
                                            + " current_setting('work_mem'), current_setting('default_transaction_read_only'),"
                                            + " current_setting('TimeZone'), current_setting('DateStyle'),"
                                            + " current_setting('application_name'))")
                            .single(),
                    "a startup parameter wins over the same name in options, as in PostgreSQL");
            assertEquals(expectedWho(), c.query(WHO).single());
        }
    }

    @Test
    void valuesPassAsValuesNotAsSql() throws Exception {
        String name = "x'; select pg_terminate_backend(pg_backend_pid()); --\\";
        try (RawClient c = RawClient.connect(
                ProxyEnvironment.PORTS.get("svc-scram"),
                params("user", "alice", "application_name", name),
                Clients.token("alice"))) {
            assertNull(c.refusal);
            assertEquals(
                    name, c.query("select current_setting('application_name')").single());
            assertEquals(expectedWho(), c.query(WHO).single());
        }
    }

    /** A refused setting, what the FATAL starts with, and the name it must mention. */
    private record Refused(Map<String, String> startup, String sqlState, String names) {}

    @Test
    void everyOtherSettingIsRefusedByNameAndNothingIsOpenedUpstream() throws Exception {
        List<Refused> cases = List.of(
                new Refused(params("role", "prod_role"), "42501", "role"),
                new Refused(params("ROLE", "prod_role"), "42501", "role"),
                new Refused(params("session_authorization", "postgres"), "42501", "session_authorization"),
                new Refused(params("is_superuser", "on"), "42501", "is_superuser"),
                new Refused(params("options", "-c role=prod_role"), "42501", "role"),
                new Refused(params("options", "-crole=prod_role"), "42501", "role"),
                new Refused(params("options", "--role=prod_role"), "42501", "role"),
                new Refused(params("options", "-c ROLE=prod_role"), "42501", "role"),
                new Refused(params("options", "-c search_path=evil -c role=prod_role"), "42501", "role"),
                new Refused(params("options", "--session-authorization=postgres"), "42501", "session_authorization"),
                // PostgreSQL reads user, database and options by exact name; OPTIONS is an unknown setting
                new Refused(params("OPTIONS", "-c session_authorization=postgres"), "42704", "options"),
                new Refused(params("log_statement", "none"), "42501", "log_statement"),
                new Refused(
                        params("options", "-c log_min_duration_statement=-1"), "42501", "log_min_duration_statement"),
                new Refused(params("session_preload_libraries", "auto_explain"), "42501", "session_preload_libraries"),
                new Refused(params("shared_buffers", "1GB"), "42501", "shared_buffers"),
                new Refused(params("standard_conforming_strings", "off"), "22023", "standard_conforming_strings"),
                new Refused(
                        params("options", "-c standard_conforming_strings=0"), "22023", "standard_conforming_strings"),
                new Refused(params("client_encoding", "SJIS"), "22023", "client_encoding"),
                new Refused(params("client_encoding", "big-5"), "22023", "client_encoding"),
                new Refused(params("foo", "bar"), "42704", "foo"),
                new Refused(params("host", "evil", "port", "1"), "42704", "host"),
                new Refused(params("pgaudit.log", "none"), "42704", "pgaudit.log"),
                new Refused(params("options", "-e -c role=prod_role"), "08P01", "-e"),
                new Refused(params("options", "-P"), "08P01", "-P"),
                new Refused(params("options", "-c"), "08P01", "-c"),
                new Refused(params("options", "-c work_mem"), "08P01", "work_mem"));
        long connectsBefore = upstreamConnects();
        for (Refused r : cases) {
            Map<String, String> startup = new LinkedHashMap<>(params("user", "alice"));
            startup.putAll(r.startup());
            try (RawClient c =
                    RawClient.connect(ProxyEnvironment.PORTS.get("svc-scram"), startup, Clients.token("alice"))) {
                String who = c.refusal == null ? c.query("select current_user").single() : null;
                assertTrue(
                        c.refusal != null && c.refusal.startsWith(r.sqlState() + ": ") && c.refusal.contains(r.names()),
                        startup + ": " + (who != null ? "logged in as " + who : c.refusal));
            }
        }
        assertEquals(connectsBefore, upstreamConnects(), "a refused startup opened a connection upstream");
        System.out.printf(
                "startup parameters: %d refused settings, each named in its FATAL, none opened upstream%n",
                cases.size());
    }

    @Test
    void replicationIsRefusedClearly() throws Exception {
        for (String value : new String[] {"database", "true", "on", "1", "yes"}) {
            try (RawClient c = RawClient.connect(
                    ProxyEnvironment.PORTS.get("svc-scram"),
                    params("user", "alice", "replication", value),
                    Clients.token("alice"))) {
                assertTrue(
                        c.refusal != null && c.refusal.startsWith("0A000: replication connections are not supported"),
                        value + ": " + c.refusal);
            }
        }
    }

    @Test
    void aServiceMayAllowMoreByNameOrNamespaceButNeverTheRole() throws Exception {
        int port = ProxyEnvironment.PORTS.get(ALLOWING_SERVICE);
        try (RawClient c = RawClient.connect(
                port,
                params("user", "alice", "myapp.tenant", "42", "options", "-c lc_messages=C -c myapp.region=eu"),
                Clients.token("alice"))) {
            assertNull(c.refusal);
            assertEquals(
                    "42|eu|C|app_scram",
                    c.query("select concat_ws('|', current_setting('myapp.tenant'),"
                                    + " current_setting('myapp.region'), current_setting('lc_messages'), current_user)")
                            .single());
        }
        for (Map<String, String> refused : List.of(
                params("myappx.tenant", "1"),
                params("role", "prod_role"),
                params("options", "-c lc_messages=C -c session_authorization=postgres"))) {
            Map<String, String> startup = new LinkedHashMap<>(params("user", "alice"));
            startup.putAll(refused);
            try (RawClient c = RawClient.connect(port, startup, Clients.token("alice"))) {
                assertTrue(c.refusal != null && c.refusal.matches("(42501|42704): .*"), startup + ": " + c.refusal);
            }
        }
    }

    @Test
    void psqlWithPgoptions() {
        Result psql = Clients.run(
                List.of(
                        Clients.psqlBinary(),
                        "-X",
                        "-A",
                        "-t",
                        "-d",
                        "host=127.0.0.1 port=" + ProxyEnvironment.PORTS.get("svc-scram")
                                + " user=postgres dbname=postgres sslmode=require",
                        "-c",
                        "select current_setting('statement_timeout') || '|' || current_setting('work_mem') || '|'"
                                + " || current_user"),
                Map.of("PGPASSWORD", Clients.token("alice"), "PGOPTIONS", "-c statement_timeout=4321 -c work_mem=7MB"));
        assertEquals(0, psql.exit(), psql.toString());
        assertEquals("4321ms|7MB|app_scram", psql.out());

        Result refused = Clients.run(
                List.of(
                        Clients.psqlBinary(),
                        "-X",
                        "-A",
                        "-t",
                        "-d",
                        "host=127.0.0.1 port=" + ProxyEnvironment.PORTS.get("svc-scram") + " sslmode=require",
                        "-c",
                        "select 1"),
                Map.of("PGPASSWORD", Clients.token("alice"), "PGOPTIONS", "-c role=prod_role"));
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("the startup parameter role may not be set"), refused.err());
    }

    @Test
    void pgjdbcCurrentSchemaAndOptions() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", Clients.token("alice"));
        p.setProperty("sslmode", "require");
        p.setProperty("currentSchema", "evil");
        p.setProperty("options", "-c lock_timeout=3s");
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + ProxyEnvironment.PORTS.get("svc-scram") + "/postgres", p);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select current_setting('search_path') || '|' || current_setting('lock_timeout') || '|' || current_user")) {
            rs.next();
            assertEquals("evil|3s|app_scram", rs.getString(1));
        }
    }

    @Test
    void nodePostgresStatementTimeout() {
        Result node = NodePostgres.query(
                ProxyEnvironment.PORTS.get("svc-scram"),
                Clients.token("alice"),
                "{statement_timeout: 1500, query_timeout: 20000}",
                "select current_setting('statement_timeout') || '|' || current_user");
        assertEquals(0, node.exit(), node.toString());
        assertEquals("1500ms|app_scram", node.out());
    }

    /** How many upstream connections the node has opened (the timer records each). */
    private long upstreamConnects() {
        return metrics.find("portcullis.proxy.upstream.connect").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
