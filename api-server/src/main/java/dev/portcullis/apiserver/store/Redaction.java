package dev.portcullis.apiserver.store;

import dev.portcullis.api.v1.Resource;
import dev.portcullis.apiserver.security.Role;

/**
 * What each caller may see of a resource: Secret values only proxy nodes, Session token
 * hashes only policy-service. The one place that decides it, for reads and watch events alike.
 */
public final class Redaction {
    private Redaction() {}

    public static boolean showsSecretValues(Role role) {
        return role == Role.PROXY;
    }

    public static boolean showsTokenHashes(Role role) {
        return role == Role.CLUSTER;
    }

    public static Resource forRole(Resource full, Role role) {
        return switch (full.getKindCase()) {
            case SECRET ->
                showsSecretValues(role)
                        ? full
                        : Resource.newBuilder()
                                .setSecret(full.getSecret().toBuilder().clearData())
                                .build();
            case SESSION ->
                showsTokenHashes(role)
                        ? full
                        : Resource.newBuilder()
                                .setSession(full.getSession().toBuilder()
                                        .setStatus(full.getSession().getStatus().toBuilder()
                                                .clearTokenHash()))
                                .build();
            default -> full;
        };
    }
}
