package dev.portcullis.policy;

import dev.portcullis.testkit.QuarkusService;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A real api-server process feeding the policy-service under test. */
public class RunningApiServer implements QuarkusTestResourceLifecycleManager {
    public static final String ADMIN = "policy-test-admin";
    public static final String CLUSTER = "policy-test-cluster";
    public static final String PROXY = "policy-test-proxy";
    static QuarkusService apiServer;

    @Override
    public Map<String, String> start() {
        apiServer = QuarkusService.builder("api-server")
                .property("portcullis.admin-token", ADMIN)
                .property("portcullis.cluster-token", CLUSTER)
                .property("portcullis.proxy-token", PROXY)
                .property("portcullis.data-dir", "data")
                .start();
        return Map.of(
                "quarkus.grpc.clients.api-server.port",
                Integer.toString(apiServer.port()),
                // in test mode the client would otherwise dial the test port of the app itself
                "quarkus.grpc.clients.api-server.test-port",
                Integer.toString(apiServer.port()),
                "portcullis.cluster-token",
                CLUSTER,
                "portcullis.proxy-token",
                PROXY);
    }

    @Override
    public void stop() {
        if (apiServer != null) {
            apiServer.close();
        }
    }
}
