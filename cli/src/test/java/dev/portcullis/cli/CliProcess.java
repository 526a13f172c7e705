package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.testkit.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * bin/portcullis run as a user runs it, for the end-to-end tests: a clean PORTCULLIS_*
 * environment (no config file, no inherited token), the test's classes as the CLI (the shaded
 * jar is built after the tests), output captured in files of the work folder.
 */
final class CliProcess {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path work;
    private final Map<String, String> baseEnv = new HashMap<>();

    /** @param env PORTCULLIS_* settings for every run (server, token...) */
    CliProcess(Path work, Map<String, String> env) throws IOException, URISyntaxException {
        this.work = work;
        baseEnv.put(
                "PORTCULLIS_CONFIG",
                Files.writeString(work.resolve("empty-cli.properties"), "# no token here on purpose\n")
                        .toString());
        baseEnv.put("PORTCULLIS_CLI_CLASSPATH", classpath());
        baseEnv.putAll(env);
    }

    /** Starts the CLI; an override with a null value removes that variable. */
    Process start(Path stdin, Path out, Path err, Map<String, String> overrides, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProjectLayout.root().resolve("bin/portcullis").toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PORTCULLIS_"));
        env.putAll(baseEnv);
        overrides.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        return pb.redirectInput(
                        stdin == null
                                ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                                : ProcessBuilder.Redirect.from(stdin.toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
    }

    /** Runs the CLI to completion (60 s at most). */
    Result run(Map<String, String> overrides, String stdin, String... args) {
        try {
            String id = UUID.randomUUID().toString();
            Path in = Files.writeString(work.resolve(id + ".in"), stdin);
            Path out = work.resolve(id + ".out");
            Path err = work.resolve(id + ".err");
            Process p = start(in, out, err, overrides, args);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("portcullis " + String.join(" ", args) + " did not finish within 60s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    private static String classpath() throws URISyntaxException {
        List<Class<?>> anchors = List.of(
                Main.class,
                CommandLine.class,
                ObjectMapper.class,
                com.fasterxml.jackson.core.JsonParser.class,
                com.fasterxml.jackson.annotation.JsonProperty.class,
                YAMLFactory.class,
                org.yaml.snakeyaml.LoaderOptions.class);
        List<String> parts = new ArrayList<>();
        for (Class<?> c : anchors) {
            parts.add(Path.of(c.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
        }
        return parts.stream().distinct().collect(Collectors.joining(File.pathSeparator));
    }
}
