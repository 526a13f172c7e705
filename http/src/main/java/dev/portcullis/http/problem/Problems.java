package dev.portcullis.http.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every REST error of every Portcullis service as problem JSON (RFC 9457): one shape for the
 * CLI and scripts to read. Services add mappers for their own exceptions with {@link #response}.
 */
public class Problems {
    private static final Logger LOG = Logger.getLogger(Problems.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String PROBLEM_JSON = "application/problem+json";

    public static Response response(ApiProblem p) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", "https://portcullis.dev/problems/" + p.status())
                .put("title", p.title())
                .put("status", p.status())
                .put("detail", p.detail());
        return Response.status(p.status())
                .type(PROBLEM_JSON)
                .entity(body.toString())
                .build();
    }

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem p) {
        return response(p);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return response(new ApiProblem(status, title, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        String ref = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error, reference %s", ref);
        return response(new ApiProblem(
                500,
                "Internal Server Error",
                "unexpected server error; the server log has the details under reference " + ref));
    }
}
