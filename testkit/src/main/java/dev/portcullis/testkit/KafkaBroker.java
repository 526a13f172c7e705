package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in its own JVM.
 *
 * <p>It runs from the jars that module {@code deploy/kafka} copies into its
 * {@code target/lib} (see {@link #libDirectory()}), with the test JVM's {@code java}. Being a
 * separate process, it can be stopped and started again on the same ports and data, which is
 * what fault tests need; its classes never mix with the code under test.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.startDefault()) {
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 *     kafka.stop();   // the broker goes away
 *     kafka.start();  // and comes back, same port, same topics
 * }
 * }</pre>
 *
 * <p>Settings are for one node and fast tests: replication factor 1 everywhere (else consumer
 * groups never form), one partition for internal topics, no initial rebalance delay, topics
 * created on first use. Output goes to {@code kafka.log} in the broker's folder.
 */
public final class KafkaBroker implements AutoCloseable {

    /** System property: the folder holding the broker jars (surefire sets it in the root pom). */
    public static final String LIB_PROPERTY = "testkit.kafka.lib";
    /** System property: the Portcullis project root, used when {@value #LIB_PROPERTY} is unset. */
    private static final String HOST = "127.0.0.1";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 3;

    private final Settings settings;
    private final Path libDir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Runnable reaper = this::emergencyStop;
    private Path directory;
    private Path configFile;
    private Path logFile;
    private volatile int port;
    private volatile int controllerPort;
    private volatile Process process;
    private boolean closed;

    private KafkaBroker(Settings settings) {
        this.settings = settings;
        this.libDir = libDirectory();
    }

    /** A broker with default settings, started and ready. */
    public static KafkaBroker startDefault() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The folder with the broker jars: system property {@value #LIB_PROPERTY}; else
     * {@code deploy/kafka/target/lib} under system property {@value ProjectLayout#PROJECT_ROOT_PROPERTY}; else
     * under the first parent of the working directory that has {@code deploy/kafka}.
     *
     * @throws IllegalStateException when the jars are not there, saying how to build them
     */
    public static Path libDirectory() {
        List<Path> tried = new ArrayList<>();
        String explicit = System.getProperty(LIB_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            tried.add(Path.of(explicit));
        }
        try {
            tried.add(ProjectLayout.root().resolve("deploy/kafka/target/lib"));
        } catch (IllegalStateException notInACheckout) {
            // only the explicit property can help then
        }
        for (Path candidate : tried) {
            if (holdsBroker(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("Kafka broker jars not found (looked in " + tried + "). Build them first,"
                + " from the project root: mvn -pl deploy/kafka package");
    }

    private KafkaBroker boot() {
        try {
            directory = Files.createTempDirectory("portcullis-kafka-");
            ProcessReaper.register(reaper);
            configFile = directory.resolve("server.properties");
            logFile = directory.resolve("kafka.log");
            startOnFreePorts();
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create the broker folder", e);
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- accessors

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public String host() {
        return HOST;
    }

    /** The PLAINTEXT (client) port. */
    public int port() {
        return port;
    }

    /** The KRaft controller port (clients do not use it). */
    public int controllerPort() {
        return controllerPort;
    }

    /** The KRaft cluster id the storage was formatted with. */
    public String clusterId() {
        return clusterId;
    }

    /** The broker's folder: server.properties, data, logs. */
    public Path directory() {
        return directory;
    }

    /** The broker's output (its SLF4J log and anything on stdout/stderr). */
    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the broker again after {@link #stop()}: same ports, same data. No-op when running. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        if (!isRunning()) {
            launch();
            awaitReady();
        }
    }

    /** Stops the broker: SIGTERM (a clean shutdown), then a kill after 15 s. Data stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(process, STOP_TIMEOUT)) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
        process = null;
    }

    /** Stops the broker and deletes its folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            ProcessReaper.unregister(reaper);
            FileUtil.deleteUnlessKept(directory);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + directory + "]";
    }

    // ---------------------------------------------------------------- internals

    /** The first start: ports taken by another process in the meantime are replaced. */
    private synchronized void startOnFreePorts() {
        for (int attempt = 1; ; attempt++) {
            port = Ports.freePort();
            controllerPort = Ports.freePort();
            writeConfig();
            format();
            long logOffset = FileUtil.size(logFile);
            launch();
            try {
                awaitReady();
                return;
            } catch (IllegalStateException e) {
                String output = FileUtil.readFrom(logFile, logOffset);
                boolean portTaken = output.contains("Address already in use") || output.contains("BindException");
                if (!portTaken || attempt >= PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void writeConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        // a static voter set: the controller's address is not written into the formatted storage
        config.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        config.put("log.dirs", directory.resolve("data").toString());
        config.put("num.partitions", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "true");
        // two shared cores: fewer threads than the defaults
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("num.recovery.threads.per.data.dir", "1");
        config.putAll(settings.properties);
        StringBuilder text = new StringBuilder("# written by portcullis testkit\n");
        config.forEach(
                (key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.writeString(configFile, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    /** KRaft storage must be formatted with the cluster id before the first start. */
    private void format() {
        FileUtil.deleteTree(directory.resolve("data")); // a retry with other ports starts afresh
        List<String> command = java(List.of("-Xmx256m"));
        command.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", configFile.toString()));
        Commands.run(command, directory, directory.resolve("format.log"), Duration.ofMinutes(2));
    }

    private void launch() {
        List<String> command = java(List.of(
                "-Xms64m",
                "-Xmx" + settings.maxHeap,
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
        command.addAll(settings.jvmOptions);
        command.addAll(List.of("kafka.Kafka", configFile.toString()));
        process = Commands.start(command, directory, logFile);
    }

    /** {@code java} of this JVM, tuned for a quick start, with the broker jars on the class path. */
    private List<String> java(List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only and the serial collector: starts faster and takes less CPU from the shared cores
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        command.addAll(options);
        command.addAll(List.of("-cp", libDir.resolve("*").toString()));
        return command;
    }

    /** Ready means the broker answers a real Admin request, not just an open port. */
    private void awaitReady() {
        long deadline = System.nanoTime() + settings.startTimeout.toNanos();
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "portcullis-testkit-readiness");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    int code = process.exitValue();
                    process = null;
                    throw new IllegalStateException("Kafka exited with code " + code + " while starting (" + directory
                            + ")\n" + FileUtil.tail(logFile, 40));
                }
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                            .nodes()
                            .get(3, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    waitFor(process, Duration.ofSeconds(10));
                    process = null;
                    throw new IllegalStateException(
                            "Kafka did not answer within " + settings.startTimeout + " (last error: " + last + ")\n"
                                    + FileUtil.tail(logFile, 40),
                            last);
                }
                waitFor(process, Duration.ofMillis(200)); // a pause that ends early if the broker dies
            }
        }
    }

    /** Shutdown hook: the data is throwaway, so a kill is enough. */
    private void emergencyStop() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
        }
        FileUtil.deleteUnlessKept(directory);
    }

    private static boolean holdsBroker(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "kafka_2.13-*.jar")) {
            return jars.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- configuration

    private record Settings(
            Map<String, String> properties, String maxHeap, List<String> jvmOptions, Duration startTimeout) {}

    /** Configures and starts a {@link KafkaBroker}. */
    public static final class Builder {

        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private String maxHeap = "512m";
        private Duration startTimeout = Duration.ofSeconds(90);

        private Builder() {}

        /** A server.properties entry; overrides the kit's default for the same key. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** The broker's -Xmx (default {@code 512m}). */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        /** An extra option for the broker's JVM. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Formats the storage, starts the broker and waits until it answers. */
        public KafkaBroker start() {
            return new KafkaBroker(new Settings(
                            new LinkedHashMap<>(properties), maxHeap, List.copyOf(jvmOptions), startTimeout))
                    .boot();
        }
    }
}
