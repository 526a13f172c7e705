package dev.portcullis.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where api-server is and which token to present. Each value is taken from the first of: the
 * command-line flag, the environment, the config file, the built-in default. The config file is
 * the one named by {@code --config} or {@code PORTCULLIS_CONFIG} (it must then exist), else
 * {@code $PORTCULLIS_HOME/.portcullis/cli.properties} (written by the local launcher), else
 * {@code ~/.portcullis/cli.properties}; the first of those that exists is the only one read.
 */
public record ConnectionSettings(URI server, Optional<String> token, URI auditServer, Optional<Path> configFile) {

    public static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
    public static final String DEFAULT_AUDIT_SERVER = "http://127.0.0.1:8082";
    static final String CONFIG_RELATIVE = ".portcullis/cli.properties";

    /** What the user passed on the command line; null when absent. */
    public record Flags(String server, String token, Path config) {}

    public static ConnectionSettings resolve(Flags flags, Map<String, String> env, Path userHome) {
        Optional<Path> configFile = configFile(flags.config(), env, userHome);
        Properties file = configFile.map(ConnectionSettings::load).orElseGet(Properties::new);
        String fileName = configFile.map(Path::toString).orElse("config file");

        URI server = url(
                "server",
                fileName,
                flags.server(),
                "--server",
                env.get("PORTCULLIS_SERVER"),
                "PORTCULLIS_SERVER",
                file.getProperty("server"),
                DEFAULT_SERVER);
        URI audit = url(
                "audit-server",
                fileName,
                null,
                null,
                env.get("PORTCULLIS_AUDIT_SERVER"),
                "PORTCULLIS_AUDIT_SERVER",
                file.getProperty("audit-server"),
                DEFAULT_AUDIT_SERVER);
        String token = first(flags.token(), env.get("PORTCULLIS_TOKEN"), file.getProperty("token"));
        return new ConnectionSettings(server, Optional.ofNullable(token), audit, configFile);
    }

    /** A URL from the first source that sets it; a bad one is reported with where it came from. */
    private static URI url(
            String key,
            String fileName,
            String flag,
            String flagName,
            String envValue,
            String envName,
            String fileValue,
            String dflt) {
        if (first(flag) != null) {
            return parseUrl(key, flag.trim(), flagName);
        }
        if (first(envValue) != null) {
            return parseUrl(key, envValue.trim(), envName);
        }
        if (first(fileValue) != null) {
            return parseUrl(key, fileValue.trim(), fileName);
        }
        return parseUrl(key, dflt, "default");
    }

    /** The token, or the one-line explanation of how to get one. */
    public String requireToken() {
        return token.orElseThrow(() ->
                new CliException("no api-server token: set PORTCULLIS_TOKEN (or pass --token, or put token=... in "
                        + configFile.map(Path::toString).orElse("~/" + CONFIG_RELATIVE)
                        + "), or start a local cluster with deploy/local/up.sh"));
    }

    static Optional<Path> configFile(Path flag, Map<String, String> env, Path userHome) {
        String fromEnv = blankToNull(env.get("PORTCULLIS_CONFIG"));
        Path explicit = flag != null ? flag : fromEnv != null ? Path.of(fromEnv.trim()) : null;
        if (explicit != null) {
            // named on purpose: a typo must not silently fall back to another cluster's token
            if (!Files.exists(explicit)) {
                throw new CliException("config file " + explicit + " does not exist");
            }
            // not isRegularFile: /dev/null and <(...) are fine ways to pass a config
            if (Files.isDirectory(explicit)) {
                throw new CliException("config file " + explicit + " is a directory");
            }
            return Optional.of(explicit);
        }
        String home = blankToNull(env.get("PORTCULLIS_HOME"));
        if (home != null) {
            Path p = Path.of(home).resolve(CONFIG_RELATIVE);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        if (userHome != null) {
            Path p = userHome.resolve(CONFIG_RELATIVE);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Properties load(Path path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new CliException("cannot read config file " + path + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** The first value that is set; an empty value (PORTCULLIS_TOKEN=) counts as unset. */
    static String first(String... values) {
        for (String v : values) {
            if (blankToNull(v) != null) {
                return v.trim();
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static URI parseUrl(String what, String text, String source) {
        String t = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        try {
            URI uri = new URI(t);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new URISyntaxException(text, "expected http://host:port or https://host:port");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException("invalid " + what + " URL '" + text + "' (from " + source
                    + "): expected http://host:port or https://host:port");
        }
    }
}
