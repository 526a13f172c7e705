package dev.portcullis.apiserver.security;

import dev.portcullis.http.auth.BearerToken;
import dev.portcullis.http.problem.ApiProblem;
import dev.portcullis.http.problem.Problems;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Every /api/v1 call needs the admin token; health and metrics stay open for probes. */
public class RestAuthFilter {
    private final Credentials credentials;

    public RestAuthFilter(Credentials credentials) {
        this.credentials = credentials;
    }

    /** @return a problem response that ends the request, or null to let it through */
    @ServerRequestFilter
    public Response authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Problems.response(ApiProblem.unauthorized(
                    "missing Authorization header: send 'Authorization: Bearer <admin token>'"));
        }
        var role = credentials.roleOf(BearerToken.from(header));
        if (role.isEmpty()) {
            return Problems.response(ApiProblem.unauthorized("the bearer token is not valid"));
        }
        if (role.get() != Role.ADMIN) {
            return Problems.response(ApiProblem.forbidden(
                    "the management API needs the admin token, not a cluster credential"));
        }
        return null;
    }
}
