package dev.portcullis.proxy.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who may set each PostgreSQL configuration parameter: its GUC context, from PostgreSQL's own
 * tables (the resource {@code postgres-settings.tsv}). {@code userset} is what any user may set;
 * the others are for a superuser ({@code suset}, {@code su_backend}), the connection's start by
 * convention for developers ({@code backend}), or the server's configuration ({@code sighup},
 * {@code postmaster}, {@code internal}).
 */
final class PostgresSettings {
    private static final Map<String, String> CONTEXTS = load();

    private PostgresSettings() {}

    /** The context of a parameter (any case), or empty when PostgreSQL has no such parameter. */
    static Optional<String> context(String name) {
        return Optional.ofNullable(CONTEXTS.get(name.toLowerCase(Locale.ROOT)));
    }

    static boolean userSettable(String name) {
        return "userset".equals(CONTEXTS.get(name.toLowerCase(Locale.ROOT)));
    }

    private static Map<String, String> load() {
        Map<String, String> contexts = new HashMap<>();
        try (InputStream in = PostgresSettings.class.getResourceAsStream("/postgres-settings.tsv")) {
            if (in == null) {
                throw new IllegalStateException("postgres-settings.tsv is missing from the proxy-node jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] nameAndContext = line.split("\t");
                contexts.put(nameAndContext[0], nameAndContext[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(contexts);
    }
}
