package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short-lived helper commands (initdb, pg_ctl, Kafka's storage tool) with output to a log. */
final class Commands {

    private Commands() {}

    /**
     * Runs {@code command} to completion, appending its output to {@code log}.
     *
     * @throws IllegalStateException when it fails or times out, with the tail of the log
     */
    static void run(List<String> command, Path workDir, Path log, Duration timeout) {
        int exit = runForExitCode(command, workDir, log, timeout);
        if (exit != 0) {
            throw new IllegalStateException(
                    name(command) + " failed with exit code " + exit + "\n" + FileUtil.tail(log, 40));
        }
    }

    /** Like {@link #run} but returns the exit code (-1 on timeout) instead of throwing. */
    static int runForExitCode(List<String> command, Path workDir, Path log, Duration timeout) {
        Process process = start(command, workDir, log);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessReaper.killTree(process.toHandle());
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            ProcessReaper.killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name(command), e);
        }
    }

    /** Starts a long-running process with stdout and stderr appended to {@code log}. */
    static Process start(List<String> command, Path workDir, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name(command), e);
        }
    }

    private static String name(List<String> command) {
        // the program after any runuser prefix; arguments may hold paths but never secrets
        int separator = command.indexOf("--");
        return command.get(separator >= 0 && separator + 1 < command.size() ? separator + 1 : 0);
    }
}
