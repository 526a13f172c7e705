package dev.portcullis.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.api.Kind;
import dev.portcullis.api.codec.ResourceCodec;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.apiserver.resources.ResourceManager;
import dev.portcullis.apiserver.security.Role;
import dev.portcullis.http.problem.ApiProblem;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * /api/v1/{services,secrets,users,groups,policies,sessions}[/NAME]. Bodies may be JSON or
 * YAML whatever the Content-Type says (YAML is a superset of JSON); responses are JSON unless
 * the client accepts YAML.
 */
@Path("/api/v1/{plural}")
public class ResourceEndpoint {
    static final String YAML = "application/yaml";

    private final ResourceManager manager;

    public ResourceEndpoint(ResourceManager manager) {
        this.manager = manager;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, YAML})
    public Response list(@PathParam("plural") String plural, HttpHeaders headers) {
        Kind kind = kind(plural);
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        manager.list(kind, Role.ADMIN).forEach(r -> items.add(ResourceCodec.toTree(kind.unwrap(r))));
        ObjectNode list = JsonNodeFactory.instance
                .objectNode()
                .put("apiVersion", Kind.API_VERSION)
                .put("kind", kind.displayName() + "List");
        list.set("items", items);
        return render(list, headers, Response.Status.OK);
    }

    @GET
    @Path("{name}")
    @Produces({MediaType.APPLICATION_JSON, YAML})
    public Response get(@PathParam("plural") String plural, @PathParam("name") String name, HttpHeaders headers) {
        Kind kind = kind(plural);
        return render(tree(manager.get(kind, name, Role.ADMIN)), headers, Response.Status.OK);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, YAML})
    public Response create(@PathParam("plural") String plural, String body, HttpHeaders headers) {
        Kind kind = kind(plural);
        ResourceManager.Created created = manager.create(ResourceCodec.parse(requireBody(body), kind));
        if (created.accessToken() == null) {
            return render(tree(created.resource()), headers, Response.Status.CREATED);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("session", tree(created.resource()));
        out.put("accessToken", created.accessToken());
        Response r = render(out, headers, Response.Status.CREATED);
        return Response.fromResponse(r).header("Cache-Control", "no-store").build();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, YAML})
    public Response update(
            @PathParam("plural") String plural, @PathParam("name") String name, String body, HttpHeaders headers) {
        Kind kind = kind(plural);
        Resource updated = manager.update(kind, name, ResourceCodec.parse(requireBody(body), kind));
        return render(tree(updated), headers, Response.Status.OK);
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("plural") String plural, @PathParam("name") String name) {
        manager.delete(kind(plural), name);
        return Response.noContent().build();
    }

    private static Kind kind(String plural) {
        return Kind.parse(plural)
                .orElseThrow(() -> ApiProblem.notFound("unknown resource type \"" + plural
                        + "\"; expected one of "
                        + Arrays.stream(Kind.values()).map(Kind::plural).collect(Collectors.joining(", "))));
    }

    private static String requireBody(String body) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("empty request body; send the resource as JSON or YAML");
        }
        return body;
    }

    private static JsonNode tree(Resource r) {
        return ResourceCodec.toTree(Kind.of(r).unwrap(r));
    }

    private static Response render(JsonNode body, HttpHeaders headers, Response.Status status) {
        boolean yaml = headers.getAcceptableMediaTypes().stream()
                .anyMatch(m -> m.getSubtype().equals("yaml") || m.getSubtype().equals("x-yaml"));
        return yaml
                ? Response.status(status)
                        .type(YAML)
                        .entity(ResourceCodec.treeToYaml(body))
                        .build()
                : Response.status(status)
                        .type(MediaType.APPLICATION_JSON)
                        .entity(body.toString())
                        .build();
    }
}
