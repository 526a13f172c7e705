package dev.portcullis.audit.security;

import dev.portcullis.http.auth.BearerToken;
import dev.portcullis.http.problem.ApiProblem;
import dev.portcullis.http.problem.Problems;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Every /api/v1 call needs the admin token (audit events are sensitive); health and metrics stay open for probes. */
public class RestAuthFilter {
    private final AdminToken admin;

    public RestAuthFilter(AdminToken admin) {
        this.admin = admin;
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
        if (!admin.matches(BearerToken.from(header))) {
            return Problems.response(ApiProblem.unauthorized("the bearer token is not valid"));
        }
        return null;
    }
}
