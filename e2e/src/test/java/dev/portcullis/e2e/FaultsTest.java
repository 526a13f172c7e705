package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.AdminApi;
import dev.portcullis.testkit.QuarkusService;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults under load, on the whole system as an operator runs it (the packaged services as
 * processes, two proxy nodes behind HAProxy, a real upstream PostgreSQL, Kafka and the
 * audit-collector): each scenario runs pgbench through the balancer, breaks one component while
 * it runs, and measures what clients saw. Figures, not assurances: each test prints them and
 * asserts on them.
 *
 * <p>Slow (about 9 minutes: the Kafka outage alone is 60 s and its half a million events must be
 * replayed, indexed and counted), so tagged {@code faults} and run by
 * {@code mvn -B verify -pl e2e -Pfaults} only, which also gives the proxy nodes a 2 GiB audit
 * spool (60 s of full-speed pgbench; the 256 MiB default holds about 40 s on 2 cores) and a
 * token-failure limit that recovery probes cannot reach (see e2e/pom.xml).
 * {@code -Dfaults.kafka.outage.seconds=N} shortens the Kafka outage for a quick run.
 *
 * <p>Figures are printed as {@code FIGURES ...} lines, and all together at the end.
 */
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();
    private static final Duration KAFKA_OUTAGE = Duration.ofSeconds(Long.getLong("faults.kafka.outage.seconds", 60));
    private static final int CLIENTS = 4;

    private final List<String> figures = new CopyOnWriteArrayList<>();
    private Cluster cluster;
    private Connection monitor;

    @BeforeAll
    void start() {
        cluster = new Cluster(true);
        // pgbench -i creates its tables as the proxy's upstream role: in PostgreSQL 15 only the owner may
        cluster.upstream.executeSql("ALTER DATABASE app OWNER TO app");
        PgBench.initialise(cluster.upstream.port(), "app", "app", "app-pw");
    }

    @AfterAll
    void stop() throws SQLException {
        System.out.println("\n==== fault figures ====");
        figures.forEach(f -> System.out.println("  " + f));
        if (monitor != null) {
            monitor.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A failed scenario must not take the next one down with it. */
    @BeforeEach
    void everythingRunning() throws Exception {
        if (cluster.policyService.isRunning()) {
            signal("CONT", cluster.policyService.pid());
        }
        cluster.kafka.start();
        cluster.upstream.start();
        cluster.apiServer.start();
        cluster.policyService.start();
        cluster.collector.start();
        for (QuarkusService node : cluster.nodes) {
            node.start();
        }
    }

    // ------------------------------------------------------------------ 1. Kafka away

    @Test
    @Order(1)
    void kafkaDownNoAccessLogEventLost() throws Exception {
        String user = "faults-kafka";
        String token = newUser(user);
        sleep(Duration.ofSeconds(1)); // the probe's session fully ended: counted before, not during
        Duration warm = Duration.ofSeconds(5);
        Duration after = Duration.ofSeconds(10);
        double queriesBefore = nodeMetric("portcullis_proxy_messages_total", "from_client", "type=\"Query\"");
        double sessionsBefore = nodeMetric("portcullis_proxy_sessions_total");
        double droppedBefore = nodeMetric("portcullis_proxy_audit_events_total", "outcome=\"dropped\"");
        double spooledBefore = nodeMetric("portcullis_proxy_audit_events_total", "outcome=\"spooled\"");

        Instant loadStart = Instant.now();
        PgBench load = PgBench.start(
                "kafka",
                cluster.balancer.port(),
                user,
                token,
                CLIENTS,
                warm.plus(KAFKA_OUTAGE).plus(after));
        sleep(warm);
        Instant stopping = Instant.now();
        cluster.kafka.stop();
        Instant stopped = Instant.now();
        sleepUntil(stopped.plus(KAFKA_OUTAGE));
        double spooledDuringOutage =
                nodeMetric("portcullis_proxy_audit_events_total", "outcome=\"spooled\"") - spooledBefore;
        double spoolBytes = nodeMetric("portcullis_proxy_audit_spool_bytes");
        Instant restarting = Instant.now();
        cluster.kafka.start();
        Instant up = Instant.now();

        PgBench.Result r = load.await(Duration.ofMinutes(3));
        System.out.println(r);
        long duringOutage = r.between(stopped, restarting);

        // every event on its way: both spools replayed, the collector caught up
        Instant replayed = awaitTrue(
                Duration.ofMinutes(5),
                Duration.ofMillis(250),
                () -> nodeMetricOrNaN("portcullis_proxy_audit_spool_bytes") == 0);
        Tally t = null;
        Instant indexed = null;
        long expectedSessions = 0;
        long expectedQueries = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            awaitCollectorQuiet();
            expectedQueries = Math.round(
                    nodeMetric("portcullis_proxy_messages_total", "from_client", "type=\"Query\"") - queriesBefore);
            expectedSessions = Math.round(nodeMetric("portcullis_proxy_sessions_total") - sessionsBefore);
            t = tally(user, loadStart, Instant.now().plusSeconds(2));
            if (t.pgbenchQueries >= r.transactions()
                    && t.count("QUERY") >= expectedQueries
                    && t.count("SESSION_START") >= expectedSessions
                    && t.count("SESSION_END") >= expectedSessions) {
                indexed = Instant.now();
                break;
            }
            sleep(Duration.ofSeconds(5));
        }
        assertNotNull(t);
        // and the search over all of them, unsliced, as `portcullis logs --user` asks it
        long searchBegan = System.nanoTime();
        HttpResponse<String> whole = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                cluster.collector.baseUrl() + "/api/v1/accesslogs?user=" + user + "&limit=1000"))
                        .header("Authorization", "Bearer " + Cluster.ADMIN)
                        .timeout(Duration.ofSeconds(120))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long searchMillis = (System.nanoTime() - searchBegan) / 1_000_000;
        double dropped = nodeMetric("portcullis_proxy_audit_events_total", "outcome=\"dropped\"") - droppedBefore;
        long lostQueries = Math.max(0, expectedQueries - t.count("QUERY"));
        long lostSelects = Math.max(0, r.transactions() - t.pgbenchQueries);
        long lostStarts = Math.max(0, expectedSessions - t.count("SESSION_START"));
        long lostEnds = Math.max(0, expectedSessions - t.count("SESSION_END"));
        long lost = lostQueries + lostStarts + lostEnds;

        figure(
                "kafka stopped in %d ms, down %d s: %d transactions during the outage (%d in all, %d failed, %d clients aborted); "
                        + "%.0f events spooled during it (spool %.0f bytes at its end); spools replayed %s after Kafka was back, "
                        + "all confirmed indexed %s after; expected %d QUERY (%d pgbench selects) + %d SESSION_START + %d SESSION_END, "
                        + "indexed %s; events lost %d (pgbench selects missing %d), dropped by proxies %.0f, duplicates %d",
                millis(stopping, stopped),
                Duration.between(stopped, up).toSeconds(),
                duringOutage,
                r.transactions(),
                r.failedTransactions(),
                r.abortedClients(),
                spooledDuringOutage,
                spoolBytes,
                millis(up, replayed),
                indexed == null ? "never" : millis(up, indexed),
                expectedQueries,
                r.transactions(),
                expectedSessions,
                expectedSessions,
                t.byType,
                lost,
                lostSelects,
                dropped,
                t.duplicates);
        figure(
                "audit search of all %d events of the user, first page: HTTP %d in %d ms",
                t.byType.values().stream().mapToLong(Long::longValue).sum(), whole.statusCode(), searchMillis);

        assertEquals(0, r.exitCode(), "pgbench ended cleanly: " + r.someErrors(5));
        assertEquals(0, r.abortedClients(), "no client lost its session to the outage");
        assertEquals(r.reported(), r.transactions(), "pgbench's summary agrees with its transaction log");
        assertTrue(duringOutage > 0, "transactions went on while Kafka was away");
        assertTrue(spooledDuringOutage > 0, "the proxies spooled while Kafka was away");
        assertEquals(CLIENTS + 1, expectedSessions, "pgbench's sessions: one per client and its setup connection");
        assertEquals(0, lost, "no access-log event lost (" + dropped + " dropped by the proxies)");
        assertEquals(0, dropped, "no event dropped by a proxy");
        assertEquals(0, lostSelects, "every pgbench transaction has its QUERY event");
        assertEquals(expectedQueries, t.count("QUERY"), "no QUERY event indexed twice or invented");
        assertEquals(expectedSessions, t.count("SESSION_START"));
        assertEquals(expectedSessions, t.count("SESSION_END"));
        assertEquals(0, t.duplicates, "each event indexed once");
        assertEquals(200, whole.statusCode(), "search over a user's whole history: " + whole.body());
    }

    // ------------------------------------------------------------------ 2. policy-service away

    @Test
    @Order(2)
    void policyServiceDownRefusesNewConnectionsQuicklyAndLiveSessionsGoOn() throws Exception {
        String user = "faults-policy";
        String token = newUser(user);
        PgBench load = PgBench.start("policy", cluster.balancer.port(), user, token, CLIENTS, Duration.ofSeconds(25));
        sleep(Duration.ofSeconds(4));
        assertTrue(load.isRunning(), "pgbench is running");

        cluster.policyService.stop();
        Instant down = Instant.now();
        List<Probe> refusals = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            refusals.add(Probe.connect(cluster.balancer.port(), user, token));
            sleep(Duration.ofMillis(500));
        }
        sleepUntil(down.plus(Duration.ofSeconds(8)));
        Instant restarting = Instant.now();
        cluster.policyService.start();
        Instant up = Instant.now();
        Recovery recovery = awaitRecovery(user, token, Duration.ofSeconds(60));

        PgBench.Result r = load.await(Duration.ofMinutes(1));
        System.out.println(r);
        long during = r.between(down, restarting);
        long maxRefusal = refusals.stream().mapToLong(p -> p.millis).max().orElse(-1);
        figure(
                "policy-service down %d s: %d transactions during the outage (%d in all, %d failed, %d clients aborted); "
                        + "new connections refused in max %d ms %s with %s; policy-service ready %d ms after its restart began; "
                        + "%s",
                Duration.between(down, up).toSeconds(),
                during,
                r.transactions(),
                r.failedTransactions(),
                r.abortedClients(),
                maxRefusal,
                refusals.stream().map(p -> p.millis).toList(),
                refusals.get(0).describe(),
                millis(restarting, up),
                recovery.describe(up));

        for (Probe p : refusals) {
            assertFalse(p.ok, "no new session without policy-service");
            assertEquals("08004", p.sqlState, p.describe());
            assertTrue(p.message.contains("authorization is unavailable"), p.describe());
            assertTrue(p.millis < 2000, "refused within 2 s: " + p.describe());
        }
        assertEquals(0, r.exitCode(), "pgbench ended cleanly: " + r.someErrors(5));
        assertEquals(0, r.abortedClients(), "live sessions went on");
        assertTrue(during > 0, "live sessions kept committing during the outage");
        assertTrue(
                millis(up, recovery.allOk()) < 5_000,
                "new connections work again on both nodes without restarting" + " proxies: " + recovery.describe(up));
    }

    /**
     * policy-service alive but not answering (SIGSTOP: a hung JVM, a partition that drops
     * packets): new connections must still be refused within 2 s, not wait for TCP.
     */
    @Test
    @Order(3)
    void policyServiceHungRefusesNewConnectionsWithinTwoSeconds() throws Exception {
        String user = "faults-policy-hung";
        String token = newUser(user);
        PgBench load =
                PgBench.start("policy-hung", cluster.balancer.port(), user, token, CLIENTS, Duration.ofSeconds(20));
        sleep(Duration.ofSeconds(4));
        long pid = cluster.policyService.pid();
        signal("STOP", pid);
        Instant down = Instant.now();
        List<Probe> refusals = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                refusals.add(Probe.connect(cluster.balancer.port(), user, token));
            }
        } finally {
            signal("CONT", pid);
        }
        Instant up = Instant.now();
        Recovery recovery = awaitRecovery(user, token, Duration.ofSeconds(30));
        PgBench.Result r = load.await(Duration.ofMinutes(1));
        System.out.println(r);
        long maxRefusal = refusals.stream().mapToLong(p -> p.millis).max().orElse(-1);
        figure(
                "policy-service hung (SIGSTOP) %d s: %d transactions meanwhile (%d in all, %d clients aborted); new"
                        + " connections refused in max %d ms %s with %s; after SIGCONT: %s",
                Duration.between(down, up).toSeconds(),
                r.between(down, up),
                r.transactions(),
                r.abortedClients(),
                maxRefusal,
                refusals.stream().map(p -> p.millis).toList(),
                refusals.get(0).describe(),
                recovery.describe(up));
        for (Probe p : refusals) {
            assertFalse(p.ok);
            assertEquals("08004", p.sqlState, p.describe());
            assertTrue(p.millis < 2000, "refused within 2 s: " + p.describe());
        }
        assertEquals(0, r.exitCode(), "pgbench ended cleanly: " + r.someErrors(5));
        assertEquals(0, r.abortedClients(), "live sessions went on");
        assertTrue(r.between(down, up) > 0, "live sessions kept committing");
        assertTrue(millis(up, recovery.allOk()) < 5_000, recovery.describe(up));
    }

    // ------------------------------------------------------------------ 3. api-server away

    @Test
    @Order(4)
    void apiServerDownProxiesServeFromCache() throws Exception {
        String user = "faults-api";
        String token = newUser(user);
        PgBench load = PgBench.start("api", cluster.balancer.port(), user, token, CLIENTS, Duration.ofSeconds(25));
        sleep(Duration.ofSeconds(4));

        cluster.apiServer.stop();
        Instant down = Instant.now();
        List<Probe> during = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // round-robin: both nodes, each from its cached Services and Secrets
            during.add(Probe.connect(cluster.balancer.port(), user, token));
            sleep(Duration.ofMillis(500));
        }
        sleepUntil(down.plus(Duration.ofSeconds(10)));
        boolean nodesReady = cluster.nodes.stream().allMatch(FaultsTest::ready);
        Instant restarting = Instant.now();
        cluster.apiServer.start();
        Instant up = Instant.now();

        // after: a change made now must reach policy-service (a new Session) and both proxies
        // (a rotated Secret: the old password no longer logs in upstream)
        String after = "faults-api-after";
        String afterToken = issueUser(after);
        Recovery newSession = awaitRecovery(after, afterToken, Duration.ofSeconds(60));
        Instant rotated = rotateUpstreamPassword("app-pw-rotated");
        List<Probe> afterRotation = new ArrayList<>();
        try {
            awaitConnect(user, token, Duration.ofSeconds(60));
            for (int i = 0; i < 4; i++) {
                afterRotation.add(Probe.connect(cluster.balancer.port(), user, token));
            }
        } finally {
            rotateUpstreamPassword("app-pw");
        }
        Instant secretWorks = afterRotation.isEmpty() ? null : Instant.now();
        awaitConnect(user, token, Duration.ofSeconds(60));

        PgBench.Result r = load.await(Duration.ofMinutes(1));
        System.out.println(r);
        long maxConnect = during.stream().mapToLong(p -> p.millis).max().orElse(-1);
        figure(
                "api-server down %d s: %d transactions during the outage (%d in all, %d failed, %d clients aborted); "
                        + "%d/%d new connections succeeded during it (max %d ms); proxies ready throughout: %s; "
                        + "after its return, with a new Session: %s; a rotated Secret is used by both nodes %d ms after the"
                        + " change",
                Duration.between(down, up).toSeconds(),
                r.between(down, restarting),
                r.transactions(),
                r.failedTransactions(),
                r.abortedClients(),
                during.stream().filter(p -> p.ok).count(),
                during.size(),
                maxConnect,
                nodesReady,
                newSession.describe(up),
                secretWorks == null ? -1 : millis(rotated, secretWorks));

        for (Probe p : during) {
            assertTrue(p.ok, "new connection during the api-server outage: " + p.describe());
        }
        assertTrue(
                millis(up, newSession.allOk()) < 10_000,
                "a new Session works on both nodes soon after api-server is" + " back (watches re-established): "
                        + newSession.describe(up));
        assertEquals(
                4, afterRotation.stream().filter(p -> p.ok).count(), "rotated Secret on both nodes: " + afterRotation);
        assertEquals(0, r.exitCode(), "pgbench ended cleanly: " + r.someErrors(5));
        assertEquals(0, r.abortedClients(), "live sessions went on");
        assertTrue(r.between(down, restarting) > 0, "live sessions kept committing during the outage");
    }

    // ------------------------------------------------------------------ 4. upstream restarted

    @Test
    @Order(5)
    void upstreamRestartEndsSessionsWithAnErrorAndNewOnesConnect() throws Exception {
        String user = "faults-upstream";
        String token = newUser(user);
        PgBench load = PgBench.start("upstream", cluster.balancer.port(), user, token, CLIENTS, Duration.ofSeconds(60));
        Connection idle = Probe.open(cluster.balancer.port(), user, token);
        sleep(Duration.ofSeconds(4));

        Instant stopping = Instant.now();
        cluster.upstream.stop();
        Instant down = Instant.now();
        PgBench.Result r = load.await(Duration.ofSeconds(30)); // an AssertionError if pgbench hangs
        Instant loadEnded = Instant.now();
        System.out.println(r);
        SQLException idleError = null;
        Instant idleQueried = Instant.now();
        try (Statement s = idle.createStatement()) {
            s.execute("select 1");
        } catch (SQLException e) {
            idleError = e;
        }
        long idleErrorMillis = millis(idleQueried, Instant.now());
        idle.close();
        Probe whileDown = Probe.connect(cluster.balancer.port(), user, token);
        double activeWhileDown = nodeMetric("portcullis_proxy_sessions_active");
        sleepUntil(down.plusSeconds(3)); // a restart takes a few seconds

        Instant restarting = Instant.now();
        cluster.upstream.start();
        Instant up = Instant.now();
        Recovery recovery = awaitRecovery(user, token, Duration.ofSeconds(30));
        PgBench again =
                PgBench.start("upstream-after", cluster.balancer.port(), user, token, CLIENTS, Duration.ofSeconds(5));
        PgBench.Result r2 = again.await(Duration.ofMinutes(1));
        System.out.println(r2);
        Instant idleAgain = awaitTrue(
                Duration.ofSeconds(10),
                Duration.ofMillis(100),
                () -> nodeMetricOrNaN("portcullis_proxy_sessions_active") == 0);

        figure(
                "upstream restarted (down %d ms, stopped with pg_ctl -m fast): pgbench ended %d ms after the stop began, %d transactions before, "
                        + "%d/%d clients aborted with %s; an idle JDBC session got %s in %d ms; a new connection while down: %s;"
                        + " proxy sessions active while down %.0f; upstream ready %d ms after its restart began, "
                        + "%s; afterwards %d transactions in 5 s, %d clients aborted; "
                        + "proxy sessions back to 0: %s",
                millis(down, restarting),
                millis(stopping, loadEnded),
                r.transactions(),
                r.abortedClients(),
                CLIENTS,
                r.someErrors(2),
                idleError == null ? "no error" : idleError.getSQLState() + " " + idleError.getMessage(),
                idleErrorMillis,
                whileDown.describe(),
                activeWhileDown,
                millis(restarting, up),
                recovery.describe(up),
                r2.transactions(),
                r2.abortedClients(),
                idleAgain != null);

        assertEquals(CLIENTS, r.abortedClients(), "every pgbench session got an error: " + r.someErrors(5));
        assertTrue(
                r.someErrors(10).stream()
                        .anyMatch(l ->
                                l.contains("terminating connection") || l.contains("server closed the connection")),
                "a PostgreSQL error: " + r.someErrors(5));
        assertTrue(millis(stopping, loadEnded) < 20_000, "sessions ended with an error, not a hang");
        assertNotNull(idleError, "the idle session learns that its upstream is gone");
        assertTrue(idleErrorMillis < 5_000, "the idle session's next query fails at once, not after a hang");
        assertFalse(whileDown.ok);
        assertEquals("08001", whileDown.sqlState, whileDown.describe());
        assertEquals(0, activeWhileDown, "the proxies closed every session of the stopped upstream");
        assertTrue(
                millis(up, recovery.allOk()) < 5_000,
                "new sessions connect once the upstream is back: " + recovery.describe(up));
        assertEquals(0, r2.abortedClients());
        assertTrue(r2.transactions() > 0);
        assertNotNull(idleAgain, "no proxy session left over");
    }

    // ------------------------------------------------------------------ 5. a proxy node killed

    /**
     * The load here is pgbench run again and again (each run 3 s, 4 clients): pgbench never
     * reconnects a client whose connection dropped, so the clients of the killed node end, and
     * the next run's clients connect through the balancer to whichever node is up.
     */
    @Test
    @Order(6)
    void proxyNodeKilledClientsReconnectAndNoUpstreamBackendLeaks() throws Exception {
        String user = "faults-kill";
        String token = newUser(user);
        int idleLevel = backends().size();
        LoadLoop loop = new LoadLoop(user, token);
        QuarkusService victim = cluster.nodes.get(1);
        QuarkusService survivor = cluster.nodes.get(0);
        try {
            // mid-run, with sessions on both nodes
            Instant warm = Instant.now().plusSeconds(2);
            Map<Integer, Integer> victimBackends = new HashMap<>();
            awaitTrue(Duration.ofSeconds(30), () -> {
                if (Instant.now().isBefore(warm) || !loop.midRun()) {
                    return false;
                }
                victimBackends.clear();
                victimBackends.putAll(backendsOf(victim.pid()));
                return victimBackends.size() >= 1 && !backendsOf(survivor.pid()).isEmpty();
            });
            assertFalse(victimBackends.isEmpty(), "the node to kill carries sessions");
            int allBefore = backends().size();

            Instant killed = Instant.now();
            victim.kill();
            Instant gone = Instant.now();

            // the upstream notices: the killed node's backends end
            Set<Integer> pids = new HashSet<>(victimBackends.keySet());
            Instant cleared = awaitTrue(Duration.ofSeconds(30), () -> {
                Set<Integer> still = new HashSet<>(backends().keySet());
                still.retainAll(pids);
                return still.isEmpty();
            });
            Set<Integer> leaked = new HashSet<>(backends().keySet());
            leaked.retainAll(pids);

            // clients reconnect through the balancer
            List<Probe> probes = new ArrayList<>();
            Instant probing = Instant.now();
            while (Instant.now().isBefore(probing.plusSeconds(6))) {
                probes.add(Probe.connect(cluster.balancer.port(), user, token));
                sleep(Duration.ofMillis(200));
            }
            sleepUntil(killed.plusSeconds(10));
            Instant restarting = Instant.now();
            victim.start();
            Instant back = Instant.now();
            // the restarted node takes sessions again
            Instant rejoined = awaitTrue(
                    Duration.ofSeconds(30),
                    Duration.ofMillis(100),
                    () -> metric(victim, "portcullis_proxy_sessions_total") > 0);
            sleep(Duration.ofSeconds(2));
            List<PgBench.Result> runs = loop.stop();
            Instant loadStopped = Instant.now();
            Instant idle = awaitTrue(Duration.ofSeconds(30), () -> backends().size() <= idleLevel);
            int afterLoad = backends().size();

            long during =
                    runs.stream().mapToLong(x -> x.between(gone, restarting)).sum();
            long aborted =
                    runs.stream().mapToLong(PgBench.Result::abortedClients).sum();
            long failedRuns = runs.stream().filter(x -> x.exitCode() == 1).count();
            Instant firstNew = runs.stream()
                    .filter(x -> x.started().isAfter(gone))
                    .map(x -> x.firstAfter(gone))
                    .filter(java.util.Objects::nonNull)
                    .min(Instant::compareTo)
                    .orElse(null);
            long maxProbe = probes.stream().mapToLong(p -> p.millis).max().orElse(-1);
            figure(
                    "proxy node killed (kill -9): %d runs of pgbench, %d transactions in the %d s the node was down, "
                            + "%d clients aborted by the kill (%s), %d runs failed to start; first transaction of a new run %s ms after "
                            + "the kill; %d/%d probe connections succeeded after it (max %d ms); upstream backends: %d in all "
                            + "before, %d of the killed node, all gone %s ms after the kill, %d leaked; restarted node ready in %d ms, "
                            + "took sessions %d ms later; after the load: %d backends (idle level %d) %s ms after it stopped",
                    runs.size(),
                    during,
                    Duration.between(gone, restarting).toSeconds(),
                    aborted,
                    runs.stream()
                            .flatMap(x -> x.someErrors(1).stream())
                            .distinct()
                            .limit(2)
                            .toList(),
                    failedRuns,
                    firstNew == null ? "never" : millis(gone, firstNew),
                    probes.stream().filter(p -> p.ok).count(),
                    probes.size(),
                    maxProbe,
                    allBefore,
                    pids.size(),
                    cleared == null ? "never" : millis(killed, cleared),
                    leaked.size(),
                    millis(restarting, back),
                    rejoined == null ? -1 : millis(back, rejoined),
                    afterLoad,
                    idleLevel,
                    idle == null ? "never" : millis(loadStopped, idle));

            assertNotNull(cleared, "the killed node's upstream backends end");
            assertEquals(0, leaked.size(), "no upstream backend leaked from the killed node");
            assertTrue(aborted > 0 && aborted <= CLIENTS, "the kill ended the killed node's clients only: " + aborted);
            assertTrue(during > 0, "load went on through the surviving node");
            assertNotNull(firstNew, "a new pgbench run got through after the kill");
            assertTrue(
                    probes.stream().allMatch(p -> p.ok), "every new connection after the kill got through: " + probes);
            assertNotNull(rejoined, "the restarted node takes sessions again");
            assertNotNull(idle, "the survivor's backends return to the idle level once the load stops");
            assertEquals(idleLevel, afterLoad);
        } finally {
            loop.stop();
        }
    }

    // ------------------------------------------------------------------ helpers: load

    /** pgbench runs one after another until stopped. */
    private final class LoadLoop {
        private final List<PgBench.Result> results = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stopping;
        private volatile PgBench current;

        LoadLoop(String user, String token) {
            thread = new Thread(
                    () -> {
                        for (int i = 0; !stopping; i++) {
                            PgBench b = PgBench.start(
                                    "kill-" + i, cluster.balancer.port(), user, token, CLIENTS, Duration.ofSeconds(3));
                            current = b;
                            results.add(b.await(Duration.ofMinutes(1)));
                        }
                    },
                    "pgbench-loop");
            thread.setDaemon(true);
            thread.start();
        }

        /** In the middle of a run: past its connections, more than a second left. */
        boolean midRun() {
            PgBench b = current;
            if (b == null || !b.isRunning()) {
                return false;
            }
            long age = Duration.between(b.started, Instant.now()).toMillis();
            return age > 700 && age < 1800;
        }

        List<PgBench.Result> stop() throws InterruptedException {
            stopping = true;
            thread.join(60_000);
            return List.copyOf(results);
        }
    }

    // ------------------------------------------------------------------ helpers: clients

    /** One attempt to connect through the balancer with pgjdbc (and run select 1), timed. */
    private record Probe(boolean ok, long millis, String sqlState, String message) {
        static Probe connect(int port, String user, String token) {
            long began = System.nanoTime();
            try (Connection c = open(port, user, token);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
                return new Probe(true, (System.nanoTime() - began) / 1_000_000, null, null);
            } catch (SQLException e) {
                return new Probe(false, (System.nanoTime() - began) / 1_000_000, e.getSQLState(), e.getMessage());
            }
        }

        static Connection open(int port, String user, String token) throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", token);
            p.setProperty("sslmode", "require");
            p.setProperty("connectTimeout", "10");
            p.setProperty("socketTimeout", "15");
            p.setProperty("loginTimeout", "15");
            Connection c = DRIVER.connect("jdbc:postgresql://127.0.0.1:" + port + "/app", p);
            if (c == null) {
                throw new SQLException("no connection");
            }
            return c;
        }

        String describe() {
            return ok ? "ok in " + millis + " ms" : sqlState + " \"" + message + "\" in " + millis + " ms";
        }
    }

    /** When new connections work again through both nodes: four in a row through round-robin. */
    private record Recovery(Instant firstOk, Instant allOk, int refusedMeanwhile, Probe lastRefusal) {
        String describe(Instant from) {
            return String.format(
                    "first new connection %d ms, four in a row (both nodes) %d ms after it was back, %d refused"
                            + " meanwhile%s",
                    millis(from, firstOk),
                    millis(from, allOk),
                    refusedMeanwhile,
                    lastRefusal == null ? "" : " (" + lastRefusal.describe() + ")");
        }
    }

    private Recovery awaitRecovery(String user, String token, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Instant first = null;
        int inARow = 0;
        int refused = 0;
        Probe lastRefusal = null;
        while (Instant.now().isBefore(deadline)) {
            Probe p = Probe.connect(cluster.balancer.port(), user, token);
            if (p.ok) {
                first = first == null ? Instant.now() : first;
                if (++inARow == 4) {
                    return new Recovery(first, Instant.now(), refused, lastRefusal);
                }
            } else {
                inARow = 0;
                refused++;
                lastRefusal = p;
                sleep(Duration.ofMillis(100));
            }
        }
        fail("new connections did not work again within " + timeout + ": " + lastRefusal);
        return null;
    }

    private Probe awaitConnect(String user, String token, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Probe last;
        do {
            last = Probe.connect(cluster.balancer.port(), user, token);
            if (last.ok) {
                return last;
            }
            sleep(Duration.ofMillis(100));
        } while (Instant.now().isBefore(deadline));
        fail("no new connection within " + timeout + ": " + last.describe());
        return last;
    }

    /** A User in group dev and its access token, once policy-service knows the new Session. */
    private String newUser(String name) {
        String token = issueUser(name);
        awaitConnect(name, token, Duration.ofSeconds(30));
        return token;
    }

    private String issueUser(String name) {
        cluster.post("users", "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"groups\":[\"dev\"]}}");
        return cluster.admin.session(name, "2h");
    }

    /** Changes the upstream role's password, then the Secret the proxies log in with; returns when the Secret changed. */
    private Instant rotateUpstreamPassword(String password) {
        cluster.upstream.executeSql("ALTER ROLE app PASSWORD '" + password + "'");
        cluster.admin.put("secrets", "app-pw", AdminApi.secret("app-pw", password));
        return Instant.now();
    }

    // ------------------------------------------------------------------ helpers: upstream backends

    /** The proxies' sessions on the upstream (role app): backend pid to client port. */
    private Map<Integer, Integer> backends() {
        try {
            if (monitor == null || !monitor.isValid(2)) {
                if (monitor != null) {
                    monitor.close();
                }
                monitor = cluster.upstream.connect("postgres");
            }
            Map<Integer, Integer> out = new TreeMap<>();
            try (Statement s = monitor.createStatement();
                    ResultSet rs = s.executeQuery("select pid, client_port"
                            + " from pg_stat_activity where usename = 'app' and backend_type = 'client backend'"
                            + " and pid <> pg_backend_pid()")) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getInt(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The upstream backends whose client is a socket of process {@code pid} (a proxy node). */
    private Map<Integer, Integer> backendsOf(long pid) {
        Set<Integer> ports = localPortsTo(pid, cluster.upstream.port());
        Map<Integer, Integer> out = new TreeMap<>();
        backends().forEach((backend, port) -> {
            if (ports.contains(port)) {
                out.put(backend, port);
            }
        });
        return out;
    }

    /** Local ports of the TCP sockets process {@code pid} holds to {@code remotePort} (from /proc). */
    private static Set<Integer> localPortsTo(long pid, int remotePort) {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 10 || !f[1].contains(":") || !inodes.contains(f[9])) {
                        continue;
                    }
                    int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
                    if (remote == remotePort) {
                        ports.add(local);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no IPv6 table
            }
        }
        return ports;
    }

    // ------------------------------------------------------------------ helpers: audit

    /** The events of one user in the audit-collector, by type; pgbench's selects; repeated ids. */
    private static final class Tally {
        final Map<String, Long> byType = new TreeMap<>();
        long pgbenchQueries;
        long duplicates;

        long count(String type) {
            return byType.getOrDefault(type, 0L);
        }
    }

    /** Counts through the search API, page by page, in 2-second slices of createdAt (each a quick range scan). */
    private Tally tally(String user, Instant from, Instant to) throws Exception {
        Tally t = new Tally();
        Set<String> ids = new HashSet<>();
        for (Instant since = from; since.isBefore(to); since = since.plusSeconds(2)) {
            Instant until = since.plusSeconds(2);
            String cursor = null;
            do {
                String q = "user=" + user + "&since=" + since + "&until=" + until + "&limit=1000"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(cluster.collector.baseUrl() + "/api/v1/accesslogs?" + q))
                                .header("Authorization", "Bearer " + Cluster.ADMIN)
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                JsonNode page = JSON.readTree(r.body());
                for (JsonNode e : page.get("items")) {
                    String type = e.at("/entry/info/postgres/type").asText();
                    t.byType.merge(type, 1L, Long::sum);
                    if (type.equals("QUERY")
                            && e.at("/entry/info/postgres/query/query").asText().startsWith(PgBench.SELECT_PREFIX)) {
                        t.pgbenchQueries++;
                    }
                    if (!ids.add(e.at("/metadata/id").asText())) {
                        t.duplicates++;
                    }
                }
                cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
            } while (cursor != null);
        }
        return t;
    }

    /** Until the collector has indexed nothing new for 3 s. */
    private void awaitCollectorQuiet() {
        double last = -1;
        int still = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (still < 3 && Instant.now().isBefore(deadline)) {
            double now = metric(cluster.collector, "portcullis_audit_events_indexed_total");
            still = now == last ? still + 1 : 0;
            last = now;
            sleep(Duration.ofSeconds(1));
        }
    }

    // ------------------------------------------------------------------ helpers: metrics, time

    private double nodeMetric(String name, String... labels) {
        return cluster.nodes.stream().mapToDouble(n -> metric(n, name, labels)).sum();
    }

    /** NaN when a node does not answer. */
    private double nodeMetricOrNaN(String name, String... labels) {
        try {
            return nodeMetric(name, labels);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The sum of a Prometheus metric's samples whose labels contain every fragment. */
    private static double metric(QuarkusService s, String name, String... labels) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(s.baseUrl() + "/q/metrics"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            double sum = 0;
            outer:
            for (String line : r.body().split("\n")) {
                if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                    continue;
                }
                for (String l : labels) {
                    if (!line.contains(l)) {
                        continue outer;
                    }
                }
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
            return sum;
        } catch (IOException e) {
            throw new IllegalStateException("no metrics from " + s.baseUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean ready(QuarkusService s) {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create(s.baseUrl() + "/q/health/ready"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
    }

    /** When {@code condition} first held (polled every 20 ms), or null if not within {@code timeout}. */
    private static Instant awaitTrue(Duration timeout, BooleanSupplier condition) {
        return awaitTrue(timeout, Duration.ofMillis(20), condition);
    }

    private static Instant awaitTrue(Duration timeout, Duration poll, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return Instant.now();
            }
            sleep(poll);
        }
        return null;
    }

    private void figure(String format, Object... args) {
        String f = String.format(format, args);
        System.out.println("FIGURES " + f);
        figures.add(f);
    }

    private static long millis(Instant from, Instant to) {
        return to == null ? -1 : Duration.between(from, to).toMillis();
    }

    private static void sleepUntil(Instant t) {
        Duration d = Duration.between(Instant.now(), t);
        if (!d.isNegative()) {
            sleep(d);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
