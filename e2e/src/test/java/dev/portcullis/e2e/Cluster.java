package dev.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.HaProxy;
import dev.portcullis.testkit.Ports;
import dev.portcullis.testkit.PostgresCluster;
import dev.portcullis.testkit.QuarkusService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole Portcullis as an operator runs it, from the packaged apps: api-server,
 * policy-service, two proxy nodes (ids 1 and 2, peered for cancels) behind HAProxy in
 * round-robin, and a real upstream PostgreSQL. One demo Service and User.
 */
final class Cluster implements AutoCloseable {
    static final String ADMIN = "e2e-admin";
    static final String CLUSTER = "e2e-cluster";
    static final String PROXY = "e2e-proxy";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    final PostgresCluster upstream;
    final QuarkusService apiServer;
    final QuarkusService policyService;
    final List<QuarkusService> nodes = new ArrayList<>();
    final HaProxy balancer;
    final int servicePort;
    final String token;

    Cluster(Map<String, String> extraNodeConfig) {
        upstream = PostgresCluster.builder().tls(true).database("app").scramRole("app", "app-pw").start();
        apiServer = QuarkusService.builder("api-server")
                .property("portcullis.admin-token", ADMIN).property("portcullis.cluster-token", CLUSTER)
                .property("portcullis.proxy-token", PROXY).property("portcullis.data-dir", "data").start();
        policyService = QuarkusService.builder("policy-service")
                .property("quarkus.grpc.clients.api-server.port", Integer.toString(apiServer.port()))
                .property("portcullis.cluster-token", CLUSTER).property("portcullis.proxy-token", PROXY).start();

        servicePort = Ports.freePort();
        post("secrets", "{\"metadata\":{\"name\":\"app-pw\"},\"data\":{\"value\":\"app-pw\"}}");
        post("services", """
                kind: Service
                metadata: {name: pg-db}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://127.0.0.1:%d"}
                    postgres: {user: app, database: app, auth: {password: {fromSecret: app-pw}}}
                  authorization:
                    inlinePolicies:
                      - {name: devs, spec: {rules: [{effect: ALLOW, condition: {match: '"dev" in ctx.user.spec.groups'}}]}}
                """.formatted(servicePort, upstream.port()));
        post("users", "{\"metadata\":{\"name\":\"alice\"},\"spec\":{\"groups\":[\"dev\"]}}");
        token = post("sessions", "{\"spec\":{\"user\":\"alice\",\"ttl\":\"1h\"}}").get("accessToken").asText();

        int[] cancelPorts = {Ports.freePort(), Ports.freePort()};
        int[] localPorts = {servicePort, Ports.freePort()};
        List<InetSocketAddress> backends = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int other = 1 - i;
            QuarkusService.Builder node = QuarkusService.builder("proxy-node")
                    .property("quarkus.grpc.clients.api-server.port", Integer.toString(apiServer.port()))
                    .property("quarkus.grpc.clients.policy-service.port", Integer.toString(policyService.port()))
                    .property("portcullis.proxy-token", PROXY)
                    .property("portcullis.listen.host", "127.0.0.1")
                    .property("portcullis.listen.port-offset", Integer.toString(localPorts[i] - servicePort))
                    .property("portcullis.cancel.node-id", Integer.toString(i + 1))
                    .property("portcullis.cancel.port", Integer.toString(cancelPorts[i]))
                    .property("portcullis.cancel.peers", (other + 1) + "=127.0.0.1:" + cancelPorts[other])
                    .property("portcullis.audit.spool-dir", "spool");
            extraNodeConfig.forEach(node::property);
            nodes.add(node.start());
            backends.add(new InetSocketAddress("127.0.0.1", localPorts[i]));
        }
        balancer = HaProxy.roundRobin(backends);
    }

    JsonNode post(String plural, String body) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(apiServer.baseUrl() + "/api/v1/" + plural))
                    .header("Authorization", "Bearer " + ADMIN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST " + plural + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(balancer);
        all.addAll(nodes);
        all.add(policyService);
        all.add(apiServer);
        all.add(upstream);
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }
}
