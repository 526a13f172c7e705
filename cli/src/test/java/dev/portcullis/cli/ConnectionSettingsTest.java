package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionSettingsTest {
    private static final ConnectionSettings.Flags NO_FLAGS = new ConnectionSettings.Flags(null, null, null);

    @TempDir
    Path tmp;

    private Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void defaultsWhenNothingIsSet() {
        ConnectionSettings s = ConnectionSettings.resolve(NO_FLAGS, Map.of(), tmp.resolve("home"));
        assertEquals("http://127.0.0.1:8080", s.server().toString());
        assertEquals("http://127.0.0.1:8082", s.auditServer().toString());
        assertEquals(Optional.empty(), s.token());
        assertEquals(Optional.empty(), s.configFile());
    }

    @Test
    void flagBeatsEnvironmentBeatsConfigFile() throws IOException {
        Path cfg = write(
                tmp.resolve("c.properties"), "server=http://file:1\ntoken=file-token\naudit-server=http://audit:2\n");
        Map<String, String> env = Map.of("PORTCULLIS_SERVER", "http://env:3", "PORTCULLIS_TOKEN", "env-token");

        ConnectionSettings flags =
                ConnectionSettings.resolve(new ConnectionSettings.Flags("http://flag:4/", "flag-token", cfg), env, tmp);
        assertEquals("http://flag:4", flags.server().toString(), "trailing slash dropped");
        assertEquals("flag-token", flags.token().orElseThrow());

        ConnectionSettings fromEnv =
                ConnectionSettings.resolve(new ConnectionSettings.Flags(null, null, cfg), env, tmp);
        assertEquals("http://env:3", fromEnv.server().toString());
        assertEquals("env-token", fromEnv.token().orElseThrow());

        ConnectionSettings fromFile =
                ConnectionSettings.resolve(new ConnectionSettings.Flags(null, null, cfg), Map.of(), tmp);
        assertEquals("http://file:1", fromFile.server().toString());
        assertEquals("file-token", fromFile.token().orElseThrow());
        assertEquals("http://audit:2", fromFile.auditServer().toString());
    }

    @Test
    void emptyEnvironmentValuesCountAsUnset() throws IOException {
        Path cfg = write(tmp.resolve("c.properties"), "token=file-token\n");
        ConnectionSettings s = ConnectionSettings.resolve(
                new ConnectionSettings.Flags(null, null, cfg),
                Map.of("PORTCULLIS_TOKEN", "", "PORTCULLIS_SERVER", "  "),
                tmp);
        assertEquals("file-token", s.token().orElseThrow());
        assertEquals("http://127.0.0.1:8080", s.server().toString());
    }

    @Test
    void configFileSearchOrder() throws IOException {
        Path userHome = tmp.resolve("home");
        Path checkout = tmp.resolve("checkout");
        Path userFile = write(userHome.resolve(".portcullis/cli.properties"), "token=user\n");
        Map<String, String> env = new HashMap<>(Map.of("PORTCULLIS_HOME", checkout.toString()));

        // nothing in the checkout yet: the user's file
        assertEquals(
                Optional.of(userFile),
                ConnectionSettings.resolve(NO_FLAGS, env, userHome).configFile());

        // the launcher's file in the checkout wins over the user's
        Path checkoutFile = write(checkout.resolve(".portcullis/cli.properties"), "token=checkout\n");
        ConnectionSettings s = ConnectionSettings.resolve(NO_FLAGS, env, userHome);
        assertEquals(Optional.of(checkoutFile), s.configFile());
        assertEquals("checkout", s.token().orElseThrow());

        // PORTCULLIS_CONFIG wins over both, and --config over it
        Path envFile = write(tmp.resolve("env.properties"), "token=env-file\n");
        env.put("PORTCULLIS_CONFIG", envFile.toString());
        assertEquals(
                "env-file",
                ConnectionSettings.resolve(NO_FLAGS, env, userHome).token().orElseThrow());
        Path flagFile = write(tmp.resolve("flag.properties"), "token=flag-file\n");
        assertEquals(
                "flag-file",
                ConnectionSettings.resolve(new ConnectionSettings.Flags(null, null, flagFile), env, userHome)
                        .token()
                        .orElseThrow());
    }

    @Test
    void aConfigFileNamedOnPurposeMustExist() {
        Path missing = tmp.resolve("nope.properties");
        CliException e = assertThrows(
                CliException.class,
                () -> ConnectionSettings.resolve(NO_FLAGS, Map.of("PORTCULLIS_CONFIG", missing.toString()), tmp));
        assertEquals("config file " + missing + " does not exist", e.getMessage());
        assertThrows(
                CliException.class,
                () -> ConnectionSettings.resolve(new ConnectionSettings.Flags(null, null, missing), Map.of(), tmp));
    }

    @Test
    void missingTokenSaysHowToGetOne() {
        ConnectionSettings s = ConnectionSettings.resolve(NO_FLAGS, Map.of(), tmp);
        CliException e = assertThrows(CliException.class, s::requireToken);
        assertTrue(e.getMessage().contains("PORTCULLIS_TOKEN"), e.getMessage());
        assertTrue(e.getMessage().contains("deploy/local/up.sh"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badUrlNamesWhereItCameFrom() {
        CliException e = assertThrows(
                CliException.class,
                () -> ConnectionSettings.resolve(NO_FLAGS, Map.of("PORTCULLIS_SERVER", "localhost:8080"), tmp));
        assertEquals(
                "invalid server URL 'localhost:8080' (from PORTCULLIS_SERVER): expected http://host:port"
                        + " or https://host:port",
                e.getMessage());
    }
}
