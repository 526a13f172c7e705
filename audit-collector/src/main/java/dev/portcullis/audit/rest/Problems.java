package dev.portcullis.audit.rest;

import dev.portcullis.audit.search.InvalidSearchException;
import dev.portcullis.http.problem.ApiProblem;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The collector's own errors as problem JSON; the shared ones are mapped by dev.portcullis.http. */
public class Problems {
    @ServerExceptionMapper
    public Response badSearch(InvalidSearchException e) {
        return dev.portcullis.http.problem.Problems.response(ApiProblem.badRequest(e.getMessage()));
    }
}
