package dev.portcullis.audit.rest;

import dev.portcullis.audit.config.AuditConfig;
import dev.portcullis.audit.search.FilterParser;
import dev.portcullis.audit.search.InvalidSearchException;
import dev.portcullis.audit.search.SearchRequest;
import dev.portcullis.audit.store.AccessLogStore;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.List;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * {@code GET /api/v1/accesslogs}: search, one page at a time; {@code GET /api/v1/accesslogs/stream}:
 * the live tail as Server-Sent Events. Both take the same filters.
 */
@Path("/api/v1/accesslogs")
public class AccessLogEndpoint {
    private final AccessLogStore store;
    private final LiveTail tail;
    private final AuditConfig.Query query;

    public AccessLogEndpoint(AccessLogStore store, LiveTail tail, AuditConfig config) {
        this.store = store;
        this.tail = tail;
        this.query = config.query();
    }

    /** No @Produces: the JSON is written by hand (stored events go out as they are). */
    @GET
    public Response list(
            @RestQuery List<String> service,
            @RestQuery List<String> user,
            @RestQuery List<String> session,
            @RestQuery List<String> connection,
            @RestQuery List<String> type,
            @RestQuery String since,
            @RestQuery String until,
            @RestQuery String text,
            @RestQuery String limit,
            @RestQuery String cursor,
            @RestQuery String order) {
        var params = new FilterParser.Params(service, user, session, connection, type, since, until, text);
        SearchRequest request = FilterParser.request(
                params, number("limit", limit), cursor, order, query.defaultLimit(), query.maxLimit(), Instant.now());
        return Response.ok(ListBody.of(store.search(request)), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> stream(
            @RestQuery List<String> service,
            @RestQuery List<String> user,
            @RestQuery List<String> session,
            @RestQuery List<String> connection,
            @RestQuery List<String> type,
            @RestQuery String since,
            @RestQuery String until,
            @RestQuery String text,
            @Context Sse sse) {
        Instant now = Instant.now();
        var params = new FilterParser.Params(service, user, session, connection, type, since, until, text);
        return tail.open(FilterParser.filter(params, now), sse, now);
    }

    /** Parsed here rather than by JAX-RS, which answers a bad number with 404. */
    private static Integer number(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidSearchException(name + ": \"" + text + "\" is not a number");
        }
    }
}
