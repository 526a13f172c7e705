package dev.portcullis.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.AdminApi;
import dev.portcullis.testkit.KafkaBroker;
import dev.portcullis.testkit.Ports;
import dev.portcullis.testkit.PostgresCluster;
import dev.portcullis.testkit.QuarkusService;
import dev.portcullis.testkit.TestCertificates;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything around the proxy-node under test, all real: a TLS PostgreSQL with SCRAM, md5 and
 * cleartext roles, a PostgreSQL without TLS, a running api-server and policy-service, and the
 * Services, Secrets, Users and Sessions of the tests, written through the REST API.
 */
public class ProxyEnvironment implements QuarkusTestResourceLifecycleManager {
    public static final String ADMIN = "proxy-test-admin";
    public static final String CLUSTER = "proxy-test-cluster";
    public static final String PROXY = "proxy-test-proxy";

    static KafkaBroker kafka;
    static PostgresCluster tlsPg;
    static PostgresCluster plainPg;
    static QuarkusService apiServer;
    static AdminApi admin;
    static QuarkusService policyService;
    /** Service name -> the port clients connect to. */
    static final Map<String, Integer> PORTS = new HashMap<>();
    /** User name -> access token. */
    static final Map<String, String> TOKENS = new HashMap<>();

    @Override
    public Map<String, String> start() {
        kafka = KafkaBroker.startDefault();
        tlsPg = PostgresCluster.builder()
                .tls(true)
                .database("app")
                .scramRole("app_scram", "scram-pw")
                .md5Role("app_md5", "md5-pw")
                .passwordRole("app_clear", "clear-pw")
                .scramRole("prod_role", "prod-pw")
                .start();
        plainPg = PostgresCluster.builder()
                .tls(false)
                .database("app")
                .scramRole("app_scram", "scram-pw")
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
        resources();
        Map<String, String> config = new HashMap<>();
        for (String client : new String[] {"api-server", "policy-service"}) {
            int port = client.equals("api-server") ? apiServer.port() : policyService.port();
            config.put("quarkus.grpc.clients." + client + ".port", Integer.toString(port));
            config.put("quarkus.grpc.clients." + client + ".test-port", Integer.toString(port));
        }
        config.put("portcullis.proxy-token", PROXY);
        config.put("portcullis.listen.host", "127.0.0.1");
        config.put("portcullis.audit.bootstrap-servers", kafka.bootstrapServers());
        config.put(
                "portcullis.audit.spool-dir",
                apiServer.directory().resolve("proxy-spool").toString());
        return config;
    }

    private void resources() {
        post("secrets", AdminApi.secret("scram-pw", "scram-pw"));
        post("secrets", AdminApi.secret("md5-pw", "md5-pw"));
        post("secrets", AdminApi.secret("clear-pw", "clear-pw"));
        post("secrets", AdminApi.secret("prod-pw", "prod-pw"));
        post("secrets", AdminApi.secret("right-ca", tlsPg.caCertificatePem()));
        post("secrets", AdminApi.secret("wrong-ca", TestCertificates.newCa().certificatePem()));
        post(
                "policies",
                "metadata: {name: devs}\nspec: {rules: [{effect: ALLOW, condition: {match: '\"dev\" in ctx.user.spec.groups'}}]}\n");

        String tls = "postgres://127.0.0.1:" + tlsPg.port();
        String plain = "postgres://127.0.0.1:" + plainPg.port();
        service("svc-scram", tls, "app_scram", "scram-pw", "PREFER", "", """
                  dynamicConfig:
                    configs:
                      - name: prod
                        upstream: {url: "%s"}
                        postgres: {user: prod_role, database: app, auth: {password: {fromSecret: prod-pw}}}
                    rules:
                      - condition: {match: '"prod" in ctx.user.spec.groups'}
                        configName: prod
                """.formatted(tls));
        service("svc-md5", tls, "app_md5", "md5-pw", "DISABLE", "", "");
        service("svc-clear", tls, "app_clear", "clear-pw", "REQUIRE", "", "");
        service("svc-plain-prefer", plain, "app_scram", "scram-pw", "PREFER", "", "");
        service("svc-plain-require", plain, "app_scram", "scram-pw", "REQUIRE", "", "");
        service("svc-verify-ok", tls, "app_scram", "scram-pw", "VERIFY_FULL", "right-ca", "");
        service("svc-verify-bad", tls, "app_scram", "scram-pw", "VERIFY_FULL", "wrong-ca", "");
        service("svc-verify-ca-ok", tls, "app_scram", "scram-pw", "VERIFY_CA", "right-ca", "");
        service("svc-verify-ca-bad", tls, "app_scram", "scram-pw", "VERIFY_CA", "wrong-ca", "");
        service("svc-down", "postgres://127.0.0.1:" + Ports.freePort(), "app_scram", "scram-pw", "PREFER", "", "");

        post("users", "{\"metadata\":{\"name\":\"alice\"},\"spec\":{\"groups\":[\"dev\"]}}");
        post("users", "{\"metadata\":{\"name\":\"bob\"},\"spec\":{\"groups\":[\"dev\",\"prod\"]}}");
        post("users", "{\"metadata\":{\"name\":\"eve\"}}");
        post("users", "{\"metadata\":{\"name\":\"auditor\"},\"spec\":{\"groups\":[\"dev\"]}}");
        for (String u : new String[] {"alice", "bob", "eve", "auditor"}) {
            TOKENS.put(
                    u,
                    post("sessions", "{\"spec\":{\"user\":\"" + u + "\",\"ttl\":\"2h\"}}")
                            .get("accessToken")
                            .asText());
        }
    }

    private static void service(
            String name, String url, String user, String secret, String sslMode, String ca, String extra) {
        service(name, url, user, secret, sslMode, ca, "PREFER", extra);
    }

    /** A User in {@code groups} (a JSON array), with a Session whose token goes to {@link #TOKENS}. */
    static void user(String name, String groups) {
        post("users", "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"groups\":" + groups + "}}");
        TOKENS.put(name, admin.session(name, "1h"));
    }

    /** A Service for {@code user} on {@code url}; {@code extra} is appended to its spec. */
    static void service(
            String name,
            String url,
            String user,
            String secret,
            String sslMode,
            String ca,
            String channelBinding,
            String extra) {
        service(name, url, user, secret, sslMode, ca, channelBinding, "", extra);
    }

    /** As above, with {@code postgresExtra} added to spec.config.postgres (requireAuth: [md5], …). */
    static void service(
            String name,
            String url,
            String user,
            String secret,
            String sslMode,
            String ca,
            String channelBinding,
            String postgresExtra,
            String extra) {
        int port = Ports.freePort();
        PORTS.put(name, port);
        post("services", """
                kind: Service
                metadata: {name: %s}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "%s"}
                    postgres:
                      user: %s
                      database: app
                      auth: {password: {fromSecret: %s}}
                      sslMode: %s
                      caFromSecret: "%s"
                      channelBinding: %s
                      %s
                  authorization: {policies: [devs]}
                %s""".formatted(
                        name, port, url, user, secret, sslMode, ca, channelBinding, postgresExtra, extra));
    }

    /**
     * A Service under per-message authorization (authorization.mode ALL) on the TLS cluster whose
     * inline policies let group dev connect and run only SELECT, SET, SHOW and transaction control.
     */
    static void readOnlyService(String name) {
        int port = Ports.freePort();
        post("services", """
                kind: Service
                metadata: {name: %s}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://127.0.0.1:%d"}
                    postgres:
                      user: app_scram
                      database: app
                      auth: {password: {fromSecret: scram-pw}}
                      authorization: {mode: ALL}
                  authorization:
                    inlinePolicies:
                      - name: devs-connect
                        spec: {rules: [{effect: ALLOW, condition: {all: {of: [
                            {match: 'has(ctx.request.postgres.connect)'},
                            {match: '"dev" in ctx.user.spec.groups'}]}}}]}
                      - name: read-only
                        spec: {rules: [{effect: ALLOW, condition: {any: {of: [
                            {match: 'has(ctx.request.postgres.query) && ctx.request.postgres.query.commands.all(c, c in ["SELECT", "SET", "SHOW", "BEGIN", "COMMIT", "ROLLBACK"])'},
                            {match: 'has(ctx.request.postgres.parse) && ctx.request.postgres.parse.commands.all(c, c in ["SELECT", "SET", "SHOW", "BEGIN", "COMMIT", "ROLLBACK"])'}]}}}]}
                """.formatted(name, port, tlsPg.port()));
        PORTS.put(name, port);
    }

    static JsonNode post(String plural, String body) {
        return admin.post(plural, body);
    }

    static void put(String plural, String name, String body) {
        admin.put(plural, name, body);
    }

    static void delete(String plural, String name) {
        admin.delete(plural, name);
    }

    @Override
    public void stop() {
        for (AutoCloseable c : new AutoCloseable[] {policyService, apiServer, plainPg, tlsPg, kafka}) {
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
