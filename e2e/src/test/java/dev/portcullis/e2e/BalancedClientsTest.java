package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients behind the balancer, as users meet them: HAProxy sends the PROXY protocol (v2), so the
 * nodes limit, log and audit the real client, not the balancer. Clients bind distinct loopback
 * addresses (127.0.0.4, .5; the balancer is 127.0.0.3). With the nodes' production settings,
 * 500 logins at once from one address all get in; guessing from one address locks out that
 * address only; the trail names each client's own address; a PROXY header from anyone but the
 * balancer, or none from it, is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BalancedClientsTest {
    private static final int MAX_FAILURES = 10; // portcullis.auth.max-failures default, per node
    private Cluster cluster;
    private String carol;

    @BeforeAll
    void start() {
        cluster = new Cluster(true);
        cluster.post("users", "{\"metadata\":{\"name\":\"carol\"},\"spec\":{\"groups\":[\"dev\"]}}");
        carol = cluster.admin.session("carol", "1h");
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * pgbench with 500 clients and 500 threads, each opening its own connection at once ({@code -C
     * -t 1}: connect, one statement, disconnect), all from 127.0.0.1 through the balancer.
     */
    @Test
    void fiveHundredLoginsAtOnceFromOneAddressAllGetIn() throws Exception {
        int logins = 500;
        java.nio.file.Path script = java.nio.file.Files.createTempFile("portcullis-select-", ".sql");
        java.nio.file.Files.writeString(script, "select 1;\n");
        ProcessBuilder pb = new ProcessBuilder(
                        PgBench.binary().toString(),
                        "-n",
                        "-C",
                        "-c",
                        Integer.toString(logins),
                        "-j",
                        Integer.toString(logins),
                        "-t",
                        "1",
                        "-f",
                        script.toString(),
                        "host=127.0.0.1 port=" + cluster.balancer.port()
                                + " user=carol dbname=app sslmode=require connect_timeout=60")
                .redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", carol);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - t0) / 1e9;
        java.nio.file.Files.delete(script);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("actually processed: (\\d+)/(\\d+)")
                .matcher(out);
        assertTrue(m.find(), out);
        System.out.printf(
                "balanced clients: %d logins at once (pgbench -C -c %d -j %d) with one valid token from"
                        + " 127.0.0.1 through HAProxy: %s succeeded in %.1f s%n",
                logins, logins, logins, m.group(1), seconds);
        assertEquals(
                logins,
                Integer.parseInt(m.group(1)),
                out.lines()
                        .filter(l -> l.contains("error") || l.contains("FATAL"))
                        .distinct()
                        .limit(10)
                        .toList()
                        .toString());
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void theLimiterAndTheTrailSeeTheRealClientNotTheBalancer() throws Exception {
        String guesser = "127.0.0.4";
        String neighbour = "127.0.0.5";
        // each node counts its own: round robin gives each about half of the guesses
        List<String> outcomes = new ArrayList<>();
        String refusal = null;
        for (int i = 0; i < 2 * MAX_FAILURES + 4 && refusal == null; i++) {
            try (Connection c = connect(guesser, "guess-" + UUID.randomUUID())) {
                throw new AssertionError("a wrong token logged in");
            } catch (SQLException e) {
                outcomes.add(e.getSQLState());
                if ("08004".equals(e.getSQLState())) {
                    refusal = e.getMessage();
                }
            }
        }
        assertTrue(
                refusal != null && refusal.contains("too many failed authentication attempts from " + guesser),
                "the guesser is limited by its own address: " + outcomes + " " + refusal);
        assertTrue(outcomes.stream().filter("28P01"::equals).count() >= MAX_FAILURES, outcomes.toString());
        for (int i = 0; i < 4; i++) { // both nodes
            try (Connection c = connect(neighbour, carol)) {
                assertTrue(c.isValid(5), "a client beside the guesser, behind the same balancer, gets in");
            }
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> starts(neighbour).size() >= 4);
        for (JsonNode e : starts(neighbour)) {
            assertTrue(e.at("/entry/common/isAuthorized").asBoolean(), e.toString());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> starts(guesser).size() == outcomes.size());
        List<JsonNode> all = cluster.search("type=SESSION_START&limit=1000");
        // (aProxyHeaderIsBelievedFromTheBalancerOnly connects from the balancer's address itself, refused:
        // PROXY_PROTOCOL)
        assertTrue(
                all.stream()
                        .filter(e -> !"PROXY_PROTOCOL"
                                .equals(e.at("/entry/common/reason/type").asText()))
                        .noneMatch(e -> clientAddress(e).startsWith(Cluster.BALANCER_ADDRESS + ":")),
                "no event of a client through the balancer names the balancer");
    }

    @Test
    void aProxyHeaderIsBelievedFromTheBalancerOnly() throws Exception {
        int node = cluster.servicePort; // node 1 listens on the Service port itself
        byte[] v1 = "PROXY TCP4 192.0.2.66 127.0.0.1 4444 5432\r\n".getBytes(StandardCharsets.US_ASCII);
        String forged = firstReply("127.0.0.1", node, concat(v1, sslRequest()));
        assertTrue(
                forged.startsWith("E:08P01:a PROXY protocol header from 127.0.0.1, which is not a trusted proxy"),
                forged);
        String missing = firstReply(Cluster.BALANCER_ADDRESS, node, sslRequest());
        assertTrue(
                missing.startsWith("E:08P01:connections from 127.0.0.3 (a trusted proxy) must begin with a PROXY"
                        + " protocol header"),
                missing);
        assertEquals("S", firstReply("127.0.0.1", node, sslRequest()), "a client without a header is served as ever");
    }

    private List<JsonNode> starts(String source) throws Exception {
        return cluster.search("type=SESSION_START&limit=1000").stream()
                .filter(e -> clientAddress(e).startsWith(source + ":"))
                .toList();
    }

    private static String clientAddress(JsonNode e) {
        return e.at("/entry/info/postgres/sessionStart/clientAddress").asText();
    }

    private Connection connect(String source, String token) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "carol");
        p.setProperty("password", token);
        p.setProperty("sslmode", "require");
        p.setProperty("connectTimeout", "60");
        p.setProperty("loginTimeout", "60");
        p.setProperty("localSocketAddress", source); // Linux routes all of 127.0.0.0/8 to loopback
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.balancer.port() + "/app", p);
    }

    /** Sends {@code bytes} from {@code source} and returns the answer: "S", or "E:SQLSTATE:message". */
    private static String firstReply(String source, int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int tag = in.read();
            if (tag != 'E') {
                return String.valueOf((char) tag);
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            String code = "";
            String message = "";
            int i = 0;
            while (i < body.length && body[i] != 0) {
                char field = (char) body[i++];
                int end = i;
                while (body[end] != 0) {
                    end++;
                }
                String value = new String(body, i, end - i, StandardCharsets.UTF_8);
                if (field == 'C') {
                    code = value;
                } else if (field == 'M') {
                    message = value;
                }
                i = end + 1;
            }
            return "E:" + code + ":" + message;
        }
    }

    private static byte[] sslRequest() {
        return ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }
}
