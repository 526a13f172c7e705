package dev.portcullis.policy.health;

import dev.portcullis.policy.replica.ApiServerReplica;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the first full snapshot from api-server: deciding from nothing would deny everyone. */
@Readiness
@ApplicationScoped
public class ReplicaReadiness implements HealthCheck {
    private final ApiServerReplica replica;

    public ReplicaReadiness(ApiServerReplica replica) {
        this.replica = replica;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("api-server replica")
                .status(replica.synced())
                .withData("synced", replica.synced())
                .build();
    }
}
