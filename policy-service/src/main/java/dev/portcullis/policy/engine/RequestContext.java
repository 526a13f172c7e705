package dev.portcullis.policy.engine;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.v1.ObjectMeta;
import dev.portcullis.api.v1.PostgresRequest;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.User;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CEL `ctx` of a decision, shaped like the reference: ctx.user, ctx.session, ctx.service
 * and ctx.request.postgres.{connect,query,parse}. Every field a policy may name is present
 * (empty when unknown), so that a well-formed expression never fails on a missing key.
 */
final class RequestContext {
    private RequestContext() {}

    static Map<String, Object> of(User user, Session session, Service service, PostgresRequest request) {
        Map<String, Object> ctx = new HashMap<>(8);
        ctx.put(
                "user",
                Map.of(
                        "metadata", meta(user.getMetadata()),
                        "spec",
                                Map.of(
                                        "groups",
                                        List.copyOf(user.getSpec().getGroupsList()),
                                        "email",
                                        user.getSpec().getEmail())));
        ctx.put(
                "session",
                Map.of(
                        "metadata", meta(session.getMetadata()),
                        "spec", Map.of("user", session.getSpec().getUser()),
                        "status", Map.of("expiresAt", time(session.getStatus().getExpiresAt()))));
        ctx.put(
                "service",
                Map.of(
                        "metadata", meta(service.getMetadata()),
                        "spec",
                                Map.of("mode", service.getSpec().getMode(), "port", (long)
                                        service.getSpec().getPort())));
        ctx.put("request", Map.of("postgres", postgres(request)));
        return ctx;
    }

    private static Map<String, Object> postgres(PostgresRequest request) {
        return switch (request.getTypeCase()) {
            case CONNECT ->
                Map.of(
                        "connect",
                        Map.of(
                                "user", request.getConnect().getUser(),
                                "database", request.getConnect().getDatabase(),
                                "applicationName", request.getConnect().getApplicationName(),
                                // every setting the client asked for, by lower-case name: a rule can decide on them
                                "parameters", Map.copyOf(request.getConnect().getParametersMap())));
            case QUERY ->
                Map.of(
                        "query",
                        Map.of(
                                "query", request.getQuery().getQuery(),
                                "commands", List.copyOf(request.getQuery().getCommandsList())));
            case PARSE ->
                Map.of(
                        "parse",
                        Map.of(
                                "name", request.getParse().getName(),
                                "query", request.getParse().getQuery(),
                                "commands", List.copyOf(request.getParse().getCommandsList())));
            case TYPE_NOT_SET -> Map.of();
        };
    }

    private static Map<String, Object> meta(ObjectMeta m) {
        return Map.of("name", m.getName(), "uid", m.getUid());
    }

    private static String time(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }
}
