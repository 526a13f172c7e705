package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token guessing, end to end with the node's default limit (10 failed access tokens per source
 * per minute), real pgjdbc clients from distinct loopback sources (127.0.0.2-5; 127.0.0.1 is the
 * other tests'), the real policy-service and the access-log topic: the 11th guess is refused
 * quickly without asking policy-service, the refusal says when to retry and is logged and
 * audited, another source still gets in, successes do not count, parallel guesses cannot
 * overtake the count, and no token is ever logged.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class AuthFailureLimitTest {
    private static final int LIMIT = 10; // portcullis.auth.max-failures default
    private static final int IN_FLIGHT = 2; // portcullis.auth.checks-in-flight default
    private static final String LOGINS_SERVICE = "svc-logins";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<LogRecord> LOGS = Collections.synchronizedList(new ArrayList<>());
    private static final java.util.logging.Logger LIMITER_LOG =
            java.util.logging.Logger.getLogger("dev.portcullis.proxy.auth.client.AuthFailureLimiter");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            LOGS.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private static final List<String> TOKENS_USED = Collections.synchronizedList(new ArrayList<>());

    record Attempt(String sqlState, String message, long nanos) {}

    @BeforeAll
    static void listening() {
        ProxyEnvironment.service(
                LOGINS_SERVICE,
                "postgres://127.0.0.1:" + ProxyEnvironment.tlsPg.port(),
                "app_scram",
                "scram-pw",
                "PREFER",
                "",
                "PREFER",
                "  sessionLimits: {maxConnectionsPerUser: 1000}\n");
        Clients.awaitListening(LOGINS_SERVICE);
        Clients.awaitListening("svc-scram");
        LIMITER_LOG.addHandler(CAPTURE);
    }

    @AfterAll
    static void noTokenWasLogged() {
        LIMITER_LOG.removeHandler(CAPTURE);
        List<String> lines;
        synchronized (LOGS) {
            lines = LOGS.stream().map(AuthFailureLimitTest::text).toList();
        }
        TOKENS_USED.add(Clients.token("alice"));
        for (String line : lines) {
            for (String token : TOKENS_USED) {
                assertFalse(line.contains(token), "a token in the log: " + line);
            }
        }
    }

    @Test
    void theEleventhWrongTokenIsRefusedQuicklyWithoutAskingPolicyAndAnotherSourceStillGetsIn() throws Exception {
        String source = "127.0.0.3";
        String user = "guesser\nFORGED log line";
        connect("127.0.0.2", "alice", Clients.token("alice"))
                .close(); // warm up the client: the guesses run at full speed
        long decisionsBefore = policyDecisions();

        List<Attempt> rejected = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            rejected.add(attempt(source, user, guess()));
        }
        for (Attempt a : rejected) {
            assertEquals("28P01", a.sqlState(), a.message());
            assertTrue(a.message().contains("access token rejected"), a.message());
        }
        assertEquals(decisionsBefore + LIMIT, policyDecisions(), "each of the first " + LIMIT + " guesses was checked");

        List<Attempt> limited = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            limited.add(attempt(source, user, guess()));
        }
        Attempt validButLimited = attempt(source, "alice", Clients.token("alice"));
        limited.add(validButLimited);
        for (Attempt a : limited) {
            assertEquals("08004", a.sqlState(), a.message());
            assertTrue(a.message().contains("too many failed authentication attempts from " + source), a.message());
            int retry = retrySeconds(a.message());
            assertTrue(retry >= 1 && retry <= 6, "one attempt every 60 s / 10: " + a.message());
        }
        assertEquals(decisionsBefore + LIMIT, policyDecisions(), "limited attempts never reach policy-service");

        // another source: in, again and again (successes are not counted)
        int successes = 0;
        for (int i = 0; i < LIMIT + 5; i++) {
            try (Connection c = connect("127.0.0.2", "alice", Clients.token("alice"));
                    ResultSet rs = c.createStatement().executeQuery("select current_user")) {
                rs.next();
                assertEquals("app_scram", rs.getString(1));
                successes++;
            }
        }
        assertEquals(LIMIT + 5, successes);

        System.out.printf(
                "auth limit: %d wrong tokens from %s rejected by policy (mean %.1f ms, max %.1f ms);"
                        + " %d further attempts refused without policy (mean %.1f ms, max %.1f ms), a valid token from the same"
                        + " source refused too; %d logins from 127.0.0.2 meanwhile%n",
                LIMIT,
                source,
                meanMillis(rejected),
                maxMillis(rejected),
                limited.size(),
                meanMillis(limited),
                maxMillis(limited),
                successes);

        // logged: source, user name (escaped: no forged line) and reason, for each failure and each refusal
        List<String> lines = logLines(source);
        long rejectedLines = lines.stream()
                .filter(l -> l.startsWith("access token rejected: user \"guesser\\x0aFORGED")
                        && l.contains("the access token is not valid"))
                .count();
        long limitedLines = lines.stream()
                .filter(l -> l.startsWith("authentication attempt refused"))
                .count();
        assertEquals(LIMIT, rejectedLines, String.join("\n", lines));
        assertEquals(limited.size(), limitedLines, String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("\n")), "client text cannot forge log lines");

        // audited: every refusal is a SESSION_START with isAuthorized false, as other refused connections are
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> fromSource(topic.poll(), source).size() == LIMIT + limited.size());
            List<JsonNode> events = fromSource(topic.poll(), source);
            assertEquals(
                    LIMIT,
                    events.stream()
                            .filter(e -> !e.at("/entry/common/isAuthenticated").asBoolean()
                                    && e.at("/entry/common/reason/message")
                                            .asText()
                                            .contains("not valid"))
                            .count());
            assertEquals(
                    limited.size(),
                    events.stream()
                            .filter(e -> "AUTHENTICATION_RATE_LIMITED"
                                    .equals(e.at("/entry/common/reason/type").asText()))
                            .count());
            assertTrue(events.stream()
                    .allMatch(e -> "SESSION_START"
                                    .equals(e.at("/entry/info/postgres/type").asText())
                            && !e.at("/entry/common/isAuthorized").asBoolean()));
        }
    }

    @Test
    void parallelGuessesCannotOvertakeTheCount() throws Exception {
        String source = "127.0.0.4";
        long decisionsBefore = policyDecisions();
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<Callable<Attempt>> tasks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                tasks.add(() -> attempt(source, "racer", guess()));
            }
            List<Attempt> all = new ArrayList<>();
            long t0 = System.nanoTime();
            for (Future<Attempt> f : pool.invokeAll(tasks)) {
                all.add(f.get());
            }
            // the bucket earns back one attempt every 6 s: a slow machine may see one more checked
            long earned = (System.nanoTime() - t0) / 6_000_000_000L;
            long checked =
                    all.stream().filter(a -> a.sqlState().equals("28P01")).count();
            long refused =
                    all.stream().filter(a -> a.sqlState().equals("08004")).count();
            System.out.printf(
                    "auth limit: 40 parallel guesses from %s: %d checked by policy, %d refused%n",
                    source, checked, refused);
            assertEquals(40, checked + refused, all.toString());
            assertTrue(
                    checked >= LIMIT && checked <= LIMIT + IN_FLIGHT + earned,
                    checked + " reached policy-service, the" + " limit is " + LIMIT + " + " + IN_FLIGHT
                            + " in flight (+" + earned + " earned back meanwhile)");
            assertEquals(decisionsBefore + checked, policyDecisions(), "refused guesses never reach policy-service");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A balancer or a pool warming up: 100 logins with one valid token from one address, all at
     * once (ten times the failure limit). None is refused — valid tokens cost nothing — and
     * guessing from that address is limited exactly as before right after. (500 at once, with the
     * node's production timeouts: e2e's BalancedLoginsTest.)
     */
    @Test
    void aHundredConcurrentValidLoginsFromOneAddressAllSucceed() throws Exception {
        String source = "127.0.0.6";
        int logins = 100;
        ExecutorService pool = Executors.newFixedThreadPool(logins);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<Callable<String>> tasks = new ArrayList<>();
            for (int i = 0; i < logins; i++) {
                tasks.add(() -> {
                    start.await();
                    try (Connection c = connect(LOGINS_SERVICE, source, "alice", Clients.token("alice"), 60);
                            ResultSet rs = c.createStatement().executeQuery("select current_user")) {
                        rs.next();
                        return rs.getString(1);
                    } catch (SQLException e) {
                        return e.getSQLState() + ": " + e.getMessage();
                    }
                });
            }
            List<Future<String>> results = new ArrayList<>();
            for (Callable<String> t : tasks) {
                results.add(pool.submit(t));
            }
            long t0 = System.nanoTime();
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long ok = outcomes.stream().filter("app_scram"::equals).count();
            System.out.printf(
                    "auth limit: %d concurrent logins with a valid token from %s: %d succeeded in %.1f s%n",
                    logins, source, ok, seconds);
            assertEquals(
                    logins,
                    ok,
                    outcomes.stream()
                            .filter(o -> !o.equals("app_scram"))
                            .distinct()
                            .toList()
                            .toString());
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < LIMIT; i++) {
            assertEquals("28P01", attempt(source, "guesser", guess()).sqlState());
        }
        assertEquals("08004", attempt(source, "guesser", guess()).sqlState(), "guessing is limited as ever");
    }

    @Test
    void theRetryTimeGivenIsTrue() throws Exception {
        String source = "127.0.0.5";
        for (int i = 0; i < LIMIT; i++) {
            assertEquals("28P01", attempt(source, "patient", guess()).sqlState());
        }
        Attempt limited = attempt(source, "patient", guess());
        assertEquals("08004", limited.sqlState(), limited.message());
        int retry = retrySeconds(limited.message());
        Thread.sleep(retry * 1000L);
        Attempt again = attempt(source, "patient", guess());
        assertEquals(
                "28P01", again.sqlState(), "after the " + retry + " s the refusal named, one more attempt is checked");
        assertEquals("08004", attempt(source, "patient", guess()).sqlState(), "and only one");
    }

    private static Attempt attempt(String source, String user, String token) {
        long t0 = System.nanoTime();
        try (Connection c = connect(source, user, token)) {
            throw new AssertionError(
                    "logged in with " + (token.startsWith("guess-") ? "a wrong token" : "a limited source"));
        } catch (SQLException e) {
            return new Attempt(String.valueOf(e.getSQLState()), String.valueOf(e.getMessage()), System.nanoTime() - t0);
        }
    }

    private static Connection connect(String source, String user, String token) throws SQLException {
        return connect("svc-scram", source, user, token, 10);
    }

    private static Connection connect(String service, String source, String user, String token, int timeoutSeconds)
            throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", token);
        p.setProperty("sslmode", "require");
        p.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        p.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        p.setProperty("localSocketAddress", source); // Linux routes all of 127.0.0.0/8 to the loopback interface
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + ProxyEnvironment.PORTS.get(service) + "/whatever", p);
    }

    private static String guess() {
        String g = "guess-" + UUID.randomUUID();
        TOKENS_USED.add(g);
        return g;
    }

    private static int retrySeconds(String message) {
        Matcher m = Pattern.compile("try again in (\\d+) s").matcher(message);
        assertTrue(m.find(), message);
        return Integer.parseInt(m.group(1));
    }

    private static long policyDecisions() throws Exception {
        String body = HTTP.send(
                        HttpRequest.newBuilder(URI.create(ProxyEnvironment.policyService.baseUrl() + "/q/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return Math.round(body.lines()
                .filter(l -> l.startsWith("portcullis_policy_decisions_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum());
    }

    private static List<String> logLines(String source) {
        synchronized (LOGS) {
            return LOGS.stream()
                    .map(AuthFailureLimitTest::text)
                    .filter(l -> l.contains(" from " + source + " "))
                    .toList();
        }
    }

    private static String text(LogRecord r) {
        return r instanceof org.jboss.logmanager.ExtLogRecord e ? e.getFormattedMessage() : r.getMessage();
    }

    private static List<JsonNode> fromSource(List<JsonNode> events, String source) {
        return events.stream()
                .filter(e -> e.at("/entry/info/postgres/sessionStart/clientAddress")
                        .asText()
                        .startsWith(source + ":"))
                .toList();
    }

    private static double meanMillis(List<Attempt> as) {
        return as.stream().mapToLong(Attempt::nanos).average().orElse(0) / 1e6;
    }

    private static double maxMillis(List<Attempt> as) {
        return as.stream().mapToLong(Attempt::nanos).max().orElse(0) / 1e6;
    }
}
