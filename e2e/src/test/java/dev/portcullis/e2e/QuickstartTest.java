package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testkit.ProjectLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's "Run it" section, as written: its first command starts the local cluster, the
 * tour's psql lines connect as alice, bob and eve, and `portcullis logs` shows alice's query.
 * Runs in this checkout (CI's is a clean clone), on the launcher's fixed local ports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickstartTest {
    private final Path root = ProjectLayout.root();
    private List<String> runIt;
    private List<String> tour;

    record Result(int exit, String out) {}

    @BeforeAll
    void readTheReadme() throws Exception {
        String readme = Files.readString(root.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Run it"), readme.indexOf("## Test it"));
        List<List<String>> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            List<String> lines = new ArrayList<>();
            for (String line : m.group(1).split("\\n")) {
                String command = line.replaceAll("\\s+#.*$", "").trim();
                if (!command.isEmpty()) {
                    lines.add(command);
                }
            }
            blocks.add(lines);
        }
        runIt = blocks.get(0);
        tour = blocks.get(1);
        assertEquals(List.of("deploy/local/up.sh"), runIt);
    }

    @AfterAll
    void stop() throws Exception {
        sh("deploy/local/down.sh", 120);
    }

    @Test
    void theTourWorksAsWritten() throws Exception {
        Result up = sh(runIt.get(0), 600);
        assertEquals(0, up.exit(), up.out());
        assertTrue(up.out().contains("psql -U alice -d demo"), "up.sh prints the psql command for alice:\n" + up.out());
        assertTrue(up.out().contains("portcullis logs"), up.out());

        String env = tour.get(0);
        assertEquals("source .portcullis/demo.env", env);
        Result alice = sh(env + " && " + line("ALICE_TOKEN"), 60);
        assertEquals(0, alice.exit(), alice.out());
        assertTrue(alice.out().contains("app"), "alice is logged in upstream as role app:\n" + alice.out());
        Result bob = sh(env + " && " + line("BOB_TOKEN"), 60);
        assertTrue(bob.out().contains("prod"), "bob is routed to role prod:\n" + bob.out());
        Result eve = sh(env + " && " + line("EVE_TOKEN"), 60);
        assertEquals(2, eve.exit(), eve.out());
        assertTrue(eve.out().contains("not authorized to connect to Service pg-db"), eve.out());

        String logs = tour.stream()
                .filter(l -> l.startsWith("bin/portcullis logs --since"))
                .findFirst()
                .orElseThrow();
        // a collector joining its consumer group can wait for a previous member's session timeout
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Result found;
        do {
            found = sh(logs, 60);
        } while (!found.out().contains("select current_user") && System.nanoTime() < deadline);
        assertTrue(
                found.out().contains("QUERY")
                        && found.out().contains("alice")
                        && found.out().contains("select current_user"),
                "alice's query is in portcullis logs:\n" + found.out());

        // running it again is harmless: nothing restarted, the demo users keep their tokens, alice still connects
        List<String> processes = List.of("api-server", "policy-service", "audit-collector", "proxy-node-1");
        List<String> pids = new ArrayList<>();
        for (String name : processes) {
            pids.add(Files.readString(root.resolve(".portcullis/" + name + ".pid"))
                    .trim());
        }
        String demoEnv = Files.readString(root.resolve(".portcullis/demo.env"));
        Result again = sh(runIt.get(0), 300);
        assertEquals(0, again.exit(), again.out());
        for (int i = 0; i < processes.size(); i++) {
            assertTrue(
                    again.out().contains(processes.get(i) + " already running (pid " + pids.get(i) + ")"),
                    processes.get(i) + " left running:\n" + again.out());
        }
        assertEquals(demoEnv, Files.readString(root.resolve(".portcullis/demo.env")), "the same tokens, still valid");
        Result aliceAgain = sh(env + " && " + line("ALICE_TOKEN"), 60);
        assertEquals(0, aliceAgain.exit(), aliceAgain.out());
        assertTrue(aliceAgain.out().contains("app"), aliceAgain.out());
    }

    private String line(String token) {
        return tour.stream().filter(l -> l.contains("$" + token)).findFirst().orElseThrow();
    }

    private Result sh(String command, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
