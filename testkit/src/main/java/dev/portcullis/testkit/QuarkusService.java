package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of Portcullis' own services (api-server, policy-service, ...) run as a real process from
 * its packaged app ({@code <module>/target/quarkus-app/quarkus-run.jar}), exactly as the
 * README starts it, on a free port, ready once {@code /q/health/ready} answers 200.
 */
public final class QuarkusService implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final Map<String, String> properties;
    private final Duration startTimeout;
    private final int port;
    private final Path directory;
    private final Path logFile;
    private final Runnable reaper = this::reap;
    private Process process;

    private QuarkusService(Builder b) {
        this.module = b.module;
        this.properties = Map.copyOf(b.properties);
        this.startTimeout = b.startTimeout;
        this.port = b.port > 0 ? b.port : Ports.freePort();
        try {
            this.directory = Files.createTempDirectory("portcullis-" + module + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.logFile = directory.resolve(module + ".log");
    }

    public static Builder builder(String module) {
        return new Builder(module);
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A folder of its own, also its working directory: a good place for its data. */
    public Path directory() {
        return directory;
    }

    public Path logFile() {
        return logFile;
    }

    public String log() {
        return FileUtil.readFrom(logFile, 0);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id while it runs (e.g. to freeze it with SIGSTOP, or find its sockets). */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(module + " is not running");
        }
        return process.pid();
    }

    /** Starts (or restarts, on the same port) and waits until ready. */
    public synchronized QuarkusService start() {
        if (isRunning()) {
            return this;
        }
        Path jar = ProjectLayout.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it first, from the project root: mvn -pl "
                    + module + " -am package -DskipTests");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        ProcessReaper.register(reaper);
        process = Commands.start(command, directory, logFile);
        awaitReady();
        return this;
    }

    /** SIGTERM (Quarkus shuts down gracefully), then a kill after 10 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                ProcessReaper.killTree(process.toHandle());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessReaper.killTree(process.toHandle());
        }
        process = null;
        ProcessReaper.unregister(reaper);
    }

    /**
     * SIGKILL, as in a crash: no shutdown hooks, no goodbye to clients; returns once the process
     * is gone. {@link #start()} starts it again on the same port and folder.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        ProcessReaper.killTree(process.toHandle());
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        ProcessReaper.unregister(reaper);
    }

    @Override
    public synchronized void close() {
        stop();
        FileUtil.deleteUnlessKept(directory);
    }

    private void reap() {
        Process p = process;
        if (p != null) {
            ProcessReaper.killTree(p.toHandle());
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(startTimeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with code " + process.exitValue() + " during start:\n"
                        + FileUtil.tail(logFile, 40));
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + module, e);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + module, e);
            }
        }
        reap();
        throw new IllegalStateException(
                module + " was not ready within " + startTimeout + ":\n" + FileUtil.tail(logFile, 40));
    }

    public static final class Builder {
        private final String module;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private int port;

        private Builder(String module) {
            this.module = module;
        }

        /** A configuration property, passed as -Dkey=value. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public QuarkusService start() {
            QuarkusService s = new QuarkusService(this);
            try {
                return s.start();
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }
}
