package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AuditClientTest {

    @Test
    void queryParametersAreEncodedAndRepeated() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("user", List.of("alice", "bob"));
        p.put("text", List.of("drop table & 100%"));
        assertEquals("?user=alice&user=bob&text=drop%20table%20%26%20100%25", AuditClient.query(p));
        assertEquals("", AuditClient.query(Map.of()));
    }

    /** A collector that vanished without closing the connection: the silence ends the read. */
    @Test
    void aSilentStreamIsGivenUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    OutputStream out = s.getOutputStream();
                    out.write(
                            ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            + chunk(":subscribed\n\nevent: accesslog\ndata: {\"a\":1}\n\n"))
                                    .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    release.await(); // and then nothing, with the connection open
                } catch (IOException | InterruptedException ignored) {
                    // test over
                }
            });
            t.setDaemon(true);
            t.start();
            AuditClient client = new AuditClient(
                    URI.create("http://127.0.0.1:" + server.getLocalPort()), "t", null, Duration.ofMillis(500));
            List<String> got = new ArrayList<>();
            AuditClient.StreamEnded ended = assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> assertThrows(
                            AuditClient.StreamEnded.class, () -> client.stream(Map.of(), () -> {}, got::add)));
            assertTrue(ended.getMessage().startsWith("no data or heartbeat"), ended.getMessage());
            assertEquals(List.of("{\"a\":1}"), got);
            assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt is cleared");
            release.countDown();
        }
    }

    private static String chunk(String s) {
        return Integer.toHexString(s.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + s + "\r\n";
    }
}
