package dev.portcullis.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One pgbench run as a load generator: select-only ({@code -S}, one {@code SELECT abalance FROM
 * pgbench_accounts WHERE aid = N} Query message per transaction in the default simple protocol),
 * with every transaction logged ({@code -l}), so that the figures are exact: how many
 * transactions completed, and when, to the microsecond, and so how many completed during a
 * fault. The access token goes to pgbench in its environment only; nothing here prints it.
 *
 * <p>pgbench aborts a client whose connection is lost and never reconnects it; a fault that
 * drops connections ends those clients, which {@link Result#abortedClients()} counts.
 */
final class PgBench {
    /** The query text of each -S transaction, as the audit records it. */
    static final String SELECT_PREFIX = "SELECT abalance FROM pgbench_accounts WHERE aid = ";

    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");
    private static final Pattern ABORTED = Pattern.compile("client \\d+ .*aborted");

    final String name;
    final int clients;
    final Instant started;
    private final Path directory;
    private final Process process;
    private Result result;

    private PgBench(String name, int clients, Path directory, Process process, Instant started) {
        this.name = name;
        this.clients = clients;
        this.directory = directory;
        this.process = process;
        this.started = started;
    }

    static Path binary() {
        for (String candidate : new String[] {"/usr/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("pgbench is not installed (Debian: apt-get install postgresql-client)");
    }

    /** {@code pgbench -i -s 1} directly on the upstream, as the role the proxy logs in as. */
    static void initialise(int port, String database, String user, String password) {
        try {
            Path dir = Files.createTempDirectory("portcullis-pgbench-init-");
            ProcessBuilder pb = new ProcessBuilder(
                            binary().toString(),
                            "-i",
                            "-s",
                            "1",
                            "-q",
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(port),
                            "-U",
                            user,
                            database)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("init.log").toFile());
            pb.environment().put("PGPASSWORD", password);
            pb.environment().put("PGSSLMODE", "require");
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("pgbench -i failed:\n" + Files.readString(dir.resolve("init.log")));
            }
            delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code pgbench -n -S -c clients -j 2 -T seconds -P 1 -l} against a proxy port
     * (through the balancer) with TLS, as {@code user} with the access token as password.
     */
    static PgBench start(String name, int port, String user, String token, int clients, Duration duration) {
        try {
            Path dir = Files.createTempDirectory("portcullis-pgbench-" + name + "-");
            List<String> command = List.of(
                    binary().toString(),
                    "-n",
                    "-S",
                    "-c",
                    Integer.toString(clients),
                    "-j",
                    Integer.toString(Math.min(2, clients)),
                    "-T",
                    Long.toString(Math.max(1, duration.toSeconds())),
                    "-P",
                    "1",
                    "--progress-timestamp",
                    "-l",
                    "--log-prefix=" + dir.resolve("tx"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "-U",
                    user,
                    "app");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile());
            Map<String, String> env = pb.environment();
            env.put("PGPASSWORD", token);
            env.put("PGSSLMODE", "require");
            env.put("PGCONNECT_TIMEOUT", "10");
            Instant started = Instant.now();
            return new PgBench(name, clients, dir, pb.start(), started);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isRunning() {
        return process.isAlive();
    }

    /** Waits for pgbench to end (it must, within {@code timeout}) and reads its figures. */
    Result await(Duration timeout) {
        if (result != null) {
            return result;
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(
                        "pgbench " + name + " still running after " + timeout + " (a hang):\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        result = read(Instant.now());
        delete(directory);
        return result;
    }

    /** Its folder (log, transaction log) goes, unless the testkit is told to keep folders. */
    private static void delete(Path dir) {
        if (Boolean.getBoolean("portcullis.testkit.keep")) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary folder
        }
    }

    private String tail() {
        String err = read("stderr");
        return err.length() > 4000 ? err.substring(err.length() - 4000) : err;
    }

    private String read(String file) {
        try {
            return Files.readString(directory.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private Result read(Instant ended) {
        String out = read("stdout");
        String err = read("stderr");
        List<Long> done = new ArrayList<>();
        long failed = 0;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("tx"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    // client_id transaction_no time script_no time_epoch time_us
                    String[] v = line.trim().split("\\s+");
                    if (v.length < 6) {
                        continue;
                    }
                    if (!v[2].chars().allMatch(Character::isDigit)) {
                        failed++;
                        continue;
                    }
                    done.add(Long.parseLong(v[4]) * 1_000_000L + Long.parseLong(v[5]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] completions = done.stream().mapToLong(Long::longValue).sorted().toArray();
        List<String> errors = err.lines()
                .filter(l -> l.contains("error") || l.contains("FATAL"))
                .toList();
        long aborted = err.lines().filter(l -> ABORTED.matcher(l).find()).count();
        Matcher m = PROCESSED.matcher(out);
        long processed = m.find() ? Long.parseLong(m.group(1)) : -1;
        Matcher f = FAILED.matcher(out);
        long failedReported = f.find() ? Long.parseLong(f.group(1)) : 0;
        return new Result(
                name,
                process.exitValue(),
                started,
                ended,
                completions,
                processed,
                Math.max(failed, failedReported),
                aborted,
                errors);
    }

    /**
     * What one run did. {@code completions}: the end of every completed transaction, epoch
     * microseconds, sorted.
     */
    record Result(
            String name,
            int exitCode,
            Instant started,
            Instant ended,
            long[] completions,
            long reported,
            long failedTransactions,
            long abortedClients,
            List<String> errors) {

        long transactions() {
            return completions.length;
        }

        /** Transactions that completed in [from, to). */
        long between(Instant from, Instant to) {
            long a = micros(from);
            long b = micros(to);
            int lo = lowerBound(a);
            int hi = lowerBound(b);
            return Math.max(0, hi - lo);
        }

        /** The end of the first transaction completed at or after {@code t}; null if none. */
        Instant firstAfter(Instant t) {
            int i = lowerBound(micros(t));
            return i < completions.length ? Instant.ofEpochSecond(0, completions[i] * 1000) : null;
        }

        /** Distinct error lines (at most {@code max}), for the report. */
        List<String> someErrors(int max) {
            return errors.stream()
                    .map(l -> l.replaceAll("client \\d+", "client N"))
                    .distinct()
                    .limit(max)
                    .toList();
        }

        private int lowerBound(long v) {
            int i = Arrays.binarySearch(completions, v);
            if (i < 0) {
                return -i - 1;
            }
            while (i > 0 && completions[i - 1] == v) {
                i--;
            }
            return i;
        }

        private static long micros(Instant t) {
            return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
        }

        @Override
        public String toString() {
            return String.format(
                    "pgbench %s: exit %d, %d transactions (pgbench reports %d), %d failed, %d clients aborted, %.1f s",
                    name,
                    exitCode,
                    transactions(),
                    reported,
                    failedTransactions,
                    abortedClients,
                    Duration.between(started, ended).toMillis() / 1000.0);
        }
    }
}
