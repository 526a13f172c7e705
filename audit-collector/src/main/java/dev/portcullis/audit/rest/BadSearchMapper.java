package dev.portcullis.audit.rest;

import dev.portcullis.audit.search.InvalidSearchException;
import dev.portcullis.http.problem.ApiProblem;
import dev.portcullis.http.problem.Problems;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A search parameter the caller got wrong: 400 problem JSON; the shared errors are mapped by {@link Problems}. */
public class BadSearchMapper {
    @ServerExceptionMapper
    public Response badSearch(InvalidSearchException e) {
        return Problems.response(ApiProblem.badRequest(e.getMessage()));
    }
}
