package dev.portcullis.policy.replica;

import dev.portcullis.api.Kind;
import dev.portcullis.api.replica.ApiServerWatch;
import dev.portcullis.api.replica.ReplicaConnector;
import dev.portcullis.api.replica.ResourceReplica;
import dev.portcullis.api.v1.ClusterService;
import dev.portcullis.api.v1.Group;
import dev.portcullis.api.v1.Policy;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.User;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.policy.engine.Directory;
import dev.portcullis.policy.engine.PolicyEngine;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replica of Sessions, Users, Groups, Policies and Services this service decides from,
 * kept current by api-server's watch; plus the token-hash index that finds a Session in O(1).
 * No decision calls api-server.
 */
@ApplicationScoped
public class ApiServerReplica implements Directory, ResourceReplica.Listener {
    private final ResourceReplica replica = new ResourceReplica();
    private final Map<String, String> sessionByHash = new ConcurrentHashMap<>();
    private final ClusterService client;
    private final Channel channel;
    private final PolicyServiceConfig config;
    private ReplicaConnector connector;

    public ApiServerReplica(
            @GrpcClient("api-server") ClusterService client,
            @GrpcClient("api-server") Channel channel,
            PolicyServiceConfig config) {
        this.client = client;
        this.channel = channel;
        this.config = config;
        replica.addListener(this);
    }

    void start(@Observes StartupEvent event) {
        connector = ApiServerWatch.start(
                client,
                channel,
                config.clusterToken(),
                PolicyEngine.KINDS,
                replica,
                config.watch().initialBackoff(),
                config.watch().maxBackoff());
    }

    void stop(@Observes ShutdownEvent event) {
        if (connector != null) {
            connector.stop();
        }
    }

    public boolean synced() {
        return replica.synced();
    }

    @Override
    public void changed(WatchEvent.Type type, Resource resource) {
        if (resource.hasSession()) {
            String hash = resource.getSession().getStatus().getTokenHash();
            if (type == WatchEvent.Type.DELETED) {
                sessionByHash.remove(hash);
            } else if (!hash.isEmpty()) {
                sessionByHash.put(hash, resource.getSession().getMetadata().getName());
            }
        }
    }

    @Override
    public void resynced(ResourceReplica r) {
        Map<String, String> fresh = new ConcurrentHashMap<>();
        r.all(Kind.SESSION).forEach(s -> {
            String hash = s.getSession().getStatus().getTokenHash();
            if (!hash.isEmpty()) {
                fresh.put(hash, s.getSession().getMetadata().getName());
            }
        });
        sessionByHash.keySet().retainAll(fresh.keySet());
        sessionByHash.putAll(fresh);
    }

    @Override
    public Optional<Session> sessionByTokenHash(String tokenHash) {
        String name = sessionByHash.get(tokenHash);
        return name == null
                ? Optional.empty()
                : replica.get(Kind.SESSION, name)
                        .map(Resource::getSession)
                        // the index may lag a delete by a moment; the Session itself is the truth
                        .filter(s -> s.getStatus().getTokenHash().equals(tokenHash));
    }

    @Override
    public Optional<User> user(String name) {
        return replica.get(Kind.USER, name).map(Resource::getUser);
    }

    @Override
    public Optional<Group> group(String name) {
        return replica.get(Kind.GROUP, name).map(Resource::getGroup);
    }

    @Override
    public Optional<Policy> policy(String name) {
        return replica.get(Kind.POLICY, name).map(Resource::getPolicy);
    }

    @Override
    public Optional<Service> service(String name) {
        return replica.get(Kind.SERVICE, name).map(Resource::getService);
    }
}
