package dev.portcullis.proxy;

import dev.portcullis.pgwire.message.PgMessage;
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
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * A logged-in session on the wire, message by message, for what a driver hides: pipelines of
 * extended-protocol messages sent in one write, every backend message they produce, the FATAL
 * a server sends on its own, and the BackendKeyData the client was given.
 */
final class WireSession implements AutoCloseable {
    /** One backend message: its tag and its body. */
    record Message(char tag, byte[] body) {
        /** An ErrorResponse as "SQLSTATE: message"; null for any other message. */
        String error() {
            if (tag != 'E') {
                return null;
            }
            ErrorResponse e = ErrorResponse.decode(Unpooled.wrappedBuffer(body));
            return e.sqlState().code() + ": " + e.message();
        }

        /** A ReadyForQuery's transaction status: 'I', 'T' or 'E'. */
        char status() {
            if (tag != 'Z') {
                throw new AssertionError("not a ReadyForQuery: " + tag);
            }
            return (char) body[0];
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** The BackendKeyData the client was given. */
    final int processId;

    final int secretKey;

    private WireSession(Socket socket, DataInputStream in, OutputStream out, int processId, int secretKey) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.processId = processId;
        this.secretKey = secretKey;
    }

    /** TLS, a StartupMessage, the token as the password; fails unless the session becomes ready. */
    static WireSession login(String service, String user) throws Exception {
        int port = ProxyEnvironment.PORTS.get(service);
        Socket plain = new Socket("127.0.0.1", port);
        plain.setSoTimeout(15_000);
        plain.getOutputStream().write(bytes(SSLRequest.INSTANCE));
        if (plain.getInputStream().read() != 'S') {
            plain.close();
            throw new AssertionError("no TLS");
        }
        SSLSocket tls =
                (SSLSocket) RawClient.trustAll().getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        DataInputStream in = new DataInputStream(tls.getInputStream());
        OutputStream out = tls.getOutputStream();
        out.write(bytes(StartupMessage.of(Map.of("user", "whoever", "database", "whatever"))));
        int processId = 0;
        int secretKey = 0;
        while (true) {
            char tag = (char) in.readByte();
            byte[] body = body(in);
            switch (tag) {
                case 'R' -> {
                    if (Unpooled.wrappedBuffer(body).readInt() == 3) {
                        out.write(bytes(new PasswordMessage(Clients.token(user))));
                    }
                }
                case 'K' -> {
                    ByteBuf key = Unpooled.wrappedBuffer(body);
                    processId = key.readInt();
                    secretKey = key.readInt();
                }
                case 'E' -> {
                    tls.close();
                    throw new AssertionError("login refused: " + new Message(tag, body).error());
                }
                case 'Z' -> {
                    return new WireSession(tls, in, out, processId, secretKey);
                }
                default -> {
                    // ParameterStatus, notices
                }
            }
        }
    }

    /** Sends the messages in one write, as a pipelining client does. */
    void send(PgMessage... messages) throws IOException {
        ByteBuf b = Unpooled.buffer();
        for (PgMessage m : messages) {
            m.encode(b);
        }
        out.write(ByteBufUtil.getBytes(b));
        out.flush();
    }

    /** Writes these bytes as they are, with a flush: one piece of a message split by the test. */
    void sendRaw(byte[] bytes, int from, int to) throws IOException {
        out.write(bytes, from, to - from);
        out.flush();
    }

    /** Every message up to and including the next ReadyForQuery. */
    List<Message> untilReady() throws IOException {
        List<Message> messages = new ArrayList<>();
        while (true) {
            Message m = next();
            messages.add(m);
            if (m.tag() == 'Z') {
                return messages;
            }
        }
    }

    /** A simple query's messages, up to and including its ReadyForQuery. */
    List<Message> query(String sql) throws IOException {
        send(new Query(sql));
        return untilReady();
    }

    /**
     * Waits (up to 15 s) for the server's next ErrorResponse, skipping other messages, and
     * returns it as "SQLSTATE: message". Fails if the server closes without one.
     */
    String nextError() throws IOException {
        while (true) {
            Message m;
            try {
                m = next();
            } catch (EOFException e) {
                throw new AssertionError("the server closed the connection without an ErrorResponse", e);
            }
            if (m.tag() == 'E') {
                return m.error();
            }
        }
    }

    /** True once the server has closed the connection: nothing more comes. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }

    Message next() throws IOException {
        char tag = (char) in.readByte();
        return new Message(tag, body(in));
    }

    @Override
    public void close() throws IOException {
        try {
            if (!socket.isClosed()) {
                out.write(bytes(Terminate.INSTANCE));
            }
        } catch (IOException e) {
            // the server closed first
        } finally {
            socket.close();
        }
    }

    private static byte[] body(DataInputStream in) throws IOException {
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        return body;
    }

    private static byte[] bytes(PgMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.encode(b);
        return ByteBufUtil.getBytes(b);
    }
}
