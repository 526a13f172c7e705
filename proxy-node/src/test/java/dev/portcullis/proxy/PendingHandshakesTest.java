package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 connections that never finish their startup, all held open at once, do not starve a
 * real client: pgjdbc still logs in over TLS and runs a query within a few seconds.
 *
 * <p>The startup timeout is raised to 60 s for this class (its own profile), so that all 10,000
 * are pending together while the real client connects; with the usual 2 s they would be cut
 * before the last one was opened. The flood runs as a separate process from 127.0.0.41
 * ({@link StartupFlood}); each process then needs about 10,000 file descriptors.
 */
@QuarkusTest
@TestProfile(PendingHandshakesTest.LongStartupTimeout.class)
@QuarkusTestResource(ProxyEnvironment.class)
class PendingHandshakesTest {
    private static final int FLOOD = 10_000;

    public static class LongStartupTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.timeouts.startup", "60s");
        }
    }

    @Test
    void tenThousandUnfinishedStartupsDoNotStarveARealClient() throws Exception {
        Clients.awaitListening("svc-scram");
        NettyLeaks.watch();
        long baseline = realClientMillis(); // also warms up pgjdbc and the upstream path
        Process flood = new ProcessBuilder(
                        javaBinary(),
                        "-Xmx96m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        classpath(),
                        StartupFlood.class.getName(),
                        "127.0.0.1",
                        Integer.toString(ProxyEnvironment.PORTS.get("svc-scram")),
                        "127.0.0.41",
                        Integer.toString(FLOOD))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader floodSays =
                    new BufferedReader(new InputStreamReader(flood.getInputStream(), StandardCharsets.UTF_8));
            String[] opened = line(floodSays, flood).split(" ");
            assertEquals("opened", opened[0]);
            assertEquals(FLOOD, Integer.parseInt(opened[1]));

            long underFlood = realClientMillis();

            OutputStream toFlood = flood.getOutputStream();
            toFlood.write("check\n".getBytes(StandardCharsets.UTF_8));
            toFlood.flush();
            String[] alive = line(floodSays, flood).split(" ");
            System.out.printf(
                    "pending handshakes: %d connections opened in %s ms, %s still pending after the real"
                            + " client; real client (TLS login + query) %d ms alone, %d ms under the flood%n",
                    FLOOD, opened[2], alive[1], baseline, underFlood);
            assertEquals(
                    FLOOD,
                    Integer.parseInt(alive[1]),
                    "the flood's connections were cut before the real client came: the test proved nothing");
            assertTrue(underFlood < 5_000, "the real client needed " + underFlood + " ms under the flood");
        } finally {
            flood.getOutputStream().close(); // the flood closes its connections and exits
            if (!flood.waitFor(30, TimeUnit.SECONDS)) {
                flood.destroyForcibly();
            }
        }
        NettyLeaks.assertNoneReported();
    }

    /** Milliseconds for pgjdbc to log in (TLS, access token, upstream SCRAM) and run a query. */
    private static long realClientMillis() throws Exception {
        long start = System.nanoTime();
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertTrue(rs.next());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String line(BufferedReader reader, Process process) throws Exception {
        String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return reader.readLine();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get(120, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("the flood process ended: exit " + process.waitFor());
        }
        return line;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Where StartupFlood's class file is: it needs nothing but the JDK. */
    private static String classpath() throws URISyntaxException {
        return Path.of(StartupFlood.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
    }
}
