package dev.portcullis.proxy.state;

import dev.portcullis.api.Kind;
import dev.portcullis.api.replica.ApiServerWatch;
import dev.portcullis.api.replica.ReplicaConnector;
import dev.portcullis.api.replica.ResourceReplica;
import dev.portcullis.api.v1.ClusterService;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Service;
import dev.portcullis.proxy.config.ProxyConfig;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Services and Secrets (and, to re-check live sessions, Sessions, Users, Groups and Policies),
 * replicated from api-server with the proxy credential. Each new
 * connection reads the current Service and Secret, so an edit or a rotated password applies to
 * the next connection with no restart, and live sessions carry on with what they started with.
 * While api-server is away, the last known state keeps serving.
 */
@ApplicationScoped
public class ProxyState {
    private final ResourceReplica replica = new ResourceReplica();
    private final ClusterService client;
    private final Channel channel;
    private final ProxyConfig config;
    private ReplicaConnector connector;

    public ProxyState(
            @GrpcClient("api-server") ClusterService client,
            @GrpcClient("api-server") Channel channel,
            ProxyConfig config) {
        this.client = client;
        this.channel = channel;
        this.config = config;
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        // identities and policies too: live sessions are re-checked when they change
        connector = ApiServerWatch.start(
                client,
                channel,
                config.proxyToken(),
                List.of(Kind.values()),
                replica,
                Duration.ofMillis(200),
                Duration.ofSeconds(5));
    }

    void stop(@Observes ShutdownEvent event) {
        if (connector != null) {
            connector.stop();
        }
    }

    public ResourceReplica replica() {
        return replica;
    }

    public boolean synced() {
        return replica.synced();
    }

    public Optional<Service> service(String name) {
        return replica.get(Kind.SERVICE, name).map(Resource::getService);
    }

    public Collection<Resource> services() {
        return replica.all(Kind.SERVICE);
    }

    /** A Secret's value; empty when the Secret is unknown. Never logged. */
    public Optional<String> secretValue(String name) {
        return replica.get(Kind.SECRET, name).map(r -> r.getSecret().getData().getValue());
    }
}
