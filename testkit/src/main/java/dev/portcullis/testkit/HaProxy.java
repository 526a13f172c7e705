package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real TCP load balancer (HAProxy, from the Debian package that deploy/install-deps.sh
 * installs) in round-robin over the given backends, as a user would put before proxy nodes:
 * TCP health checks every second (a backend is out after two failed checks, as
 * deploy/local/up.sh does with {@code check}), and a connection that a dead backend refuses is
 * retried on another one ({@code option redispatch}), so clients reconnect through it when a
 * node dies.
 */
public final class HaProxy implements AutoCloseable {
    private final Path directory;
    private final Path logFile;
    private final int port;
    private final Runnable reaper = this::kill;
    private Process process;

    private HaProxy(List<InetSocketAddress> backends, String proxySource) {
        this.port = Ports.freePort();
        try {
            directory = Files.createTempDirectory("portcullis-haproxy-");
            logFile = directory.resolve("haproxy.log");
            StringBuilder cfg = new StringBuilder("""
                    global
                      maxconn 4096
                    defaults
                      mode tcp
                      timeout connect 5s
                      timeout client 1h
                      timeout server 1h
                      retries 3
                      option redispatch 1
                    frontend portcullis
                      bind 127.0.0.1:%d
                      default_backend nodes
                    backend nodes
                      balance roundrobin
                    """.formatted(port));
            if (proxySource != null) {
                // connect to the backends from this address, and tell them who the client is
                cfg.append("  source ").append(proxySource).append('\n');
            }
            for (int i = 0; i < backends.size(); i++) {
                InetSocketAddress b = backends.get(i);
                cfg.append("  server node")
                        .append(i + 1)
                        .append(' ')
                        .append(b.getHostString())
                        .append(':')
                        .append(b.getPort())
                        .append(" check inter 1s fall 2 rise 2")
                        .append(proxySource != null ? " send-proxy-v2\n" : "\n");
            }
            Files.writeString(directory.resolve("haproxy.cfg"), cfg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts HAProxy in front of the backends, round-robin, and waits until it listens. */
    public static HaProxy roundRobin(List<InetSocketAddress> backends) {
        HaProxy h = new HaProxy(backends, null);
        h.start();
        return h;
    }

    /**
     * Round-robin as {@link #roundRobin}, connecting to the backends from {@code source} (a
     * loopback address such as 127.0.0.3, so that backends can tell the balancer from clients on
     * 127.0.0.1) and sending each the PROXY protocol v2 header that names the real client, as
     * deploy/local/up.sh does.
     */
    public static HaProxy roundRobinWithProxyProtocol(List<InetSocketAddress> backends, String source) {
        HaProxy h = new HaProxy(backends, source);
        h.start();
        return h;
    }

    public static Path binary() {
        for (String candidate : new String[] {"/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException(
                "HAProxy is not installed; run deploy/install-deps.sh (Debian package haproxy)");
    }

    public int port() {
        return port;
    }

    public synchronized void start() {
        ProcessReaper.register(reaper);
        process = Commands.start(
                List.of(
                        binary().toString(),
                        "-db",
                        "-f",
                        directory.resolve("haproxy.cfg").toString()),
                directory,
                logFile);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited: " + FileUtil.tail(logFile, 20));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        kill();
        throw new IllegalStateException("haproxy did not listen within 10 s: " + FileUtil.tail(logFile, 20));
    }

    private void kill() {
        Process p = process;
        if (p != null) {
            ProcessReaper.killTree(p.toHandle());
        }
    }

    @Override
    public synchronized void close() {
        kill();
        ProcessReaper.unregister(reaper);
        FileUtil.deleteUnlessKept(directory);
    }
}
