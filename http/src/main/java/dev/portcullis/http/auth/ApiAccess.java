package dev.portcullis.http.auth;

/**
 * Which bearer tokens may call a service's /api/ endpoints: the part of {@link RestAuthFilter}
 * that each service decides. A service provides exactly one as a bean.
 */
public interface ApiAccess {
    /** @param token the bearer token presented; null when the header is not "Bearer ..." */
    boolean allows(String token);

    /**
     * Why a token that {@link #allows} refuses may not call the API, when the service knows the
     * token (a 403: a valid credential, meant for something else); null for a token it does not
     * know (a 401).
     */
    default String refusal(String token) {
        return null;
    }
}
