package dev.portcullis.policy.grpc;

import dev.portcullis.api.v1.AuthorizationService;
import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.policy.engine.ExpressionCache;
import dev.portcullis.policy.engine.PolicyEngine;
import dev.portcullis.policy.replica.ApiServerReplica;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.time.Clock;

/**
 * Authorize: one round trip per connect (or per message in mode ALL). Decides on the event
 * loop: the replica is in memory and a decision takes microseconds, so no thread hop. Before
 * the first sync it answers UNAVAILABLE, which proxies treat as a refusal (fail closed).
 */
@GrpcService
public class AuthorizationGrpcService implements AuthorizationService {
    private final PolicyEngine engine;
    private final ApiServerReplica replica;
    private final MeterRegistry metrics;
    private final Timer latency;

    public AuthorizationGrpcService(ApiServerReplica replica, MeterRegistry metrics) {
        this.replica = replica;
        this.engine = new PolicyEngine(replica, new ExpressionCache(), Clock.systemUTC());
        this.metrics = metrics;
        this.latency = Timer.builder("portcullis.policy.decision.latency")
                .description("time to decide one Authorize call")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    @Override
    public Uni<AuthorizeResponse> authorize(AuthorizeRequest request) {
        if (!replica.synced()) {
            return Uni.createFrom()
                    .failure(Status.UNAVAILABLE
                            .withDescription("policy-service has not yet synced with api-server")
                            .asRuntimeException());
        }
        long start = System.nanoTime();
        AuthorizeResponse response = engine.decide(request);
        latency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        metrics.counter(
                        "portcullis.policy.decisions",
                        "authorized",
                        Boolean.toString(response.getAuthorized()),
                        "reason",
                        response.getReason().getType())
                .increment();
        return Uni.createFrom().item(response);
    }
}
