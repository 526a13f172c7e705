package dev.portcullis.http.auth;

import dev.portcullis.http.problem.ApiProblem;
import dev.portcullis.http.problem.Problems;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every /api/v1 call needs a bearer token the service's {@link ApiAccess} allows; health and
 * metrics stay open for probes.
 */
public class RestAuthFilter {
    private final ApiAccess access;

    public RestAuthFilter(ApiAccess access) {
        this.access = access;
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
        String token = BearerToken.from(header);
        if (access.allows(token)) {
            return null;
        }
        String refusal = access.refusal(token);
        if (refusal == null) {
            return Problems.response(ApiProblem.unauthorized("the bearer token is not valid"));
        }
        return Problems.response(ApiProblem.forbidden(refusal));
    }
}
