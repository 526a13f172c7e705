package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Real PostgreSQL clients against the proxy under test: psql, pgbench, and the JDBC driver. */
final class Clients {
    private Clients() {}

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** Waits until the node listens for the Service (it opens listeners as Services arrive). */
    static void awaitListening(String service) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (var s = new java.net.Socket("127.0.0.1", ProxyEnvironment.PORTS.get(service))) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static Result psql(String service, String user, String sslMode, String sql, String... extraConninfo) {
        String conninfo = "host=127.0.0.1 port=" + ProxyEnvironment.PORTS.get(service) + " user=whoever dbname=whatever"
                + " sslmode=" + sslMode + " connect_timeout=10 " + String.join(" ", extraConninfo);
        List<String> cmd = new ArrayList<>(
                List.of(psqlBinary(), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql));
        return run(cmd, Map.of("PGPASSWORD", token(user)));
    }

    static Result run(List<String> cmd, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            var out = p.getInputStream();
            var err = p.getErrorStream();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new Result(
                    p.exitValue(),
                    new String(out.readAllBytes(), StandardCharsets.UTF_8).trim(),
                    new String(err.readAllBytes(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Connection jdbc(String service, String user) throws SQLException {
        return jdbc(service, user, "require");
    }

    static Connection jdbc(String service, String user, String sslMode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "whoever");
        p.setProperty("password", token(user));
        p.setProperty("sslmode", sslMode);
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + ProxyEnvironment.PORTS.get(service) + "/whatever", p);
    }

    static String token(String user) {
        return ProxyEnvironment.TOKENS.getOrDefault(user, user);
    }

    static String psqlBinary() {
        return ProxyEnvironment.tlsPg.clientBinary("psql").toString();
    }

    static String pgbenchBinary() {
        return ProxyEnvironment.tlsPg.clientBinary("pgbench").toString();
    }
}
