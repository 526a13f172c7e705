package dev.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.AdminApi;
import dev.portcullis.testkit.HaProxy;
import dev.portcullis.testkit.KafkaBroker;
import dev.portcullis.testkit.Ports;
import dev.portcullis.testkit.PostgresCluster;
import dev.portcullis.testkit.QuarkusService;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole Portcullis as an operator runs it, from the packaged apps: api-server,
 * policy-service, two proxy nodes (ids 1 and 2, peered for cancels) behind HAProxy in
 * round-robin, and a real upstream PostgreSQL. One demo Service and User. HAProxy connects to
 * the nodes from {@link #BALANCER_ADDRESS} with the PROXY protocol (v2), which the nodes trust
 * from that address only: clients on 127.0.0.1 may still reach a node directly.
 */
final class Cluster implements AutoCloseable {
    static final String BALANCER_ADDRESS = "127.0.0.3";
    /** Credentials: distinctive random values, so that a test can search for them anywhere (SecretsNeverLeakTest). */
    static final String ADMIN = SecretsNeverLeakTest.distinct("admin-token");

    static final String CLUSTER = SecretsNeverLeakTest.distinct("cluster-token");
    static final String PROXY = SecretsNeverLeakTest.distinct("proxy-token");

    final PostgresCluster upstream;
    final QuarkusService apiServer;
    final AdminApi admin;
    final QuarkusService policyService;
    final List<QuarkusService> nodes = new ArrayList<>();
    final HaProxy balancer;
    /** With audit: a real Kafka broker and audit-collector; else null and publishing is off. */
    final KafkaBroker kafka;

    final QuarkusService collector;
    final int servicePort;
    final String token;

    Cluster(boolean audit) {
        kafka = audit ? KafkaBroker.startDefault() : null;
        upstream = PostgresCluster.builder()
                .tls(true)
                .database("app")
                .scramRole("app", "app-pw")
                .maxConnections(600)
                .start();
        apiServer = QuarkusService.builder("api-server")
                .property("portcullis.admin-token", ADMIN)
                .property("portcullis.cluster-token", CLUSTER)
                .property("portcullis.proxy-token", PROXY)
                .property("portcullis.data-dir", "data")
                .start();
        admin = new AdminApi(apiServer.baseUrl(), ADMIN);
        policyService = QuarkusService.builder("policy-service")
                .property("quarkus.grpc.clients.api-server.port", Integer.toString(apiServer.port()))
                .property("portcullis.cluster-token", CLUSTER)
                .property("portcullis.proxy-token", PROXY)
                .start();

        collector = audit
                ? QuarkusService.builder("audit-collector")
                        .property("portcullis.admin-token", ADMIN)
                        .property("portcullis.data-dir", "data")
                        .property("portcullis.kafka.bootstrap-servers", kafka.bootstrapServers())
                        .start()
                : null;
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
                  sessionLimits: {maxConnectionsPerUser: 1000}
                  authorization:
                    inlinePolicies:
                      - {name: devs, spec: {rules: [{effect: ALLOW, condition: {match: '"dev" in ctx.user.spec.groups'}}]}}
                """.formatted(servicePort, upstream.port()));
        post("users", "{\"metadata\":{\"name\":\"alice\"},\"spec\":{\"groups\":[\"dev\"]}}");
        token = admin.session("alice", "1h");

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
                    .property("portcullis.listen.trusted-proxies", BALANCER_ADDRESS + "/32")
                    .property("portcullis.listen.port-offset", Integer.toString(localPorts[i] - servicePort))
                    .property("portcullis.cancel.node-id", Integer.toString(i + 1))
                    .property("portcullis.cancel.port", Integer.toString(cancelPorts[i]))
                    .property("portcullis.cancel.peers", (other + 1) + "=127.0.0.1:" + cancelPorts[other])
                    .property("portcullis.audit.spool-dir", "spool");
            if (audit) {
                node.property("portcullis.audit.bootstrap-servers", kafka.bootstrapServers());
            } else {
                node.property("portcullis.audit.enabled", "false");
            }
            nodes.add(node.start());
            backends.add(new InetSocketAddress("127.0.0.1", localPorts[i]));
        }
        balancer = HaProxy.roundRobinWithProxyProtocol(backends, BALANCER_ADDRESS);
    }

    /** One page of the audit-collector's search (GET /api/v1/accesslogs?query), as the admin. */
    List<JsonNode> search(String query) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(collector.baseUrl() + "/api/v1/accesslogs?" + query))
                                .header("Authorization", "Bearer " + ADMIN)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("search " + query + ": " + r.statusCode() + " " + r.body());
        }
        List<JsonNode> out = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.body())
                .get("items")
                .forEach(out::add);
        return out;
    }

    JsonNode post(String plural, String body) {
        return admin.post(plural, body);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(balancer);
        all.addAll(nodes);
        all.add(policyService);
        all.add(collector);
        all.add(kafka);
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
