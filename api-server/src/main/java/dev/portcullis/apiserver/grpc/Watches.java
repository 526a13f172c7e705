package dev.portcullis.apiserver.grpc;

import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.api.v1.WatchRequest;
import dev.portcullis.apiserver.resources.ResourceManager;
import dev.portcullis.apiserver.security.Role;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** A watch stream: the snapshot is read on a worker thread, never on the gRPC event loop. */
final class Watches {
    private Watches() {}

    static Multi<WatchEvent> stream(ResourceManager manager, WatchRequest request, Role view) {
        return Multi.createFrom()
                .<WatchEvent>emitter(emitter -> {
                    try {
                        manager.watch(ResourceGrpcService.kinds(request), view, emitter);
                    } catch (RuntimeException e) {
                        emitter.fail(GrpcErrors.toStatus(e));
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
