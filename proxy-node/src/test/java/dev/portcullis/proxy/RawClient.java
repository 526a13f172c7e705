package dev.portcullis.proxy;

import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.message.backend.DataRow;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.message.frontend.PasswordMessage;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.message.frontend.Terminate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A PostgreSQL client that sends whatever StartupMessage it is given (no driver lets a caller
 * choose every parameter): TLS, the access token as the password, then simple queries. Messages
 * are pgwire's own encoders and decoders.
 */
final class RawClient implements AutoCloseable {
    /** A query's rows (text), or the error that ended it ("SQLSTATE: message"). */
    record Result(List<List<String>> rows, String error) {
        String single() {
            if (error != null || rows.size() != 1 || rows.get(0).size() != 1) {
                throw new AssertionError("expected one value, got " + this);
            }
            return rows.get(0).get(0);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** Bytes and messages exchanged since the login ended (what the relay counts), each way. */
    long bytesSent;

    long bytesReceived;
    long messagesSent;
    long messagesReceived;
    /** Why the server ended the login ("SQLSTATE: message"), or null when the session is ready. */
    final String refusal;

    private RawClient(Socket socket, DataInputStream in, OutputStream out, String refusal) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.refusal = refusal;
    }

    static RawClient connect(int port, Map<String, String> startup, String token) throws Exception {
        Socket plain = new Socket("127.0.0.1", port);
        plain.setSoTimeout(15_000);
        plain.getOutputStream().write(bytes(SSLRequest.INSTANCE));
        if (plain.getInputStream().read() != 'S') {
            throw new AssertionError("no TLS");
        }
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        return login(tls, startup, token);
    }

    /**
     * PostgreSQL 17's {@code sslnegotiation=direct}: the TLS handshake at once, no SSLRequest, offering
     * these ALPN protocols (none given: no ALPN extension at all).
     */
    static RawClient connectDirect(int port, Map<String, String> startup, String token, String... alpn)
            throws Exception {
        return login(directTls(port, alpn), startup, token);
    }

    /** A completed direct TLS handshake, nothing sent inside it yet. */
    static SSLSocket directTls(int port, String... alpn) throws Exception {
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port);
        tls.setSoTimeout(15_000);
        if (alpn.length > 0) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(alpn);
            tls.setSSLParameters(parameters);
        }
        tls.startHandshake();
        return tls;
    }

    /** The ALPN protocol the server chose ("" when none was negotiated). */
    String applicationProtocol() {
        return ((SSLSocket) socket).getApplicationProtocol();
    }

    /** Reads the one message the server sends unasked, which must be an ErrorResponse: "SQLSTATE: message". */
    static String unaskedError(SSLSocket tls) throws IOException {
        DataInputStream in = new DataInputStream(tls.getInputStream());
        byte tag = in.readByte();
        byte[] body = readBody(in);
        if (tag != 'E') {
            throw new AssertionError("expected an ErrorResponse, got '" + (char) tag + "'");
        }
        return error(body);
    }

    private static RawClient login(SSLSocket tls, Map<String, String> startup, String token) throws Exception {
        DataInputStream in = new DataInputStream(tls.getInputStream());
        OutputStream out = tls.getOutputStream();
        out.write(bytes(StartupMessage.of(startup)));
        while (true) {
            byte tag = in.readByte();
            byte[] body = readBody(in);
            switch (tag) {
                case 'R' -> {
                    int code = Unpooled.wrappedBuffer(body).readInt();
                    if (code == 3) {
                        out.write(bytes(new PasswordMessage(token)));
                    }
                }
                case 'E' -> {
                    return new RawClient(tls, in, out, error(body));
                }
                case 'Z' -> {
                    return new RawClient(tls, in, out, null);
                }
                default -> {
                    // ParameterStatus, BackendKeyData, NegotiateProtocolVersion, notices
                }
            }
        }
    }

    /** Sends these messages as they are, in one write (a pipeline). */
    void send(PgMessage... messages) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (PgMessage m : messages) {
            all.writeBytes(bytes(m));
            messagesSent++;
        }
        bytesSent += all.size();
        out.write(all.toByteArray());
    }

    /** Reads messages up to and including one tagged {@code until}; returns the tags read, in order. */
    String readUntil(char until) throws IOException {
        StringBuilder tags = new StringBuilder();
        while (true) {
            byte tag = readTag();
            body(in);
            tags.append((char) tag);
            if (tag == until) {
                return tags.toString();
            }
        }
    }

    /** The port this client connects from. */
    int localPort() {
        return socket.getLocalPort();
    }

    private byte readTag() throws IOException {
        byte tag = in.readByte();
        messagesReceived++;
        bytesReceived++;
        return tag;
    }

    Result query(String sql) throws IOException {
        send(new Query(sql));
        List<List<String>> rows = new ArrayList<>();
        String error = null;
        while (true) {
            byte tag = readTag();
            byte[] body = body(in);
            if (tag == 'D') {
                List<String> row = new ArrayList<>();
                for (byte[] v : DataRow.decode(Unpooled.wrappedBuffer(body)).values()) {
                    row.add(v == null ? null : new String(v, StandardCharsets.UTF_8));
                }
                rows.add(row);
            } else if (tag == 'E') {
                error = error(body);
            } else if (tag == 'Z') {
                return new Result(rows, error);
            }
        }
    }

    /** Sends bytes as they are: for what no message encoder would write. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** Reads one message's tag and length (the length counts itself), not its body. */
    int[] readHeader() throws IOException {
        byte tag = readTag();
        return new int[] {tag, in.readInt()};
    }

    /** Skips the body of a message whose header {@link #readHeader} read. */
    void skipBody(int[] header) throws IOException {
        in.readFully(new byte[header[1] - 4]);
    }

    /**
     * Reads every message up to the end of the stream; each is its tag, an ErrorResponse its
     * "E SQLSTATE: message". A stream cut inside a message throws (EOFException).
     */
    List<String> readToEnd() throws IOException {
        List<String> messages = new ArrayList<>();
        while (true) {
            int first = in.read();
            if (first < 0) {
                return messages;
            }
            byte[] body = readBody(in);
            messages.add(first == 'E' ? "E " + error(body) : String.valueOf((char) first));
        }
    }

    /** Goes away without a word (no Terminate), as a killed client or a dropped network does. */
    void vanish() throws IOException {
        socket.close();
    }

    @Override
    public void close() throws IOException {
        if (socket.isClosed()) {
            return;
        }
        try {
            if (refusal == null) {
                send(Terminate.INSTANCE);
            }
        } finally {
            socket.close();
        }
    }

    private byte[] body(DataInputStream in) throws IOException {
        byte[] body = readBody(in);
        bytesReceived += 4 + body.length;
        return body;
    }

    private static byte[] readBody(DataInputStream in) throws IOException {
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        return body;
    }

    private static String error(byte[] body) {
        ErrorResponse e = ErrorResponse.decode(Unpooled.wrappedBuffer(body));
        return e.sqlState().code() + ": " + e.message();
    }

    private static byte[] bytes(PgMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.encode(b);
        return ByteBufUtil.getBytes(b);
    }

    /** TLS that trusts the proxy's (self-signed) certificate: what is tested here is not the certificate. */
    static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        public void checkClientTrusted(X509Certificate[] c, String a) {}

                        public void checkServerTrusted(X509Certificate[] c, String a) {}

                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        return ctx;
    }
}
