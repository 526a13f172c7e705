package dev.portcullis.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The kinds of resource api-server manages, with every name a user may type for them. Kept
 * apart from the api module's own Kind on purpose: that one drags protobuf and gRPC in, and the
 * CLI must stay small and fast to start.
 */
public enum Kind {
    SERVICE("Service", "services", "svc"),
    SECRET("Secret", "secrets", "sec"),
    USER("User", "users", "usr"),
    GROUP("Group", "groups", "grp"),
    POLICY("Policy", "policies", "pol"),
    SESSION("Session", "sessions", "sess");

    private final String kindName;
    private final String plural;
    private final List<String> names;

    Kind(String kindName, String plural, String shortName) {
        this.kindName = kindName;
        this.plural = plural;
        this.names = List.of(kindName.toLowerCase(Locale.ROOT), plural, shortName);
    }

    /** "Service": the value of a document's {@code kind} field. */
    public String kindName() {
        return kindName;
    }

    /** "services": the REST path segment. */
    public String plural() {
        return plural;
    }

    /** "service": how output lines name it, as in {@code service/pg-db created}. */
    public String singular() {
        return names.get(0);
    }

    /** Accepts the kind, its plural or its short name, in any case. */
    public static Optional<Kind> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.names.contains(t)).findFirst();
    }

    /** "service, secret, user, group, policy or session", for error messages. */
    public static String allowedNames() {
        List<String> all = Arrays.stream(values()).map(Kind::singular).collect(Collectors.toList());
        return String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.get(all.size() - 1);
    }

    /** Lets picocli turn a bad kind into a usage error (exit 2) rather than a failure. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<Kind> {
        @Override
        public Kind convert(String value) {
            return parse(value)
                    .orElseThrow(() -> new picocli.CommandLine.TypeConversionException(
                            "unknown kind '" + value + "': use " + allowedNames()));
        }
    }
}
