package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.ProjectLayout;
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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Secrets never leak: a whole cluster with audit (Kafka, audit-collector), psql and pgjdbc with
 * valid and wrong access tokens, password statements through the proxy, the CLI; then every API
 * response (api-server REST for every kind, JSON and YAML, and its errors; audit-collector
 * search; health and metrics of every service; CLI output), every log line of every service
 * (api-server, policy-service, both proxy nodes, audit-collector, Kafka, the upstream
 * PostgreSQL) and the data at rest (Kafka segments, the collector's index, proxy spools,
 * api-server's store) is searched for every secret value used: the upstream password and its
 * SCRAM/MD5 forms, every access token (valid and wrong), the admin, cluster and proxy
 * credentials, the passwords given in statements. Zero hits. Canaries (a query text, a user
 * name) that must be found prove the search reads what it claims to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsNeverLeakTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Cluster cluster;
    /** Needle name -> secret value: none may appear anywhere. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    /** Source name -> what was read from it. */
    private final Map<String, byte[]> sources = new LinkedHashMap<>();

    private final String canaryQuery = distinct("canary-query");
    private final String canaryUser = distinct("canary-user");

    @BeforeAll
    void start() {
        cluster = new Cluster(true);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void noSecretValueOrTokenAppearsInAnyLogResponseOrStoredFile() throws Exception {
        secrets.put("admin token", Cluster.ADMIN);
        secrets.put("cluster token", Cluster.CLUSTER);
        secrets.put("proxy token", Cluster.PROXY);
        secrets.put("alice's access token", cluster.token);
        cluster.post("users", "{\"metadata\":{\"name\":\"bob\"},\"spec\":{\"groups\":[\"dev\"]}}");
        String bobToken = cluster.admin.session("bob", "1h");
        secrets.put("bob's access token", bobToken);

        // rotate the upstream password to a distinctive value, with the CLI, as an operator would
        String upstreamPassword = distinct("upstream-pw");
        secrets.put("upstream password", upstreamPassword);
        cluster.upstream.executeSql("alter role app createrole password '" + upstreamPassword + "'");
        Cli cli = new Cli();
        read(
                "CLI update secret",
                cli.run(upstreamPassword + "\n", "update", "secret", "app-pw").getBytes(StandardCharsets.UTF_8));
        String cliSecret = distinct("cli-secret");
        secrets.put("secret created with the CLI", cliSecret);
        read(
                "CLI create secret",
                cli.run(cliSecret + "\n", "create", "secret", "cli-probe").getBytes(StandardCharsets.UTF_8));
        upstreamPasswordForms(upstreamPassword, "");

        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> psql(cluster.token, "alice", "select current_user")
                        .out()
                        .equals("app"));

        // psql: password statements, the upstream's own included (same value: the proxy keeps working)
        String p1 = distinct("stmt-pw1");
        String p2 = distinct("stmt-pw2");
        String p3 = distinct("stmt-pw3");
        String p4 = distinct("stmt-pw4");
        secrets.put("password in CREATE ROLE", p1);
        secrets.put("password after E'...\\'", p2);
        secrets.put("password in dollar quotes", p3);
        String verifier = scramVerifier(p4, randomBytes(16), 4096);
        secrets.put("SCRAM verifier in ALTER ROLE", verifier);
        secrets.put("MD5 hash in ALTER ROLE", md5Password(p4, "leak_probe"));
        String statements = String.join(
                ";\n",
                "select '" + canaryQuery + "'",
                "alter role app password '" + upstreamPassword + "'",
                "create role leak_probe login password '" + p1 + "'",
                "alter role leak_probe password E'q\\'" + p2 + "'",
                "alter role leak_probe encrypted password $pw$" + p3 + "$pw$",
                "alter role leak_probe password '" + verifier + "'",
                "alter role leak_probe password '" + md5Password(p4, "leak_probe") + "'",
                "select current_user");
        Run run = psql(cluster.token, "alice", statements);
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().endsWith("app"), run.out());
        sources.put("psql output", (run.out() + run.err()).getBytes(StandardCharsets.UTF_8));
        upstreamPasswordForms(upstreamPassword, " (after ALTER ROLE through the proxy)"); // a new salt

        // pgjdbc, extended protocol
        try (Connection c = jdbc(bobToken);
                PreparedStatement ps = c.prepareStatement("select ?::text || current_user")) {
            ps.setString(1, "jdbc-");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals("jdbc-app", rs.getString(1));
            }
        }

        // wrong tokens, from psql and pgjdbc
        String wrong1 = distinct("wrong-token");
        String wrong2 = distinct("wrong-token");
        secrets.put("wrong token (psql)", wrong1);
        secrets.put("wrong token (pgjdbc)", wrong2);
        Run refused = psql(wrong1, canaryUser, "select 1");
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("access token rejected"), refused.err());
        sources.put("psql output (wrong token)", (refused.out() + refused.err()).getBytes(StandardCharsets.UTF_8));
        try (Connection c = jdbc(wrong2)) {
            throw new AssertionError("a wrong token was accepted");
        } catch (SQLException e) {
            assertEquals("28P01", e.getSQLState(), e.getMessage());
            sources.put(
                    "pgjdbc error (wrong token)", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }

        // everything is indexed: 3 sessions or more (a login may be retried while the Secret rotates), 2 refusals
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    List<JsonNode> all = allAccessLogs(false);
                    return all.stream()
                                            .filter(e -> "SESSION_END"
                                                    .equals(e.at("/entry/info/postgres/type")
                                                            .asText()))
                                            .count()
                                    >= 3
                            && all.stream()
                                            .filter(e -> "SESSION_START"
                                                            .equals(e.at("/entry/info/postgres/type")
                                                                    .asText())
                                                    && !e.at("/entry/common/isAuthorized")
                                                            .asBoolean())
                                            .count()
                                    >= 2;
                });

        readApiResponses(cli);
        readLogsAndFiles();
        report();
    }

    private void upstreamPasswordForms(String password, String when) throws Exception {
        String stored =
                cluster.upstream.queryForString("app", "select rolpassword from pg_authid where rolname = 'app'");
        assertTrue(stored.startsWith("SCRAM-SHA-256$"), "the upstream role's password is stored as SCRAM");
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("upstream SCRAM verifier (pg_authid)", stored);
        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
        String[] parts = stored.split("[$:]");
        int iterations = Integer.parseInt(parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] salted = pbkdf2(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key");
        assertEquals(
                parts[3], Base64.getEncoder().encodeToString(sha256(clientKey)), "StoredKey as PostgreSQL computed it");
        forms.put("upstream SCRAM SaltedPassword", Base64.getEncoder().encodeToString(salted));
        forms.put("upstream SCRAM SaltedPassword (hex)", HexFormat.of().formatHex(salted));
        forms.put("upstream SCRAM ClientKey", Base64.getEncoder().encodeToString(clientKey));
        forms.put("upstream SCRAM StoredKey", parts[3]);
        forms.put("upstream SCRAM ServerKey", parts[4]);
        forms.put("upstream MD5 hash", md5Password(password, "app"));
        forms.forEach((k, v) -> secrets.put(k + when, v));
    }

    private void readApiResponses(Cli cli) throws Exception {
        String api = cluster.apiServer.baseUrl();
        for (String plural : new String[] {"services", "secrets", "users", "groups", "policies", "sessions"}) {
            HttpResponse<byte[]> r = fetch(api + "/api/v1/" + plural, Cluster.ADMIN, "application/json", 200);
            read("api-server GET " + plural, withHeaders(r));
            JsonNode list = JSON.readTree(r.body());
            read(
                    "api-server GET " + plural + " (YAML)",
                    get(api + "/api/v1/" + plural, Cluster.ADMIN, "application/yaml", 200));
            assertTrue(list.get("items").size() > 0 || plural.equals("groups") || plural.equals("policies"), plural);
            for (JsonNode item : list.get("items")) {
                String name = item.at("/metadata/name").asText();
                read(
                        "api-server GET " + plural + "/" + name,
                        get(api + "/api/v1/" + plural + "/" + name, Cluster.ADMIN, "application/json", 200));
            }
        }
        // errors: a wrong credential, a refused document carrying a value, a conflict
        String wrongAdmin = distinct("wrong-admin-token");
        secrets.put("wrong admin token", wrongAdmin);
        read("api-server 401", get(api + "/api/v1/secrets", wrongAdmin, "application/json", 401));
        String refusedValue = distinct("refused-secret-value");
        secrets.put("value of a refused Secret", refusedValue);
        read(
                "api-server 4xx on a bad Secret",
                send(
                        "POST",
                        api + "/api/v1/secrets",
                        "{\"metadata\":{\"name\":\"Not A Valid Name!\"},\"data\":{\"value\":\"" + refusedValue
                                + "\"}}"));
        read(
                "api-server 409 on a duplicate Secret",
                send(
                        "POST",
                        api + "/api/v1/secrets",
                        "{\"metadata\":{\"name\":\"app-pw\"},\"data\":{\"value\":\"" + refusedValue + "\"}}"));

        String audit = cluster.collector.baseUrl();
        System.out.printf(
                "secrets: %d access-log events indexed%n", allAccessLogs(true).size());
        read("audit-collector 401", get(audit + "/api/v1/accesslogs", wrongAdmin, "application/json", 401));
        List<QuarkusService> services =
                new ArrayList<>(List.of(cluster.apiServer, cluster.policyService, cluster.collector));
        services.addAll(cluster.nodes);
        for (QuarkusService s : services) {
            for (String path : new String[] {"/q/health", "/q/metrics"}) {
                read(name(s) + " " + path, get(s.baseUrl() + path, null, "*/*", 200));
            }
        }
        for (String[] args : List.of(
                new String[] {"get", "secrets", "-o", "yaml"},
                new String[] {"get", "services", "-o", "yaml"},
                new String[] {"get", "sessions", "-o", "yaml"},
                new String[] {"get", "users"},
                new String[] {"logs", "--since", "1h"},
                new String[] {"logs", "--since", "1h", "-o", "json"})) {
            read("CLI " + String.join(" ", args), cli.run("", args).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void readLogsAndFiles() throws Exception {
        List<QuarkusService> services =
                new ArrayList<>(List.of(cluster.apiServer, cluster.policyService, cluster.collector));
        services.addAll(cluster.nodes);
        for (QuarkusService s : services) {
            read(name(s) + " log", Files.readAllBytes(s.logFile()));
        }
        read("Kafka broker log", Files.readAllBytes(cluster.kafka.logFile()));
        read("upstream PostgreSQL log", Files.readAllBytes(cluster.upstream.logFile()));
        // data at rest: the audit trail in Kafka and in the collector's index, spools, api-server's store
        read("Kafka segments (decoded)", kafkaSegments());
        read("audit-collector data files", files(cluster.collector.directory(), cluster.collector.logFile()));
        read("api-server data files", files(cluster.apiServer.directory(), cluster.apiServer.logFile()));
        for (QuarkusService n : cluster.nodes) {
            read(name(n) + " spool files", files(n.directory(), n.logFile()));
        }
    }

    private void report() {
        long totalBytes = 0;
        long totalLines = 0;
        List<String> hits = new ArrayList<>();
        System.out.printf("%-55s %9s %11s %5s%n", "source", "lines", "bytes", "hits");
        for (Map.Entry<String, byte[]> source : sources.entrySet()) {
            byte[] data = source.getValue();
            long lines = count(data, (byte) '\n') + (data.length > 0 && data[data.length - 1] != '\n' ? 1 : 0);
            int sourceHits = 0;
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                int n = occurrences(data, secret.getValue().getBytes(StandardCharsets.UTF_8));
                if (n > 0) {
                    sourceHits += n;
                    hits.add(n + " x " + secret.getKey() + " in " + source.getKey());
                }
            }
            totalBytes += data.length;
            totalLines += lines;
            System.out.printf("%-55s %9d %11d %5d%n", source.getKey(), lines, data.length, sourceHits);
        }
        System.out.printf(
                "secrets: %d sources, %d lines, %d bytes scanned for %d secret values: %d hits%n",
                sources.size(), totalLines, totalBytes, secrets.size(), hits.size());

        // the canaries prove the search sees the audit trail and the proxy logs it claims to read
        assertTrue(
                occurrences(sources.get("audit-collector search (all events)"), canaryQuery) > 0,
                "canary query indexed");
        assertTrue(
                occurrences(sources.get("Kafka segments (decoded)"), canaryQuery) > 0,
                "canary query in Kafka's segments");
        assertTrue(
                occurrences(sources.get("audit-collector data files"), canaryQuery) > 0, "canary query in the index");
        assertTrue(
                cluster.nodes.stream()
                                .mapToInt(n -> occurrences(sources.get(name(n) + " log"), canaryUser))
                                .sum()
                        > 0,
                "the wrong-token attempt is logged with its user name");
        sources.forEach(
                (name, data) -> assertTrue(data.length > 0 || name.endsWith("spool files"), name + " is empty"));
        assertEquals(List.of(), hits, "secret values found");
    }

    // --- clients

    private record Run(int exit, String out, String err) {}

    private Run psql(String token, String user, String sql) throws Exception {
        Path out = Files.createTempFile("psql", ".out");
        Path err = Files.createTempFile("psql", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(
                            cluster.upstream.clientBinary("psql").toString(),
                            "-X",
                            "-tA",
                            "-v",
                            "ON_ERROR_STOP=1",
                            "-d",
                            "host=127.0.0.1 port=" + cluster.balancer.port() + " dbname=app"
                                    + " sslmode=require connect_timeout=10",
                            "-U",
                            user,
                            "-c",
                            sql)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("PGPASSWORD", token);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("psql did not finish");
            }
            return new Run(
                    p.exitValue(),
                    Files.readString(out).trim(),
                    Files.readString(err).trim());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Connection jdbc(String token) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "bob");
        p.setProperty("password", token);
        p.setProperty("sslmode", "require");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.balancer.port() + "/app", p);
    }

    /** bin/portcullis with the cluster's servers and admin token in its environment, no config file. */
    private final class Cli {
        private final Path work;

        Cli() throws IOException {
            work = Files.createTempDirectory("portcullis-cli-");
            Files.writeString(work.resolve("cli.properties"), "# empty on purpose\n");
        }

        String run(String stdin, String... args) throws Exception {
            List<String> cmd = new ArrayList<>(
                    List.of(ProjectLayout.root().resolve("bin/portcullis").toString()));
            cmd.addAll(List.of(args));
            Path in = Files.writeString(work.resolve("stdin"), stdin);
            Path out = work.resolve("out");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("PORTCULLIS_"));
            pb.environment()
                    .put("PORTCULLIS_CONFIG", work.resolve("cli.properties").toString());
            pb.environment().put("PORTCULLIS_SERVER", cluster.apiServer.baseUrl());
            pb.environment().put("PORTCULLIS_AUDIT_SERVER", cluster.collector.baseUrl());
            pb.environment().put("PORTCULLIS_TOKEN", Cluster.ADMIN);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("portcullis " + String.join(" ", args) + " did not finish");
            }
            String output = Files.readString(out);
            assertEquals(0, p.exitValue(), "portcullis " + String.join(" ", args) + ":\n" + output);
            return output;
        }
    }

    // --- HTTP

    /** The response, headers first, as read; its status checked. */
    private static byte[] get(String url, String token, String accept, int expected) throws Exception {
        return withHeaders(fetch(url, token, accept, expected));
    }

    private static HttpResponse<byte[]> fetch(String url, String token, String accept, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", accept);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(expected, r.statusCode(), url + ": " + new String(r.body(), StandardCharsets.UTF_8));
        return r;
    }

    private static byte[] send(String method, String url, String body) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + Cluster.ADMIN)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, url + ": " + r.statusCode());
        return withHeaders(r);
    }

    private static byte[] withHeaders(HttpResponse<byte[]> r) {
        byte[] headers = r.headers().map().toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[headers.length + 1 + r.body().length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        all[headers.length] = '\n';
        System.arraycopy(r.body(), 0, all, headers.length + 1, r.body().length);
        return all;
    }

    /** Every event the collector has, page by page; each page read as a response when asked. */
    private List<JsonNode> allAccessLogs(boolean record) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            String url = cluster.collector.baseUrl() + "/api/v1/accesslogs?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<byte[]> r = fetch(url, Cluster.ADMIN, "application/json", 200);
            if (record) {
                read("audit-collector search (all events)", withHeaders(r));
            }
            JsonNode page = JSON.readTree(r.body());
            page.get("items").forEach(all::add);
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    // --- reading and searching

    private byte[] read(String source, byte[] data) {
        sources.merge(source, data, (a, b) -> {
            byte[] both = new byte[a.length + b.length];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        });
        return data;
    }

    /**
     * The broker's log segments as Kafka's own DumpLogSegments decodes them (batches are
     * compressed, so the files themselves would hide any text): every record of every topic.
     */
    private byte[] kafkaSegments() throws Exception {
        List<String> segments;
        try (Stream<Path> walk = Files.walk(cluster.kafka.directory().resolve("data"))) {
            segments = walk.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
        assertTrue(segments.stream().anyMatch(f -> f.contains("portcullis.accesslogs-")), segments.toString());
        Path out = Files.createTempFile("kafka-dump", ".txt");
        try {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            dev.portcullis.testkit.KafkaBroker.libDirectory()
                                    .resolve("*")
                                    .toString(),
                            "kafka.tools.DumpLogSegments",
                            "--deep-iteration",
                            "--print-data-log",
                            "--files",
                            String.join(",", segments))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "DumpLogSegments did not finish");
            assertEquals(0, p.exitValue(), Files.readString(out));
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Every regular file under dir but the log (read on its own), concatenated. */
    private static byte[] files(Path dir, Path except) throws IOException {
        var all = new java.io.ByteArrayOutputStream();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile)
                    .filter(f -> !f.equals(except))
                    .sorted()
                    .toList()) {
                try {
                    all.write(Files.readAllBytes(f));
                    all.write('\n');
                } catch (IOException e) {
                    // a file removed while walking (a rolled segment): nothing to read
                }
            }
        }
        return all.toByteArray();
    }

    private static int occurrences(byte[] data, String needle) {
        return occurrences(data, needle.getBytes(StandardCharsets.UTF_8));
    }

    private static int occurrences(byte[] data, byte[] needle) {
        int n = 0;
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            n++;
        }
        return n;
    }

    private static long count(byte[] data, byte b) {
        long n = 0;
        for (byte x : data) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }

    private String name(QuarkusService s) {
        if (s == cluster.apiServer) {
            return "api-server";
        }
        if (s == cluster.policyService) {
            return "policy-service";
        }
        if (s == cluster.collector) {
            return "audit-collector";
        }
        return "proxy-node " + (cluster.nodes.indexOf(s) + 1);
    }

    // --- secret values and their derived forms

    static String distinct(String what) {
        StringBuilder b = new StringBuilder("leakprobe-" + what + "-");
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        for (int i = 0; i < 24; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String scramVerifier(String password, byte[] salt, int iterations) throws Exception {
        byte[] salted = pbkdf2(password, salt, iterations);
        return "SCRAM-SHA-256$" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(sha256(hmac(salted, "Client Key"))) + ":"
                + Base64.getEncoder().encodeToString(hmac(salted, "Server Key"));
    }

    private static String md5Password(String password, String user) throws Exception {
        return "md5"
                + HexFormat.of()
                        .formatHex(MessageDigest.getInstance("MD5")
                                .digest((password + user).getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) throws Exception {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                .getEncoded();
    }

    private static byte[] hmac(byte[] key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
