package dev.portcullis.proxy.health;

import dev.portcullis.proxy.state.ProxyState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once Services and Secrets are in from api-server: before that no listener is open. */
@Readiness
@ApplicationScoped
public class ProxyReadiness implements HealthCheck {
    private final ProxyState state;

    public ProxyReadiness(ProxyState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("api-server replica")
                .status(state.synced())
                .build();
    }
}
