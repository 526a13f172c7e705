package dev.portcullis.apiserver.rest;

import dev.portcullis.api.codec.ResourceFormatException;
import dev.portcullis.http.problem.ApiProblem;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** api-server's own errors as problem JSON; the shared ones are mapped by dev.portcullis.http. */
public class Problems {
    @ServerExceptionMapper
    public Response badDocument(ResourceFormatException e) {
        return dev.portcullis.http.problem.Problems.response(ApiProblem.badRequest(e.getMessage()));
    }
}
