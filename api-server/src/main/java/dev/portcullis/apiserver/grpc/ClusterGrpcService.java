package dev.portcullis.apiserver.grpc;

import dev.portcullis.api.v1.ClusterService;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.api.v1.WatchRequest;
import dev.portcullis.apiserver.resources.ResourceManager;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;

/**
 * The planes' watch: what the caller's credential entitles it to see (token hashes for
 * policy-service, Secret values for proxy nodes). The interceptor admits only plane credentials.
 */
@GrpcService
public class ClusterGrpcService implements ClusterService {
    private final ResourceManager manager;

    public ClusterGrpcService(ResourceManager manager) {
        this.manager = manager;
    }

    @Override
    public Multi<WatchEvent> watch(WatchRequest request) {
        return Watches.stream(manager, request, GrpcAuthInterceptor.currentRole());
    }
}
