package dev.portcullis.apiserver.rest;

import dev.portcullis.api.codec.ResourceFormatException;
import dev.portcullis.http.problem.ApiProblem;
import dev.portcullis.http.problem.Problems;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A document that does not parse as a resource: 400 problem JSON; the shared errors are mapped by {@link Problems}. */
public class BadDocumentMapper {
    @ServerExceptionMapper
    public Response badDocument(ResourceFormatException e) {
        return Problems.response(ApiProblem.badRequest(e.getMessage()));
    }
}
