package dev.portcullis.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Runs the CLI in-process with captured streams, a given environment and stdin, and no terminal (or a given one). */
record CliRun(int exitCode, String out, String err) {

    static final Instant NOW = Instant.parse("2020-01-01T03:00:00Z");

    static CliRun run(Map<String, String> env, String stdin, String... args) {
        return run(env, stdin, null, args);
    }

    static CliRun run(Map<String, String> env, String stdin, Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                env,
                () -> terminal,
                Path.of("/nonexistent-home"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        int code = Main.run(ctx, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
