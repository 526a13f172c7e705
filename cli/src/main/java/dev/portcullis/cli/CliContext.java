package dev.portcullis.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything a command touches outside itself: streams, environment, terminal, clock. The
 * real process passes its own; tests pass their own, and run commands in-process.
 */
public record CliContext(
        PrintWriter out,
        PrintWriter err,
        InputStream in,
        Map<String, String> env,
        Supplier<Terminal> terminal,
        Path userHome,
        Clock clock) {

    public static CliContext system() {
        return new CliContext(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.in,
                System.getenv(),
                Terminal::system,
                Path.of(System.getProperty("user.home")),
                Clock.systemUTC());
    }
}
