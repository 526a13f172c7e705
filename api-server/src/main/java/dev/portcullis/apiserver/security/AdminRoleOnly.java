package dev.portcullis.apiserver.security;

import dev.portcullis.http.auth.ApiAccess;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The REST management API (/api/v1) takes the admin token only; a cluster or proxy credential is
 * known but refused, so its caller learns that it holds the wrong credential, not a bad one.
 */
@ApplicationScoped
public class AdminRoleOnly implements ApiAccess {
    private final Credentials credentials;

    public AdminRoleOnly(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public boolean allows(String token) {
        return credentials.roleOf(token).filter(role -> role == Role.ADMIN).isPresent();
    }

    @Override
    public String refusal(String token) {
        return credentials.roleOf(token).isPresent()
                ? "the management API needs the admin token, not a cluster credential"
                : null;
    }
}
