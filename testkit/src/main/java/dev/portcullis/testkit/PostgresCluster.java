package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL cluster running as a real server process on 127.0.0.1.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder()
 *         .tls(true)
 *         .scramRole("scramuser", "pw").md5Role("md5user", "pw").passwordRole("clearuser", "pw")
 *         .database("db01")
 *         .start()) {
 *     try (Connection c = DriverManager.getConnection(pg.jdbcUrl("db01"), "md5user", "pw")) { ... }
 * }
 * }</pre>
 *
 * <p>Binaries come from {@link PostgresBinaries#locate}. The cluster lives in a fresh temp
 * folder (data, unix socket, certificates, {@code postgres.log}); {@link #close()} stops the
 * server and deletes it (set {@code portcullis.testkit.keep=true} to keep it). Durability
 * is switched off (fsync, synchronous_commit, full_page_writes): a crash loses the data, which
 * is fine for tests and makes them faster.
 *
 * <p>Authentication: the superuser and scram roles use {@code scram-sha-256}, md5 roles
 * {@code md5} (their password is stored as an MD5 hash), password roles {@code password}
 * (cleartext on the wire). Unix-socket connections are trusted. With
 * {@link Builder#hostSslOnly(boolean)} every TCP rule is {@code hostssl}, so clients without TLS
 * are rejected.
 */
public final class PostgresCluster implements AutoCloseable {

    /** pg_hba.conf method of a role created by the builder. */
    public enum AuthMethod {
        SCRAM_SHA_256("scram-sha-256"),
        MD5("md5"),
        PASSWORD("password");

        private final String hbaName;

        AuthMethod(String hbaName) {
            this.hbaName = hbaName;
        }

        /** The method's name in pg_hba.conf. */
        public String hbaName() {
            return hbaName;
        }
    }

    private static final String HOST = "127.0.0.1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;
    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    private final Settings settings;
    private final Path binDir;
    private final OsUser osUser;
    private final String superuserPassword;
    private final Runnable reaper = this::emergencyStop;
    private Path directory;
    private Path dataDir;
    private Path logFile;
    private Path caFile;
    private CertificateAuthority ca;
    private volatile int port;
    private volatile Process process;
    private boolean closed;

    private PostgresCluster(Settings settings) {
        this.settings = settings;
        this.binDir = PostgresBinaries.locate(settings.embedded);
        this.osUser = OsUser.forPostgres();
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        this.superuserPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A plain cluster: no TLS, only the superuser. */
    public static PostgresCluster startDefault() {
        return builder().start();
    }

    private PostgresCluster boot() {
        try {
            initdb();
            if (settings.tls) {
                writeCertificates();
            }
            writeHba();
            startOnFreePort();
            createRolesAndDatabases();
            return this;
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

    /** Always {@code 127.0.0.1}: the server listens on IPv4 loopback only. */
    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String superuser() {
        return settings.superuser;
    }

    /** The superuser's random password (SCRAM). Do not log it. */
    public String superuserPassword() {
        return superuserPassword;
    }

    /**
     * A pgjdbc URL for {@code database}, without credentials. It always has a query string, so
     * callers can append {@code &param=value}. On a TLS cluster it asks for
     * {@code sslmode=verify-full} against {@link #caCertificateFile()}; otherwise
     * {@code sslmode=disable}.
     */
    public String jdbcUrl(String database) {
        String url = "jdbc:postgresql://" + HOST + ":" + port + "/" + encode(database);
        return settings.tls
                ? url + "?sslmode=verify-full&sslrootcert=" + encode(caFile.toString())
                : url + "?sslmode=disable";
    }

    /** A connection to {@code database} as the superuser. */
    public Connection connect(String database) throws SQLException {
        return connect(database, settings.superuser, superuserPassword);
    }

    /** A connection to {@code database} as {@code user}, over TCP (TLS on a TLS cluster). */
    public Connection connect(String database, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5");
        // the driver directly, not DriverManager: in Quarkus tests the caller's class loader
        // may not "see" a driver that DriverManager registered from another one
        return DRIVER.connect(jdbcUrl(database), properties);
    }

    /** Runs SQL (one or more statements) in database {@code postgres} as the superuser. */
    public void executeSql(String sql) {
        executeSql("postgres", sql);
    }

    /** Runs SQL (one or more statements) in {@code database} as the superuser. */
    public void executeSql(String database, String sql) {
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query as the superuser (null when no row). */
    public String queryForString(String database, String sql) {
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** The cluster's folder: data directory, unix socket, certificates and logs. */
    public Path directory() {
        return directory;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The folder the server binaries come from (initdb, postgres, pg_ctl). */
    public Path binDir() {
        return binDir;
    }

    /** The server's output (stdout and stderr). */
    public Path logFile() {
        return logFile;
    }

    /** Where the unix socket is ({@code psql -h <this>}); connections there are trusted. */
    public Path socketDirectory() {
        return directory;
    }

    /**
     * A client program such as {@code psql} or {@code pgbench}: from {@link #binDir()} when it is
     * there (Debian's server folder has them), else {@code /usr/bin}, else the machine's
     * highest {@code /usr/lib/postgresql/N/bin}.
     */
    public Path clientBinary(String name) {
        List<Path> candidates = new ArrayList<>(List.of(binDir.resolve(name), Path.of("/usr/bin", name)));
        PostgresBinaries.systemBinDir().ifPresent(dir -> candidates.add(dir.resolve(name)));
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        name + " not found in " + candidates + " (Debian: apt-get install postgresql-client)"));
    }

    /**
     * libpq environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE and,
     * with TLS, PGSSLROOTCERT) to run {@link #clientBinary psql/pgbench} as the superuser.
     */
    public Map<String, String> clientEnvironment(String database) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", HOST);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", settings.superuser);
        env.put("PGPASSWORD", superuserPassword);
        env.put("PGDATABASE", database);
        env.put("PGSSLMODE", settings.tls ? "verify-full" : "disable");
        if (settings.tls) {
            env.put("PGSSLROOTCERT", caFile.toString());
        }
        return env;
    }

    public boolean tls() {
        return settings.tls;
    }

    /** The CA that signed the server certificate, as PEM. Only on a TLS cluster. */
    public String caCertificatePem() {
        return requireTls().certificatePem();
    }

    /** The CA certificate file ({@code sslrootcert}). Only on a TLS cluster. */
    public Path caCertificateFile() {
        requireTls();
        return caFile;
    }

    /** The cluster's CA, e.g. to issue a proxy certificate that clients of this test trust too. */
    public CertificateAuthority certificateAuthority() {
        return requireTls();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the server again after {@link #stop()}, on the same port and data. No-op when running. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("cluster is closed");
        }
        if (!isRunning()) {
            launch();
            awaitReady();
        }
    }

    /** Stops the server (fast shutdown: open sessions are disconnected). Data stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            Commands.runForExitCode(
                    osUser.wrap(List.of(
                            binDir.resolve("pg_ctl").toString(),
                            "-D",
                            dataDir.toString(),
                            "-m",
                            "fast",
                            "-w",
                            "-t",
                            Long.toString(STOP_TIMEOUT.toSeconds()),
                            "stop")),
                    directory,
                    directory.resolve("pg_ctl.log"),
                    STOP_TIMEOUT.plusSeconds(5));
            if (!waitFor(process, Duration.ofSeconds(10))) {
                ProcessReaper.killTree(process.toHandle());
                waitFor(process, Duration.ofSeconds(5));
            }
        }
        process = null;
    }

    /** Stops the server and deletes its folder. */
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
        return "PostgresCluster[" + HOST + ":" + port + ", " + directory + "]";
    }

    // ---------------------------------------------------------------- setup

    private void initdb() {
        try {
            directory = Files.createTempDirectory("portcullis-pg-");
            osUser.own(directory);
            ProcessReaper.register(reaper);
            dataDir = directory.resolve("data");
            logFile = directory.resolve("postgres.log");
            Path passwordFile = directory.resolve("superuser.pw");
            Files.writeString(passwordFile, superuserPassword + "\n");
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            osUser.own(passwordFile);
            try {
                Commands.run(
                        osUser.wrap(List.of(
                                binDir.resolve("initdb").toString(),
                                "-D",
                                dataDir.toString(),
                                "-U",
                                settings.superuser,
                                "--auth-host=scram-sha-256",
                                "--auth-local=trust",
                                "--pwfile=" + passwordFile,
                                "-E",
                                "UTF8",
                                "--locale=C",
                                "--no-sync")), // a throwaway cluster needs no fsync; saves seconds
                        directory,
                        directory.resolve("initdb.log"),
                        Duration.ofMinutes(2));
            } finally {
                Files.deleteIfExists(passwordFile);
            }
            // our settings live in their own file so a port change can rewrite it
            Files.writeString(
                    dataDir.resolve("postgresql.conf"), "\ninclude 'portcullis.conf'\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster folder", e);
        }
    }

    private void writeCertificates() {
        ca = TestCertificates.newCa("Portcullis testkit PostgreSQL CA");
        IssuedCertificate server = ca.issueServerCertificate("localhost", HOST);
        server.writeTo(directory.resolve("server.crt"), directory.resolve("server.key"));
        // the server refuses a key it cannot read or that others can read: 0600, owned by its user
        osUser.own(directory.resolve("server.crt"));
        osUser.own(directory.resolve("server.key"));
        caFile = ca.writeCertificate(directory.resolve("ca.crt"));
    }

    private void writeHba() {
        String type = settings.hostSslOnly ? "hostssl" : "host";
        StringBuilder hba = new StringBuilder("# written by portcullis testkit; first match wins\n");
        hba.append("local all all trust\n");
        settings.hbaEntries.forEach(line -> hba.append(line).append('\n'));
        for (Role role : settings.roles.values()) {
            if (role.method != AuthMethod.SCRAM_SHA_256) {
                hba.append(type)
                        .append(" all ")
                        .append(quoteIdentifier(role.name))
                        .append(" 127.0.0.1/32 ")
                        .append(role.method.hbaName())
                        .append('\n');
            }
        }
        hba.append(type).append(" all all 127.0.0.1/32 scram-sha-256\n");
        write(dataDir.resolve("pg_hba.conf"), hba.toString());
    }

    private void writeSettings() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listen_addresses", "'" + HOST + "'");
        conf.put("port", Integer.toString(port));
        conf.put("unix_socket_directories", quoteLiteral(directory.toString()));
        conf.put("max_connections", Integer.toString(settings.maxConnections));
        conf.put("fsync", "off");
        conf.put("synchronous_commit", "off");
        conf.put("full_page_writes", "off");
        conf.put("ssl", settings.tls ? "on" : "off");
        if (settings.tls) {
            conf.put(
                    "ssl_cert_file",
                    quoteLiteral(directory.resolve("server.crt").toString()));
            conf.put(
                    "ssl_key_file", quoteLiteral(directory.resolve("server.key").toString()));
            conf.put("ssl_ca_file", quoteLiteral(caFile.toString()));
        }
        conf.putAll(settings.settings);
        StringBuilder text = new StringBuilder("# written by portcullis testkit\n");
        conf.forEach(
                (key, value) -> text.append(key).append(" = ").append(value).append('\n'));
        write(dataDir.resolve("portcullis.conf"), text.toString());
        osUser.own(dataDir.resolve("portcullis.conf"));
    }

    /** The first start: a port that another process grabbed in the meantime is replaced. */
    private synchronized void startOnFreePort() {
        for (int attempt = 1; ; attempt++) {
            port = Ports.freePort();
            writeSettings();
            long logOffset = FileUtil.size(logFile);
            launch();
            try {
                awaitReady();
                return;
            } catch (IllegalStateException e) {
                String output = FileUtil.readFrom(logFile, logOffset);
                boolean portTaken = output.contains("could not bind") || output.contains("Address already in use");
                if (!portTaken || attempt >= PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void launch() {
        process = Commands.start(
                osUser.wrap(List.of(binDir.resolve("postgres").toString(), "-D", dataDir.toString())),
                directory,
                logFile);
    }

    /** Ready means a real SCRAM login as the superuser succeeds, not just an open port. */
    private void awaitReady() {
        long deadline = System.nanoTime() + settings.startTimeout.toNanos();
        SQLException last = null;
        while (true) {
            if (!process.isAlive()) {
                int code = process.exitValue();
                process = null;
                throw new IllegalStateException("PostgreSQL exited with code " + code + " while starting (" + directory
                        + ")\n" + FileUtil.tail(logFile, 40));
            }
            try (Connection ignored = connect("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                ProcessReaper.killTree(process.toHandle());
                waitFor(process, Duration.ofSeconds(5));
                process = null;
                throw new IllegalStateException(
                        "PostgreSQL did not accept a login within " + settings.startTimeout + " (last error: "
                                + last.getMessage() + ")\n" + FileUtil.tail(logFile, 40),
                        last);
            }
            waitFor(process, Duration.ofMillis(100)); // a pause that ends early if the server dies
        }
    }

    private void createRolesAndDatabases() {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            for (Role role : settings.roles.values()) {
                // the hash is chosen when the password is set: an md5 role needs an md5 hash
                statement.execute("SET password_encryption = '"
                        + (role.method == AuthMethod.MD5 ? "md5" : "scram-sha-256") + "'");
                statement.execute(
                        "CREATE ROLE " + quoteIdentifier(role.name) + " LOGIN PASSWORD " + quoteLiteral(role.password));
            }
            statement.execute("RESET password_encryption");
            for (Map.Entry<String, String> database : settings.databases.entrySet()) {
                String owner = database.getValue() == null ? settings.superuser : database.getValue();
                statement.execute(
                        "CREATE DATABASE " + quoteIdentifier(database.getKey()) + " OWNER " + quoteIdentifier(owner));
            }
        } catch (SQLException e) {
            // the message never holds the password: pgjdbc does not echo statements
            throw new IllegalStateException("cannot create roles and databases: " + e.getMessage(), e);
        }
    }

    /** Shutdown hook: no time for a clean stop, but try an immediate one so shared memory is freed. */
    private void emergencyStop() {
        Process running = process;
        if (running != null && running.isAlive()) {
            Commands.runForExitCode(
                    osUser.wrap(List.of(
                            binDir.resolve("pg_ctl").toString(),
                            "-D",
                            dataDir.toString(),
                            "-m",
                            "immediate",
                            "-w",
                            "-t",
                            "5",
                            "stop")),
                    directory,
                    directory.resolve("pg_ctl.log"),
                    Duration.ofSeconds(6));
            ProcessReaper.killTree(running.toHandle());
        }
        FileUtil.deleteUnlessKept(directory);
    }

    // ---------------------------------------------------------------- helpers

    private CertificateAuthority requireTls() {
        if (!settings.tls) {
            throw new IllegalStateException("this cluster was built without tls(true)");
        }
        return ca;
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    // ---------------------------------------------------------------- configuration

    private record Role(String name, String password, AuthMethod method) {}

    /** An immutable copy of the builder, so a builder can be reused for another cluster. */
    private record Settings(
            boolean tls,
            boolean hostSslOnly,
            boolean embedded,
            String superuser,
            Map<String, Role> roles,
            Map<String, String> databases,
            int maxConnections,
            Map<String, String> settings,
            List<String> hbaEntries,
            Duration startTimeout) {}

    /** Configures and starts a {@link PostgresCluster}. */
    public static final class Builder {

        private boolean tls;
        private boolean hostSslOnly;
        private boolean embedded;
        private String superuser = "postgres";
        private final Map<String, Role> roles = new LinkedHashMap<>();
        private final Map<String, String> databases = new LinkedHashMap<>();
        private int maxConnections = 200;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> hbaEntries = new ArrayList<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** TLS with a certificate for localhost and 127.0.0.1, signed by a fresh CA. */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Only TLS connections over TCP ({@code hostssl} rules); needs {@link #tls(boolean) tls(true)}. */
        public Builder hostSslOnly(boolean hostSslOnly) {
            this.hostSslOnly = hostSslOnly;
            return this;
        }

        /** A login role authenticated with SCRAM-SHA-256. */
        public Builder scramRole(String name, String password) {
            return role(name, password, AuthMethod.SCRAM_SHA_256);
        }

        /** A login role authenticated with md5 (its password stored as an MD5 hash). */
        public Builder md5Role(String name, String password) {
            return role(name, password, AuthMethod.MD5);
        }

        /** A login role authenticated with {@code password}: cleartext on the wire. */
        public Builder passwordRole(String name, String password) {
            return role(name, password, AuthMethod.PASSWORD);
        }

        public Builder role(String name, String password, AuthMethod method) {
            if (name.equals(superuser) || roles.containsKey(name)) {
                throw new IllegalArgumentException("role " + name + " is already defined");
            }
            roles.put(name, new Role(name, password, method));
            return this;
        }

        /** A database owned by the superuser. */
        public Builder database(String name) {
            return database(name, null);
        }

        /**
         * A database owned by {@code owner} (a role of this builder): in PostgreSQL 15 the owner
         * may create tables in its {@code public} schema, other roles may not.
         */
        public Builder database(String name, String owner) {
            databases.put(name, owner);
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * An extra postgresql.conf setting, written as is (quote strings yourself):
         * {@code setting("log_connections", "on")}, {@code setting("application_name", "'x'")}.
         */
        public Builder setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** An extra pg_hba.conf line, placed before the generated ones (first match wins). */
        public Builder hbaEntry(String line) {
            hbaEntries.add(line);
            return this;
        }

        /** The bootstrap superuser's name (default {@code postgres}). */
        public Builder superuser(String name) {
            this.superuser = name;
            return this;
        }

        /**
         * Use PostgreSQL from Maven Central even when the machine has server binaries (like system
         * property {@value PostgresBinaries#EMBEDDED_PROPERTY}{@code =true}).
         */
        public Builder embeddedBinaries(boolean embedded) {
            this.embedded = embedded;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Creates the cluster, starts it and waits until the superuser can log in. */
        public PostgresCluster start() {
            if (hostSslOnly && !tls) {
                throw new IllegalStateException("hostSslOnly(true) needs tls(true)");
            }
            for (String owner : databases.values()) {
                if (owner != null && !owner.equals(superuser) && !roles.containsKey(owner)) {
                    throw new IllegalStateException("database owner " + owner + " is not a role of this builder");
                }
            }
            Settings copy = new Settings(
                    tls,
                    hostSslOnly,
                    embedded,
                    superuser,
                    new LinkedHashMap<>(roles),
                    new LinkedHashMap<>(databases),
                    maxConnections,
                    new LinkedHashMap<>(settings),
                    List.copyOf(hbaEntries),
                    startTimeout);
            return new PostgresCluster(copy).boot();
        }
    }
}
