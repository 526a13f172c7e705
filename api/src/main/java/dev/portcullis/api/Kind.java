package dev.portcullis.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.portcullis.api.v1.Group;
import dev.portcullis.api.v1.Policy;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Secret;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.User;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The kinds of resource Portcullis manages, with the names users type for them ("Service",
 * "services", "service", "svc") and the protobuf message behind each.
 */
public enum Kind {
    SERVICE("Service", "services", "svc", Resource.KindCase.SERVICE, Service::newBuilder),
    SECRET("Secret", "secrets", "sec", Resource.KindCase.SECRET, Secret::newBuilder),
    USER("User", "users", "usr", Resource.KindCase.USER, User::newBuilder),
    GROUP("Group", "groups", "grp", Resource.KindCase.GROUP, Group::newBuilder),
    POLICY("Policy", "policies", "pol", Resource.KindCase.POLICY, Policy::newBuilder),
    SESSION("Session", "sessions", "sess", Resource.KindCase.SESSION, Session::newBuilder);

    public static final String API_VERSION = "core/v1";

    private final String displayName;
    private final String plural;
    private final String shortName;
    private final Resource.KindCase resourceCase;
    private final Supplier<Message.Builder> builder;

    Kind(
            String displayName,
            String plural,
            String shortName,
            Resource.KindCase resourceCase,
            Supplier<Message.Builder> builder) {
        this.displayName = displayName;
        this.plural = plural;
        this.shortName = shortName;
        this.resourceCase = resourceCase;
        this.builder = builder;
    }

    /** "Service": the value of a resource's {@code kind} field. */
    public String displayName() {
        return displayName;
    }

    /** "services": the REST path segment. */
    public String plural() {
        return plural;
    }

    public Message.Builder newBuilder() {
        return builder.get();
    }

    /** Accepts the kind name, its plural or short name, in any case. */
    public static Optional<Kind> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(k ->
                        k.displayName.toLowerCase(Locale.ROOT).equals(t) || k.plural.equals(t) || k.shortName.equals(t))
                .findFirst();
    }

    public static String allowedNames() {
        return Arrays.stream(values()).map(Kind::displayName).collect(Collectors.joining(", "));
    }

    public static Kind of(Resource resource) {
        for (Kind k : values()) {
            if (k.resourceCase == resource.getKindCase()) {
                return k;
            }
        }
        throw new IllegalArgumentException("empty resource");
    }

    /** The kind's message inside the envelope. */
    public Message unwrap(Resource resource) {
        FieldDescriptor field = Resource.getDescriptor().findFieldByNumber(resourceCase.getNumber());
        return (Message) resource.getField(field);
    }

    public Resource wrap(Message message) {
        FieldDescriptor field = Resource.getDescriptor().findFieldByNumber(resourceCase.getNumber());
        return Resource.newBuilder().setField(field, message).build();
    }
}
