package dev.portcullis.bench;

import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.PostgresConnectRequest;
import dev.portcullis.api.v1.PostgresRequest;
import java.util.List;

/**
 * The reference setup both benchmarks decide on, as the YAML an admin would apply: a Service
 * {@code pg-db} with the reference's inline any.of policy and its prod/dev dynamic config, and
 * three Users. The in-memory benchmark parses these texts; the gRPC load POSTs them to api-server.
 */
final class ReferenceSetup {
    static final String SERVICE = "pg-db";

    static final String SECRET = """
            kind: Secret
            metadata: {name: pg-password}
            data: {value: bench-not-a-real-password}
            """;

    static final String SERVICE_YAML = """
            kind: Service
            metadata: {name: pg-db}
            spec:
              mode: POSTGRES
              port: 15432
              dynamicConfig:
                configs:
                  - name: prod
                    upstream: {url: "postgres://prod-db:5432"}
                    postgres: {user: prod, database: prod-db, auth: {password: {fromSecret: pg-password}}}
                  - name: dev
                    upstream: {url: "postgres://dev-db:5432"}
                    postgres: {user: dev, database: dev-db, auth: {password: {fromSecret: pg-password}}}
                rules:
                  - condition: {match: '"prod" in ctx.user.spec.groups'}
                    configName: prod
                  - condition: {matchAny: true}
                    configName: dev
              authorization:
                inlinePolicies:
                  - name: allow-db-01
                    spec:
                      rules:
                        - effect: ALLOW
                          condition:
                            any:
                              of:
                                - match: ctx.request.postgres.connect.user == "db-user-1"
                                - match: ctx.request.postgres.connect.database == "db-01"
            """;

    /** name → groups */
    static final List<List<String>> USERS = List.of(
            List.of("alice", "dev"),
            List.of("bob", "prod"),
            List.of("eve"));

    static String userYaml(List<String> user) {
        return "kind: User\nmetadata: {name: " + user.get(0) + "}\nspec: {groups: ["
                + String.join(", ", user.subList(1, user.size())) + "]}\n";
    }

    /** One decision to make, and what it must come out as. */
    enum Case {
        /** alice (dev) is allowed by the second any.of branch (database "db-01"), routed to dev */
        ALICE_ALLOWED("alice", "app", "db-01", true, "POLICY_MATCH", "dev"),
        /** bob (prod) is allowed by the first branch (user "db-user-1"), routed to prod */
        BOB_PROD("bob", "db-user-1", "postgres", true, "POLICY_MATCH", "prod"),
        /** eve matches no rule: default deny */
        EVE_DENIED("eve", "x", "y", false, "NO_POLICY_MATCH", "");

        final String user;
        final String dbUser;
        final String database;
        final boolean allowed;
        final String reason;
        final String config;

        Case(String user, String dbUser, String database, boolean allowed, String reason, String config) {
            this.user = user;
            this.dbUser = dbUser;
            this.database = database;
            this.allowed = allowed;
            this.reason = reason;
            this.config = config;
        }

        AuthorizeRequest request(String accessToken) {
            return AuthorizeRequest.newBuilder()
                    .setAccessToken(accessToken)
                    .setService(SERVICE)
                    .setPostgres(PostgresRequest.newBuilder().setConnect(PostgresConnectRequest.newBuilder()
                            .setUser(dbUser).setDatabase(database).setApplicationName("psql")))
                    .setClientAddress("127.0.0.1")
                    .build();
        }

        /** Null if the response is the expected one, else what is wrong with it. */
        String check(AuthorizeResponse r) {
            if (r.getAuthenticated() && r.getAuthorized() == allowed && r.getReason().getType().equals(reason)
                    && r.getConfigName().equals(config) && r.getUserRef().getName().equals(user)) {
                return null;
            }
            return name() + ": expected authenticated, authorized=" + allowed + ", reason " + reason + ", config '"
                    + config + "'; got " + r.toString().replace('\n', ' ');
        }
    }

    private ReferenceSetup() {
    }
}
