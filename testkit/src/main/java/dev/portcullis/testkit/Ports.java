package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports on 127.0.0.1 for servers started by tests. */
public final class Ports {

    /**
     * Ports already handed out in this JVM. The probe socket is closed before the caller binds
     * the port, so two callers asking at the same moment could otherwise get the same number.
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {}

    /**
     * A port that was free on 127.0.0.1 a moment ago and has not been returned by this method
     * before in this JVM. Another process can still take it before the caller binds it; servers
     * started by this kit retry with a new port when that happens.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free TCP port found on 127.0.0.1");
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe for a free port", e);
        }
    }
}
