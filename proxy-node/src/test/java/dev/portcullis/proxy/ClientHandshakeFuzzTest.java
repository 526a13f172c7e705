package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.pgwire.message.frontend.GSSENCRequest;
import dev.portcullis.pgwire.message.frontend.PasswordMessage;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the proxy's session handling before authentication, over real sockets against the
 * running node: random bytes, mutated startup sequences (lengths, codes, parameters, NULs,
 * truncation, splicing), SSLRequest and GSSENCRequest games, cancel requests, and mutated startup
 * and password messages inside real TLS.
 *
 * <p>Every input must end in a FATAL ErrorResponse (a proper SQLSTATE, never XX000) followed by
 * the close, or in a close alone, within the startup timeout (2 s here) plus a margin; the only
 * other allowed end is a proxy that has asked for the password and is waiting for the rest of it.
 * Nothing else may come back. Afterwards a real client still gets in, and Netty reports no leaked
 * buffer.
 *
 * <p>The clients come from 127.0.0.40, so that the failed-token limit they trip does not touch
 * the other tests' 127.0.0.1. {@code -Dportcullis.fuzz.seed=...} replays a run,
 * {@code -Dportcullis.fuzz.sessions=...} changes its size.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class ClientHandshakeFuzzTest {
    private static final int CASES = Integer.getInteger("portcullis.fuzz.sessions", 2_500);
    private static final long SEED = Long.getLong("portcullis.fuzz.seed", System.nanoTime());
    private static final String SOURCE = "127.0.0.40";
    /** portcullis.timeouts.startup in tests is 2 s; the rest is scheduling slack on a loaded machine. */
    private static final int VERDICT_WITHIN_MILLIS = 5_000;

    private static final int[] EDGE_INTS = {
        Integer.MIN_VALUE,
        -1,
        0,
        3,
        4,
        5,
        7,
        8,
        9,
        10_000,
        10_001,
        8_192,
        8_193,
        0xffff,
        1 << 30,
        Integer.MAX_VALUE,
        80877102,
        80877103,
        80877104,
        3 << 16,
        2 << 16,
        3 << 16 | 1
    };

    private enum Kind {
        RANDOM,
        MUTATED_STARTUP,
        VALID_STARTUP,
        CANCEL,
        SSL_THEN_PLAINTEXT,
        SSL_THEN_GARBAGE,
        TLS
    }

    /** One hostile connection: what to send (in pieces), over TLS or not, and whether to half-close after. */
    private record Case(int index, Kind kind, List<byte[]> pieces, boolean halfClose) {
        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            pieces.forEach(all::writeBytes);
            return all.toByteArray();
        }

        @Override
        public String toString() {
            return "case " + index + " (" + kind + (halfClose ? ", half-closed" : "") + ", seed " + SEED + "): "
                    + HexFormat.of().formatHex(bytes());
        }
    }

    @Test
    void hostileStartupsEndInAnErrorOrACloseAndTheProxyStillServes() throws Exception {
        Clients.awaitListening("svc-scram");
        NettyLeaks.watch();
        int port = ProxyEnvironment.PORTS.get("svc-scram");
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        long started = System.nanoTime();
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < CASES; i++) {
                Case c = generate(i, new Random(SEED * 31 + i));
                results.add(clients.submit(() -> {
                    String outcome = run(c, port);
                    outcomes.computeIfAbsent(c.kind() + " -> " + outcome, k -> new LongAdder())
                            .increment();
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            clients.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        StringBuilder summary = new StringBuilder();
        new TreeMap<>(outcomes).forEach((k, v) -> summary.append(String.format("  %6d  %s%n", v.sum(), k)));
        System.out.printf(
                "session fuzzing: %d hostile connections in %d ms (seed %d)%n%s", CASES, millis, SEED, summary);
        assertTrue(
                outcomes.keySet().stream()
                        .anyMatch(k -> k.startsWith("TLS -> E 28P01") || k.startsWith("TLS -> E 08004")),
                "no fuzzed password ever reached policy-service: " + outcomes.keySet());

        long before = System.nanoTime();
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                ResultSet rs = c.createStatement().executeQuery("select 42")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
        System.out.printf(
                "session fuzzing: a real client then connected and queried in %d ms%n",
                (System.nanoTime() - before) / 1_000_000);
        NettyLeaks.assertNoneReported();
    }

    // ---------------------------------------------------------------- one connection

    /** Sends the case and checks the proxy's answer; returns a label of how it ended. */
    private static String run(Case c, int port) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(SOURCE, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(VERDICT_WITHIN_MILLIS);
            if (c.kind() == Kind.TLS) {
                return runTls(c, socket);
            }
            OutputStream out = socket.getOutputStream();
            try {
                for (byte[] piece : c.pieces()) {
                    out.write(piece);
                    out.flush();
                }
                if (c.halfClose()) {
                    socket.shutdownOutput();
                }
            } catch (IOException refusedMidway) {
                // the proxy may refuse and close before all bytes are written: its answer is still there
            }
            return verdict(c, read(c, socket.getInputStream(), socket, false), true);
        } catch (IOException e) {
            throw new AssertionError(c + ": " + e, e);
        }
    }

    private static String runTls(Case c, Socket socket) throws IOException {
        socket.getOutputStream().write(bytes(SSLRequest.INSTANCE));
        int answer = socket.getInputStream().read();
        if (answer != 'S') {
            throw new AssertionError(c + ": SSLRequest answered " + answer);
        }
        SSLSocket tls;
        try {
            tls = (SSLSocket)
                    RawClient.trustAll().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
            tls.startHandshake();
        } catch (Exception e) {
            throw new AssertionError(c + ": TLS handshake failed: " + e, e);
        }
        try {
            for (byte[] piece : c.pieces()) {
                tls.getOutputStream().write(piece);
                tls.getOutputStream().flush();
            }
        } catch (IOException refusedMidway) {
            // as in plaintext: the answer may already be on its way
        }
        return verdict(c, read(c, tls.getInputStream(), socket, true), false);
    }

    /** What came back before the close, or before the proxy fell silent while owed a password. */
    private record Answer(byte[] bytes, boolean closed, long millis) {}

    private static Answer read(Case c, InputStream in, Socket socket, boolean tls) throws IOException {
        long start = System.nanoTime();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException silent) {
                return new Answer(got.toByteArray(), false, (System.nanoTime() - start) / 1_000_000);
            } catch (SSLException | java.net.SocketException reset) {
                // a TLS alert or a reset after the proxy closed: a close
                return new Answer(got.toByteArray(), true, (System.nanoTime() - start) / 1_000_000);
            }
            if (n < 0) {
                return new Answer(got.toByteArray(), true, (System.nanoTime() - start) / 1_000_000);
            }
            got.write(buffer, 0, n);
            if (tls && awaitingPassword(got.toByteArray())) {
                // the proxy asked for the password; its answer to what was sent comes within the
                // policy timeout, or it is waiting for the rest of a password message
                socket.setSoTimeout(3_000);
            }
        }
    }

    /**
     * Parses the answer: at most single-byte replies to encryption requests, then backend messages
     * of the startup phase only, ending in a FATAL ErrorResponse and the close; or a close alone.
     */
    private static String verdict(Case c, Answer answer, boolean plaintext) {
        byte[] b = answer.bytes();
        int at = 0;
        String end = null;
        boolean passwordRequested = false;
        while (at < b.length) {
            if (end != null) {
                throw new AssertionError(c + ": bytes after the FATAL ErrorResponse: " + hex(b));
            }
            byte tag = b[at];
            if (plaintext && tag == 'S' && passwordRequested == false) {
                // TLS accepted: what follows is TLS (an alert at most), not the PostgreSQL protocol
                end = "S then TLS";
                at = b.length;
                break;
            }
            if (plaintext && tag == 'N' && (at + 5 > b.length || b[at + 1] != 0)) {
                at++; // GSSENCRequest declined
                continue;
            }
            if (at + 5 > b.length) {
                throw new AssertionError(c + ": truncated message in the answer: " + hex(b));
            }
            int length =
                    (b[at + 1] & 0xff) << 24 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 8 | b[at + 4] & 0xff;
            if (length < 4 || at + 1 + length > b.length) {
                throw new AssertionError(c + ": malformed message in the answer: " + hex(b));
            }
            byte[] body = Arrays.copyOfRange(b, at + 5, at + 1 + length);
            at += 1 + length;
            switch (tag) {
                case 'E' -> end = "E " + checkFatal(c, body);
                case 'R' -> passwordRequested = body.length == 4 && body[3] == 3;
                case 'v' -> {
                    // NegotiateProtocolVersion for a newer 3.x minor version or _pq_ options
                }
                default ->
                    throw new AssertionError(c + ": unexpected '" + (char) tag + "' before authentication: " + hex(b));
            }
        }
        if (!answer.closed()) {
            if (passwordRequested && end == null) {
                return "awaiting the rest of the password";
            }
            throw new AssertionError(c + ": no close within " + answer.millis() + " ms; answer: " + hex(b));
        }
        return end == null ? (passwordRequested ? "password requested, then close" : "close") : end;
    }

    private static String checkFatal(Case c, byte[] body) {
        String severity = null;
        String code = null;
        String message = null;
        for (String field : new String(body, StandardCharsets.UTF_8).split("\0")) {
            if (field.isEmpty()) {
                continue;
            }
            switch (field.charAt(0)) {
                case 'V' -> severity = field.substring(1);
                case 'C' -> code = field.substring(1);
                case 'M' -> message = field.substring(1);
                default -> {}
            }
        }
        if (!"FATAL".equals(severity)
                || code == null
                || code.length() != 5
                || code.equals("XX000")
                || message == null
                || message.isBlank()) {
            throw new AssertionError(c + ": not a proper FATAL error: " + new String(body, StandardCharsets.UTF_8));
        }
        return code;
    }

    private static boolean awaitingPassword(byte[] answer) {
        for (int at = 0; at + 9 <= answer.length; ) {
            int length = (answer[at + 1] & 0xff) << 24
                    | (answer[at + 2] & 0xff) << 16
                    | (answer[at + 3] & 0xff) << 8
                    | answer[at + 4] & 0xff;
            if (answer[at] == 'R' && length == 8 && answer[at + 8] == 3) {
                return true;
            }
            if (length < 4) {
                return false;
            }
            at += 1 + length;
        }
        return false;
    }

    // ---------------------------------------------------------------- inputs

    private static Case generate(int index, Random r) {
        int roll = r.nextInt(100);
        Kind kind = roll < 20
                ? Kind.RANDOM
                : roll < 55
                        ? Kind.MUTATED_STARTUP
                        : roll < 60
                                ? Kind.VALID_STARTUP
                                : roll < 65
                                        ? Kind.CANCEL
                                        : roll < 72
                                                ? Kind.SSL_THEN_PLAINTEXT
                                                : roll < 80 ? Kind.SSL_THEN_GARBAGE : Kind.TLS;
        byte[] data = switch (kind) {
            case RANDOM -> randomBytes(r, 1 + r.nextInt(300));
            case MUTATED_STARTUP ->
                mutate(
                        r,
                        concat(
                                r.nextInt(4) == 0 ? bytes(GSSENCRequest.INSTANCE) : new byte[0],
                                bytes(startup(r)),
                                r.nextBoolean() ? taggedMessages(r) : new byte[0]),
                        1 + r.nextInt(4));
            case VALID_STARTUP -> bytes(startup(r));
            case CANCEL -> {
                byte[] cancel = bytes(new CancelRequest(r.nextInt(), randomBytes(r, 4 + r.nextInt(253))));
                yield r.nextBoolean() ? cancel : mutate(r, cancel, 1);
            }
            // plaintext pipelined behind an SSLRequest (CVE-2021-23214): refused
            case SSL_THEN_PLAINTEXT -> concat(bytes(SSLRequest.INSTANCE), bytes(startup(r)));
            // 'S', then bytes that are no TLS ClientHello
            case SSL_THEN_GARBAGE -> concat(bytes(SSLRequest.INSTANCE), randomBytes(r, 1 + r.nextInt(200)));
            // inside TLS: a startup (valid or not), then password-phase traffic, mutated or not
            case TLS -> {
                byte[] inside = concat(bytes(startup(r)), passwordPhase(r));
                yield r.nextInt(3) == 0 ? inside : mutate(r, inside, 1 + r.nextInt(3));
            }
        };
        boolean halfClose = kind != Kind.TLS && kind != Kind.SSL_THEN_GARBAGE && r.nextInt(10) != 0;
        return new Case(index, kind, split(r, data, kind == Kind.SSL_THEN_GARBAGE ? 8 : 0), halfClose);
    }

    private static StartupMessage startup(Random r) {
        Map<String, String> p = new LinkedHashMap<>();
        String[] users = {"alice", "eve", "", "nobody", "alice\u00e9", "a".repeat(200)};
        if (r.nextInt(8) != 0) {
            p.put("user", users[r.nextInt(users.length)]);
        }
        if (r.nextBoolean()) {
            p.put("database", r.nextBoolean() ? "app" : text(r, 20));
        }
        String[] others = {
            "application_name", "options", "replication", "client_encoding", "_pq_.x", "DateStyle", "host", "password"
        };
        for (int i = r.nextInt(4); i > 0; i--) {
            p.putIfAbsent(r.nextInt(3) == 0 ? text(r, 12) + "x" : others[r.nextInt(others.length)], text(r, 40));
        }
        int[] versions = {3 << 16, 3 << 16, 3 << 16, 3 << 16 | 1, 3 << 16 | 2, 2 << 16, r.nextInt()};
        int version = versions[r.nextInt(versions.length)];
        if (version == 80877102 || version == 80877103 || version == 80877104) {
            version = 3 << 16;
        }
        return new StartupMessage(version, p);
    }

    /** What a client sends after AuthenticationCleartextPassword: a token, or not quite. */
    private static byte[] passwordPhase(Random r) {
        return switch (r.nextInt(6)) {
            case 0, 1 -> bytes(new PasswordMessage("pct_" + text(r, 60)));
            case 2 -> bytes(new Query("select 1"));
            case 3 -> bytes(SSLRequest.INSTANCE);
            case 4 -> new byte[] {'p', 0, 0, 0x7f, (byte) 0xff}; // a 32 KiB "password": over the pre-auth cap
            default -> taggedMessages(r);
        };
    }

    private static byte[] taggedMessages(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] tags = "BCdcfDEHFPpQSX".getBytes(StandardCharsets.US_ASCII);
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            byte[] body = randomBytes(r, r.nextInt(40));
            out.write(r.nextInt(8) == 0 ? r.nextInt(256) : tags[r.nextInt(tags.length)]);
            out.writeBytes(int32(body.length + 4));
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** Structure-aware corruption: edge lengths and codes, flipped bits, NULs removed, cuts and splices. */
    private static byte[] mutate(Random r, byte[] in, int times) {
        byte[] b = in;
        for (int i = 0; i < times && b.length > 0; i++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> {
                    if (b.length >= 4) {
                        // a length or code field: the startup's own at 0, or anywhere
                        int where = r.nextBoolean() ? 0 : r.nextInt(b.length - 3);
                        System.arraycopy(int32(EDGE_INTS[r.nextInt(EDGE_INTS.length)]), 0, b, where, 4);
                    }
                }
                case 2 -> b = Arrays.copyOf(b, at); // truncated
                case 3 ->
                    b = concat(
                            Arrays.copyOf(b, at),
                            randomBytes(r, 1 + r.nextInt(16)),
                            Arrays.copyOfRange(b, at, b.length));
                case 4 ->
                    b = concat(
                            Arrays.copyOf(b, at),
                            Arrays.copyOfRange(b, Math.min(b.length, at + 1 + r.nextInt(16)), b.length));
                case 5 -> {
                    for (int k = at; k < b.length; k++) {
                        if (b[k] == 0) {
                            b[k] = 'x'; // a string that runs into the next field
                            break;
                        }
                    }
                }
                default -> b = concat(b, Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + r.nextInt(64))));
            }
        }
        return b;
    }

    /** The bytes cut into 1 to 4 writes; {@code firstPiece} > 0 makes the first piece exactly that long. */
    private static List<byte[]> split(Random r, byte[] data, int firstPiece) {
        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        if (firstPiece > 0 && data.length > firstPiece) {
            pieces.add(Arrays.copyOf(data, firstPiece));
            at = firstPiece;
        }
        for (int left = 1 + r.nextInt(4); at < data.length; left--) {
            int n = left <= 1 ? data.length - at : 1 + r.nextInt(data.length - at);
            pieces.add(Arrays.copyOfRange(data, at, at + n));
            at += n;
        }
        if (pieces.isEmpty()) {
            pieces.add(data);
        }
        return pieces;
    }

    private static String text(Random r, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            int c = r.nextInt(10) == 0 ? 0xa0 + r.nextInt(0x2000) : 0x20 + r.nextInt(0x5f);
            s.append((char) c);
        }
        return s.toString();
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(PgMessage m) {
        ByteBuf b = Unpooled.buffer();
        try {
            m.encode(b);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, Math.min(b.length, 600));
    }
}
