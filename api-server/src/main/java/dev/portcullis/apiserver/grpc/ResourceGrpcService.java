package dev.portcullis.apiserver.grpc;

import dev.portcullis.api.Kind;
import dev.portcullis.api.v1.DeleteRequest;
import dev.portcullis.api.v1.DeleteResponse;
import dev.portcullis.api.v1.GetRequest;
import dev.portcullis.api.v1.IssueSessionRequest;
import dev.portcullis.api.v1.IssueSessionResponse;
import dev.portcullis.api.v1.ListRequest;
import dev.portcullis.api.v1.ListResponse;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.ResourceService;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.SessionSpec;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.api.v1.WatchRequest;
import dev.portcullis.apiserver.resources.ResourceManager;
import dev.portcullis.apiserver.security.Role;
import dev.portcullis.http.problem.ApiProblem;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/** The management API over gRPC: the same operations and errors as REST. */
@GrpcService
public class ResourceGrpcService implements ResourceService {
    private final ResourceManager manager;

    public ResourceGrpcService(ResourceManager manager) {
        this.manager = manager;
    }

    @Override
    public Uni<Resource> get(GetRequest request) {
        // the management API shows the management view, whichever credential reads it
        return blocking(() -> manager.get(kind(request.getKind()), request.getName(), Role.ADMIN));
    }

    @Override
    public Uni<ListResponse> list(ListRequest request) {
        return blocking(() -> ListResponse.newBuilder()
                .addAllItems(manager.list(kind(request.getKind()), Role.ADMIN))
                .build());
    }

    @Override
    public Uni<Resource> create(dev.portcullis.api.v1.WriteRequest request) {
        return blocking(() -> manager.create(request.getResource()).resource());
    }

    @Override
    public Uni<Resource> update(dev.portcullis.api.v1.WriteRequest request) {
        return blocking(() -> {
            Resource r = request.getResource();
            if (r.getKindCase() == Resource.KindCase.KIND_NOT_SET) {
                throw ApiProblem.badRequest("resource: missing");
            }
            return manager.update(Kind.of(r), dev.portcullis.api.Resources.name(r), r);
        });
    }

    @Override
    public Uni<DeleteResponse> delete(DeleteRequest request) {
        return blocking(() -> {
            manager.delete(kind(request.getKind()), request.getName());
            return DeleteResponse.getDefaultInstance();
        });
    }

    @Override
    public Uni<IssueSessionResponse> issueSession(IssueSessionRequest request) {
        return blocking(() -> {
            Session.Builder s = Session.newBuilder()
                    .setSpec(SessionSpec.newBuilder().setUser(request.getUser()).setTtl(request.getTtl()));
            s.getMetadataBuilder().setName(request.getName());
            var created = manager.create(Resource.newBuilder().setSession(s).build());
            return IssueSessionResponse.newBuilder()
                    .setSession(created.resource().getSession())
                    .setAccessToken(created.accessToken())
                    .build();
        });
    }

    @Override
    public Multi<WatchEvent> watch(WatchRequest request) {
        return Watches.stream(manager, request, Role.ADMIN);
    }

    static Kind kind(String name) {
        return Kind.parse(name)
                .orElseThrow(() -> ApiProblem.badRequest(
                        "kind: unknown kind \"" + name + "\"; expected one of " + Kind.allowedNames()));
    }

    static Set<Kind> kinds(WatchRequest request) {
        if (request.getKindsCount() == 0) {
            return EnumSet.allOf(Kind.class);
        }
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        request.getKindsList().forEach(k -> kinds.add(kind(k)));
        return kinds;
    }

    static <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom()
                .item(work)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure()
                .transform(GrpcErrors::toStatus);
    }
}
