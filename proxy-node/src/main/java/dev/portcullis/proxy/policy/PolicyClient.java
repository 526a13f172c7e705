package dev.portcullis.proxy.policy;

import dev.portcullis.api.grpc.ReconnectNow;
import dev.portcullis.api.v1.AuthorizationService;
import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.proxy.config.ProxyConfig;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * The one Authorize round trip per connection. Asynchronous (never blocks an event loop) and
 * bounded by a timeout; a failure or timeout is the caller's to turn into a refusal: when
 * policy cannot be evaluated, nobody gets in.
 */
@ApplicationScoped
public class PolicyClient {
    private final AuthorizationService client;
    private final ProxyConfig config;
    private final ReconnectNow reconnect;
    private final Channel channel;

    public PolicyClient(
            @GrpcClient("policy-service") AuthorizationService client,
            @GrpcClient("policy-service") Channel channel,
            ProxyConfig config) {
        this.channel = channel;
        this.reconnect = new ReconnectNow(channel, Duration.ofMillis(250));
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + config.proxyToken());
        this.client = GrpcClientUtils.attachHeaders(client, auth);
        this.config = config;
    }

    /**
     * Creates the channel and connects it at start: built lazily, the first client's Authorize paid
     * for both (over a second on a cold node, past the policy timeout on a busy one: a refusal).
     */
    void connectAtStart(@Observes StartupEvent event) {
        if (channel instanceof ManagedChannel managed) {
            managed.getState(true);
        }
    }

    public Uni<AuthorizeResponse> authorize(AuthorizeRequest request) {
        // a failure while policy-service was away: the next connection must not wait out gRPC's backoff
        return client.authorize(request)
                .ifNoItem()
                .after(config.timeouts().policy())
                .fail()
                .onFailure()
                .invoke(reconnect::ifFailing);
    }
}
