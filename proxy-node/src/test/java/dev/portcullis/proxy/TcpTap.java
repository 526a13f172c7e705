package dev.portcullis.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a real server that notes how each connection began (its first 8
 * bytes, in hex): to see what went over the network, e.g. whether a CancelRequest was sent in
 * clear or after an SSLRequest. Bytes pass unchanged both ways.
 */
final class TcpTap implements AutoCloseable {
    /** The first 8 bytes of an SSLRequest: length 8, code 80877103. */
    static final String SSL_REQUEST = "0000000804d2162f";
    /** The first 8 bytes of a CancelRequest: length 16, code 80877102. */
    static final String CANCEL_REQUEST = "0000001004d2162e";

    private final ServerSocket server;
    private final int targetPort;
    private final List<String> openings = new CopyOnWriteArrayList<>();

    TcpTap(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "tcp-tap");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** How each connection so far began, in the order they were accepted. */
    List<String> openings() {
        return List.copyOf(openings);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                int index = openings.size();
                openings.add("");
                pump(client, upstream, index);
                pump(upstream, client, -1);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, int noteAt) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16384];
                    StringBuilder first = new StringBuilder();
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            if (noteAt >= 0 && first.length() < 16) {
                                first.append(HexFormat.of().formatHex(buf, 0, Math.min(n, (16 - first.length()) / 2)));
                                openings.set(noteAt, first.toString());
                            }
                            out.write(buf, 0, n);
                        }
                    } catch (IOException e) {
                        // one side closed: the other follows
                    } finally {
                        try {
                            from.close();
                            to.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                },
                "tcp-tap-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
