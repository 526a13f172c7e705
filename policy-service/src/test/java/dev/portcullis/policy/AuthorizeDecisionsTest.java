package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.v1.AuthorizeResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decisions of a running policy-service fed by a running api-server, one row per behaviour:
 * every condition kind, priorities, DENY before ALLOW, default deny, runtime errors, the
 * reference's any.of example, the sources of rules (Service, Policy, User, Group) and the
 * reference's dynamic config routing.
 */
@QuarkusTest
@QuarkusTestResource(RunningApiServer.class)
class AuthorizeDecisionsTest {
    static final Map<String, String> TOKENS = new HashMap<>();
    private static int port = 21000;

    record Row(String what, String user, String service, String dbUser, String database,
            boolean allowed, String reasonType, String policy, String config, String messagePart) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                // the reference's inline any.of example
                new Row("any.of: first branch", "alice", "svc-ref", "db-user-1", "x", true, "POLICY_MATCH", "allow-dev", "", null),
                new Row("any.of: second branch", "alice", "svc-ref", "x", "db-01", true, "POLICY_MATCH", "allow-dev", "", null),
                new Row("any.of: neither branch is a default deny", "alice", "svc-ref", "x", "y", false, "NO_POLICY_MATCH", null, null,
                        "no rule allows User alice"),
                // the reference's dynamic config
                new Row("prod group routes to prod", "bob", "svc-dyn", "any", "any", true, "POLICY_MATCH", "everyone", "prod", null),
                new Row("others fall to matchAny: dev", "alice", "svc-dyn", "any", "any", true, "POLICY_MATCH", "everyone", "dev", null),
                new Row("no dynamic rule matches: the default config", "eve", "svc-dyndefault", "any", "any", true, "POLICY_MATCH",
                        "everyone", "", null),
                // condition kinds
                new Row("all.of matches", "alice", "svc-kinds", "u", "all", true, "POLICY_MATCH", "kinds", "", null),
                new Row("all.of fails on one", "eve", "svc-kinds", "u", "all", false, "NO_POLICY_MATCH", null, null, null),
                new Row("none.of matches", "alice", "svc-kinds", "u", "none", true, "POLICY_MATCH", "kinds", "", null),
                new Row("none.of fails", "bob", "svc-kinds", "u", "none", false, "NO_POLICY_MATCH", null, null, null),
                new Row("not matches", "alice", "svc-kinds", "u", "not", true, "POLICY_MATCH", "kinds", "", null),
                new Row("not fails", "eve", "svc-kinds", "u", "not", false, "NO_POLICY_MATCH", null, null, null),
                // ordering
                new Row("DENY before ALLOW at equal priority", "eve", "svc-prio", "u", "d", false, "POLICY_MATCH", "deny-eve", null, null),
                new Row("ALLOW when the DENY does not match", "alice", "svc-prio", "u", "d", true, "POLICY_MATCH", "allow-all", "", null),
                new Row("lower priority first: ALLOW -1 beats DENY 1", "alice", "svc-prio2", "u", "d", true, "POLICY_MATCH", "alice-first", "",
                        null),
                new Row("lower priority first: DENY 1 for the rest", "bob", "svc-prio2", "u", "d", false, "POLICY_MATCH", "deny-rest", null, null),
                // runtime errors never allow, and are named
                new Row("runtime error is no match, named in the reason", "alice", "svc-err", "u", "d", false, "NO_POLICY_MATCH", null, null,
                        "ctx.request.postgres.query.query"),
                new Row("none.of with a failing expression does not match", "alice", "svc-errnone", "u", "d", false, "NO_POLICY_MATCH", null,
                        null, "failed"),
                // where rules come from
                new Row("attached Policy allows its group", "dana", "svc-policy", "u", "d", true, "POLICY_MATCH", "dba-only", "", null),
                new Row("attached Policy denies the rest", "alice", "svc-policy", "u", "d", false, "NO_POLICY_MATCH", null, null, null),
                new Row("Group's inline policy", "olga", "svc-group", "u", "d", true, "POLICY_MATCH", "allow-ops", "", null),
                new Row("User's inline policy", "ursula", "svc-user", "u", "d", true, "POLICY_MATCH", "mine", "", null),
                new Row("no rules at all: deny", "alice", "svc-none", "u", "d", false, "NO_POLICY_MATCH", null, null, null),
                new Row("unknown Service", "alice", "svc-missing", "u", "d", false, "SERVICE_NOT_FOUND", null, null, "svc-missing"));
    }

    @BeforeAll
    static void resources() {
        ApiServerClient.post("secrets", "{\"metadata\":{\"name\":\"pw\"},\"data\":{\"value\":\"x\"}}");
        ApiServerClient.post("policies", """
                metadata: {name: dba-only}
                spec: {rules: [{effect: ALLOW, condition: {match: '"dba" in ctx.user.spec.groups'}}]}
                """);
        ApiServerClient.post("groups", """
                metadata: {name: ops}
                spec:
                  authorization:
                    inlinePolicies:
                      - name: allow-ops
                        spec: {rules: [{effect: ALLOW, condition: {match: 'ctx.service.metadata.name == "svc-group"'}}]}
                """);
        user("alice", "dev");
        user("bob", "prod");
        user("eve", null);
        user("dana", "dba");
        user("olga", "ops");
        ApiServerClient.post("users", """
                metadata: {name: ursula}
                spec:
                  authorization:
                    inlinePolicies:
                      - name: mine
                        spec: {rules: [{effect: ALLOW, condition: {match: 'ctx.service.metadata.name == "svc-user"'}}]}
                """);
        service("svc-ref", """
                  authorization:
                    inlinePolicies:
                      - name: allow-dev
                        spec:
                          rules:
                            - effect: ALLOW
                              condition:
                                any:
                                  of:
                                    - match: ctx.request.postgres.connect.user == "db-user-1"
                                    - match: ctx.request.postgres.connect.database == "db-01"
                """);
        String dynamic = """
                  dynamicConfig:
                    configs:
                      - name: prod
                        upstream: {url: "postgres://prod-db:5432"}
                        postgres: {user: prod, database: prod-db, auth: {password: {fromSecret: pw}}}
                      - name: dev
                        upstream: {url: "postgres://dev-db:5432"}
                        postgres: {user: dev, database: dev-db, auth: {password: {fromSecret: pw}}}
                    rules:
                      - condition: {match: '"prod" in ctx.user.spec.groups'}
                        configName: prod
                %s
                  authorization:
                    inlinePolicies:
                      - {name: everyone, spec: {rules: [{effect: ALLOW, condition: {matchAny: true}}]}}
                """;
        service("svc-dyn", dynamic.formatted("""
                      - condition: {matchAny: true}
                        configName: dev
                """));
        service("svc-dyndefault", dynamic.formatted(""));
        service("svc-kinds", """
                  authorization:
                    inlinePolicies:
                      - name: kinds
                        spec:
                          rules:
                            - effect: ALLOW
                              condition:
                                all:
                                  of:
                                    - match: ctx.request.postgres.connect.database == "all"
                                    - match: '"dev" in ctx.user.spec.groups'
                            - effect: ALLOW
                              condition:
                                all:
                                  of:
                                    - match: ctx.request.postgres.connect.database == "none"
                                    - none: {of: [{match: '"prod" in ctx.user.spec.groups'}]}
                            - effect: ALLOW
                              condition:
                                all:
                                  of:
                                    - match: ctx.request.postgres.connect.database == "not"
                                    - not: ctx.user.metadata.name == "eve"
                """);
        service("svc-prio", """
                  authorization:
                    inlinePolicies:
                      - {name: allow-all, spec: {rules: [{effect: ALLOW, condition: {matchAny: true}}]}}
                      - {name: deny-eve, spec: {rules: [{effect: DENY, condition: {match: 'ctx.user.metadata.name == "eve"'}}]}}
                """);
        service("svc-prio2", """
                  authorization:
                    inlinePolicies:
                      - {name: deny-rest, spec: {rules: [{effect: DENY, priority: 1, condition: {matchAny: true}}]}}
                      - {name: alice-first, spec: {rules: [{effect: ALLOW, priority: -1, condition: {match: 'ctx.user.metadata.name == "alice"'}}]}}
                """);
        service("svc-err", """
                  authorization:
                    inlinePolicies:
                      - {name: broken, spec: {rules: [{effect: ALLOW, condition: {match: 'ctx.request.postgres.query.query == "x"'}}]}}
                """);
        service("svc-errnone", """
                  authorization:
                    inlinePolicies:
                      - {name: broken-none, spec: {rules: [{effect: ALLOW, condition: {none: {of: [{match: 'ctx.request.postgres.query.query == "x"'}]}}}]}}
                """);
        service("svc-policy", """
                  authorization:
                    policies: [dba-only]
                """);
        service("svc-group", "");
        service("svc-user", "");
        service("svc-none", "");
        for (String u : new String[] {"alice", "bob", "eve", "dana", "olga", "ursula"}) {
            TOKENS.put(u, ApiServerClient.session(u, "1h"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        try (Authorizer authz = new Authorizer()) {
            AuthorizeResponse r = Awaiting.decision(() -> authz.connect(TOKENS.get(row.user()), row.service(), row.dbUser(),
                    row.database()));
            assertTrue(r.getAuthenticated(), r.toString());
            assertEquals(row.allowed(), r.getAuthorized(), r.toString());
            assertEquals(row.reasonType(), r.getReason().getType(), r.toString());
            if (row.policy() != null) {
                var match = r.getReason().getDetails().getPolicyMatch();
                String name = match.hasInlinePolicy() ? match.getInlinePolicy().getName() : match.getPolicy().getName();
                assertEquals(row.policy(), name, r.toString());
            }
            if (row.config() != null) {
                assertEquals(row.config(), r.getConfigName(), r.toString());
            }
            if (row.messagePart() != null) {
                assertTrue(r.getReason().getMessage().contains(row.messagePart()), r.getReason().getMessage());
            }
            if (row.allowed()) {
                assertEquals("User", r.getUserRef().getKind());
                assertEquals(row.user(), r.getUserRef().getName());
                assertEquals(row.service() + ".default", r.getServiceRef().getName());
                assertFalse(r.getSessionRef().getUid().isEmpty());
            }
        }
    }

    private static void user(String name, String group) {
        ApiServerClient.post("users", "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"groups\":["
                + (group == null ? "" : "\"" + group + "\"") + "]}}");
    }

    private static void service(String name, String extra) {
        boolean dynamicOnly = extra.contains("dynamicConfig") && name.equals("svc-dyn");
        String config = dynamicOnly ? "" : """
                  config:
                    upstream: {url: "postgres://db.internal:5432"}
                    postgres: {user: postgres, database: db01, auth: {password: {fromSecret: pw}}}
                """;
        ApiServerClient.post("services", "kind: Service\nmetadata: {name: " + name + "}\nspec:\n  mode: POSTGRES\n  port: "
                + (port++) + "\n" + config + extra);
    }
}
