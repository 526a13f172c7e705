package dev.portcullis.policy;

import dev.portcullis.testkit.AdminApi;
import dev.portcullis.testkit.Ports;
import dev.portcullis.testkit.QuarkusService;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * An api-server that the policy-service under test is pointed at but that is not running when
 * the policy-service starts: the test starts (and stops) it, to see the policy-service before
 * its first sync and after api-server is gone.
 */
public class LateApiServer implements QuarkusTestResourceLifecycleManager {
    private static int port;
    private static QuarkusService apiServer;

    @Override
    public Map<String, String> start() {
        port = Ports.freePort();
        return Map.of(
                "quarkus.grpc.clients.api-server.port",
                Integer.toString(port),
                "quarkus.grpc.clients.api-server.test-port",
                Integer.toString(port),
                "portcullis.cluster-token",
                RunningApiServer.CLUSTER,
                "portcullis.proxy-token",
                RunningApiServer.PROXY,
                // retry the watch often while nothing listens, so the first sync follows the start closely
                "portcullis.watch.max-backoff",
                "500ms");
    }

    /** Starts api-server on the port the policy-service watches (again, after a stop), and waits until it is ready. */
    static synchronized QuarkusService startApiServer() {
        if (apiServer == null) {
            apiServer = QuarkusService.builder("api-server")
                    .port(port)
                    .property("portcullis.admin-token", RunningApiServer.ADMIN)
                    .property("portcullis.cluster-token", RunningApiServer.CLUSTER)
                    .property("portcullis.proxy-token", RunningApiServer.PROXY)
                    .property("portcullis.data-dir", "data")
                    .start();
        } else {
            apiServer.start();
        }
        return apiServer;
    }

    static synchronized QuarkusService apiServer() {
        return apiServer;
    }

    static AdminApi admin() {
        return new AdminApi(apiServer().baseUrl(), RunningApiServer.ADMIN);
    }

    @Override
    public void stop() {
        synchronized (LateApiServer.class) {
            if (apiServer != null) {
                apiServer.close();
                apiServer = null;
            }
        }
    }
}
