package dev.portcullis.api.replica;

import dev.portcullis.api.Kind;
import dev.portcullis.api.grpc.ReconnectNow;
import dev.portcullis.api.v1.ClusterService;
import dev.portcullis.api.v1.WatchRequest;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.quarkus.grpc.GrpcClientUtils;
import java.time.Duration;
import java.util.Collection;

/** Opens a plane's watch of api-server (ClusterService) with its bearer credential, into a replica. */
public final class ApiServerWatch {
    private ApiServerWatch() {}

    /**
     * Starts watching; the returned connector reconnects on its own until stopped, and has
     * {@code channel} (the client's) reconnect at once rather than after gRPC's growing backoff.
     */
    public static ReplicaConnector start(
            ClusterService client,
            Channel channel,
            String credential,
            Collection<Kind> kinds,
            ResourceReplica replica,
            Duration initialBackoff,
            Duration maxBackoff) {
        ReconnectNow reconnect = new ReconnectNow(channel, Duration.ZERO);
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + credential);
        ClusterService authed = GrpcClientUtils.attachHeaders(client, auth);
        WatchRequest request = WatchRequest.newBuilder()
                .addAllKinds(kinds.stream().map(Kind::displayName).toList())
                .build();
        ReplicaConnector connector = new ReplicaConnector(
                () -> authed.watch(request), replica, initialBackoff, maxBackoff, reconnect::ifFailing);
        connector.start();
        return connector;
    }
}
