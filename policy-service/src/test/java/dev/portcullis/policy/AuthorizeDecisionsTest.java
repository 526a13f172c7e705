package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.PostgresConnectRequest;
import dev.portcullis.api.v1.PostgresParseRequest;
import dev.portcullis.api.v1.PostgresQueryRequest;
import dev.portcullis.api.v1.PostgresRequest;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
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
@WithTestResource(value = RunningApiServer.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AuthorizeDecisionsTest {
    static final Map<String, String> TOKENS = new HashMap<>();
    private static int port = 21000;

    /**
     * One decision. {@code ref} is the reason's resourceRef as "Kind name": the Service, User or
     * Group that holds a matching inline policy, or the matching Policy itself.
     */
    record Row(
            String what,
            String user,
            String service,
            PostgresRequest request,
            boolean allowed,
            String reasonType,
            String policy,
            String ref,
            String config,
            String messagePart) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                // the reference's inline any.of example
                new Row(
                        "any.of: first branch",
                        "alice",
                        "svc-ref",
                        connect("db-user-1", "x"),
                        true,
                        "POLICY_MATCH",
                        "allow-dev",
                        "Service svc-ref.default",
                        "",
                        null),
                new Row(
                        "any.of: second branch",
                        "alice",
                        "svc-ref",
                        connect("x", "db-01"),
                        true,
                        "POLICY_MATCH",
                        "allow-dev",
                        "Service svc-ref.default",
                        "",
                        null),
                new Row(
                        "any.of: neither branch is a default deny",
                        "alice",
                        "svc-ref",
                        connect("x", "y"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        "no rule allows User alice"),
                // the reference's dynamic config
                new Row(
                        "prod group routes to prod",
                        "bob",
                        "svc-dyn",
                        connect("any", "any"),
                        true,
                        "POLICY_MATCH",
                        "everyone",
                        "Service svc-dyn.default",
                        "prod",
                        null),
                new Row(
                        "others fall to matchAny: dev",
                        "alice",
                        "svc-dyn",
                        connect("any", "any"),
                        true,
                        "POLICY_MATCH",
                        "everyone",
                        "Service svc-dyn.default",
                        "dev",
                        null),
                new Row(
                        "no dynamic rule matches: the default config",
                        "eve",
                        "svc-dyndefault",
                        connect("any", "any"),
                        true,
                        "POLICY_MATCH",
                        "everyone",
                        "Service svc-dyndefault.default",
                        "",
                        null),
                // condition kinds
                new Row(
                        "all.of matches",
                        "alice",
                        "svc-kinds",
                        connect("u", "all"),
                        true,
                        "POLICY_MATCH",
                        "kinds",
                        "Service svc-kinds.default",
                        "",
                        null),
                new Row(
                        "all.of fails on one",
                        "eve",
                        "svc-kinds",
                        connect("u", "all"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "none.of matches",
                        "alice",
                        "svc-kinds",
                        connect("u", "none"),
                        true,
                        "POLICY_MATCH",
                        "kinds",
                        "Service svc-kinds.default",
                        "",
                        null),
                new Row(
                        "none.of fails",
                        "bob",
                        "svc-kinds",
                        connect("u", "none"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "not matches",
                        "alice",
                        "svc-kinds",
                        connect("u", "not"),
                        true,
                        "POLICY_MATCH",
                        "kinds",
                        "Service svc-kinds.default",
                        "",
                        null),
                new Row(
                        "not fails",
                        "eve",
                        "svc-kinds",
                        connect("u", "not"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                // ordering
                new Row(
                        "DENY before ALLOW at equal priority",
                        "eve",
                        "svc-prio",
                        connect("u", "d"),
                        false,
                        "POLICY_MATCH",
                        "deny-eve",
                        "Service svc-prio.default",
                        null,
                        null),
                new Row(
                        "ALLOW when the DENY does not match",
                        "alice",
                        "svc-prio",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "allow-all",
                        "Service svc-prio.default",
                        "",
                        null),
                new Row(
                        "lower priority first: ALLOW -1 beats DENY 1",
                        "alice",
                        "svc-prio2",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "alice-first",
                        "Service svc-prio2.default",
                        "",
                        null),
                new Row(
                        "lower priority first: DENY 1 for the rest",
                        "bob",
                        "svc-prio2",
                        connect("u", "d"),
                        false,
                        "POLICY_MATCH",
                        "deny-rest",
                        "Service svc-prio2.default",
                        null,
                        null),
                // runtime errors never allow, and are named
                new Row(
                        "runtime error is no match, named in the reason",
                        "alice",
                        "svc-err",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        "ctx.request.postgres.query.query"),
                new Row(
                        "none.of with a failing expression does not match",
                        "alice",
                        "svc-errnone",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        "failed"),
                // SPEC §2: a runtime error counts as no match, so a DENY that fails does not deny: the ALLOW after it
                // decides, and the reason names the expression that failed
                new Row(
                        "a DENY failing at run time is no match: the later ALLOW decides, the failure named",
                        "alice",
                        "svc-denyerr",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "allow-after",
                        "Service svc-denyerr.default",
                        "",
                        "counted as no match: 'ctx.request.postgres.query.query != \"\"'"),
                new Row(
                        "the same DENY where it can be evaluated denies",
                        "alice",
                        "svc-denyerr",
                        query("select 1"),
                        false,
                        "POLICY_MATCH",
                        "deny-broken",
                        "Service svc-denyerr.default",
                        null,
                        null),
                new Row(
                        "a runaway expression (iteration budget) is a deny, never an allow",
                        "alice",
                        "svc-runaway",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        "Iteration budget exceeded"),
                // what the request carries
                new Row(
                        "connect.applicationName matches",
                        "alice",
                        "svc-app",
                        connect("u", "d", "psql"),
                        true,
                        "POLICY_MATCH",
                        "psql-only",
                        "Service svc-app.default",
                        "",
                        null),
                new Row(
                        "connect.applicationName does not match",
                        "alice",
                        "svc-app",
                        connect("u", "d", "pgadmin"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "connect.parameters: the statement_timeout the rule requires",
                        "alice",
                        "svc-params",
                        connect("u", "d", Map.of("statement_timeout", "5s", "search_path", "app")),
                        true,
                        "POLICY_MATCH",
                        "timeout-required",
                        "Service svc-params.default",
                        "",
                        null),
                new Row(
                        "connect.parameters: without it, no rule",
                        "alice",
                        "svc-params",
                        connect("u", "d", Map.of("search_path", "app")),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "query.query matches",
                        "alice",
                        "svc-query",
                        query("select 1"),
                        true,
                        "POLICY_MATCH",
                        "selects-only",
                        "Service svc-query.default",
                        null,
                        null),
                new Row(
                        "query.query does not match",
                        "alice",
                        "svc-query",
                        query("delete from t"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "parse.name and parse.query match",
                        "alice",
                        "svc-parse",
                        parse("s1", "select * from users"),
                        true,
                        "POLICY_MATCH",
                        "named-users",
                        "Service svc-parse.default",
                        null,
                        null),
                new Row(
                        "parse.name does not match",
                        "alice",
                        "svc-parse",
                        parse("s2", "select * from users"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "parse.query does not match",
                        "alice",
                        "svc-parse",
                        parse("s1", "select * from orders"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "ctx.session matches its own user, name and expiry",
                        "sam",
                        "svc-session",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "session-owner",
                        "Service svc-session.default",
                        "",
                        null),
                new Row(
                        "ctx.session of another user",
                        "alice",
                        "svc-session",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                // where rules come from, and the resourceRef the reason names
                new Row(
                        "Service's attached Policy allows its group",
                        "dana",
                        "svc-policy",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "dba-only",
                        "Policy dba-only",
                        "",
                        null),
                new Row(
                        "Service's attached Policy denies the rest",
                        "alice",
                        "svc-policy",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "Group's inline policy",
                        "olga",
                        "svc-group",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "allow-ops",
                        "Group ops",
                        "",
                        null),
                new Row(
                        "User's inline policy",
                        "ursula",
                        "svc-user",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "mine",
                        "User ursula",
                        "",
                        null),
                new Row(
                        "Policy attached to the User",
                        "paul",
                        "svc-userpol",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "user-pol",
                        "Policy user-pol",
                        "",
                        null),
                new Row(
                        "Policy attached to another User: no rule",
                        "alice",
                        "svc-userpol",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "Policy attached to the User's Group",
                        "gina",
                        "svc-grouppol",
                        connect("u", "d"),
                        true,
                        "POLICY_MATCH",
                        "group-pol",
                        "Policy group-pol",
                        "",
                        null),
                new Row(
                        "Policy attached to a Group the User is not in: no rule",
                        "alice",
                        "svc-grouppol",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "no rules at all: deny",
                        "alice",
                        "svc-none",
                        connect("u", "d"),
                        false,
                        "NO_POLICY_MATCH",
                        null,
                        null,
                        null,
                        null),
                new Row(
                        "unknown Service",
                        "alice",
                        "svc-missing",
                        connect("u", "d"),
                        false,
                        "SERVICE_NOT_FOUND",
                        null,
                        null,
                        null,
                        "svc-missing"));
    }

    static PostgresRequest connect(String user, String database) {
        return connect(user, database, "psql");
    }

    static PostgresRequest connect(String user, String database, String applicationName) {
        return PostgresRequest.newBuilder()
                .setConnect(PostgresConnectRequest.newBuilder()
                        .setUser(user)
                        .setDatabase(database)
                        .setApplicationName(applicationName))
                .build();
    }

    static PostgresRequest connect(String user, String database, Map<String, String> parameters) {
        return PostgresRequest.newBuilder()
                .setConnect(PostgresConnectRequest.newBuilder()
                        .setUser(user)
                        .setDatabase(database)
                        .putAllParameters(parameters))
                .build();
    }

    static PostgresRequest query(String text) {
        return PostgresRequest.newBuilder()
                .setQuery(PostgresQueryRequest.newBuilder().setQuery(text))
                .build();
    }

    static PostgresRequest parse(String name, String text) {
        return PostgresRequest.newBuilder()
                .setParse(PostgresParseRequest.newBuilder().setName(name).setQuery(text))
                .build();
    }

    @BeforeAll
    static void resources() {
        ApiServerClient.post("secrets", "{\"metadata\":{\"name\":\"pw\"},\"data\":{\"value\":\"x\"}}");
        ApiServerClient.post("policies", """
                metadata: {name: dba-only}
                spec: {rules: [{effect: ALLOW, condition: {match: '"dba" in ctx.user.spec.groups'}}]}
                """);
        ApiServerClient.post("policies", """
                metadata: {name: user-pol}
                spec: {rules: [{effect: ALLOW, condition: {match: 'ctx.service.metadata.name == "svc-userpol"'}}]}
                """);
        ApiServerClient.post("policies", """
                metadata: {name: group-pol}
                spec: {rules: [{effect: ALLOW, condition: {match: 'ctx.service.metadata.name == "svc-grouppol"'}}]}
                """);
        ApiServerClient.post("groups", "metadata: {name: auditors}\nspec: {authorization: {policies: [group-pol]}}\n");
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
        user("gina", "auditors");
        user("sam", null);
        ApiServerClient.post("users", "metadata: {name: paul}\nspec: {authorization: {policies: [user-pol]}}\n");
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
        service("svc-denyerr", """
                  authorization:
                    inlinePolicies:
                      - {name: allow-after, spec: {rules: [{effect: ALLOW, priority: 1, condition: {matchAny: true}}]}}
                      - {name: deny-broken, spec: {rules: [{effect: DENY, priority: -1,
                          condition: {match: 'ctx.request.postgres.query.query != ""'}}]}}
                """);
        // true without the iteration budget (1,110 iterations > 1,000): it must end in a deny
        service("svc-runaway", """
                  authorization:
                    inlinePolicies:
                      - name: runaway
                        spec:
                          rules:
                            - effect: ALLOW
                              condition:
                                match: >-
                                  [1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b,
                                  [1,2,3,4,5,6,7,8,9,10].all(c, a + b + c > 0)))
                """);
        service("svc-app", """
                  authorization:
                    inlinePolicies:
                      - {name: psql-only, spec: {rules: [{effect: ALLOW,
                          condition: {match: 'ctx.request.postgres.connect.applicationName == "psql"'}}]}}
                """);
        service("svc-params", """
                  authorization:
                    inlinePolicies:
                      - {name: timeout-required, spec: {rules: [{effect: ALLOW,
                          condition: {match: '"statement_timeout" in ctx.request.postgres.connect.parameters'}}]}}
                """);
        service("svc-query", """
                  authorization:
                    inlinePolicies:
                      - {name: selects-only, spec: {rules: [{effect: ALLOW,
                          condition: {match: 'ctx.request.postgres.query.query.startsWith("select ")'}}]}}
                """);
        service("svc-parse", """
                  authorization:
                    inlinePolicies:
                      - name: named-users
                        spec:
                          rules:
                            - effect: ALLOW
                              condition:
                                all:
                                  of:
                                    - match: ctx.request.postgres.parse.name == "s1"
                                    - match: ctx.request.postgres.parse.query.contains("users")
                """);
        service("svc-session", """
                  authorization:
                    inlinePolicies:
                      - name: session-owner
                        spec:
                          rules:
                            - effect: ALLOW
                              condition:
                                all:
                                  of:
                                    - match: ctx.session.spec.user == "sam"
                                    - match: ctx.session.metadata.name.startsWith(ctx.user.metadata.name + "-")
                                    - match: timestamp(ctx.session.status.expiresAt) > timestamp("2020-01-01T00:00:00Z")
                """);
        service("svc-userpol", "");
        service("svc-grouppol", "");
        service("svc-policy", """
                  authorization:
                    policies: [dba-only]
                """);
        service("svc-group", "");
        service("svc-user", "");
        service("svc-none", "");
        for (String u : new String[] {"alice", "bob", "eve", "dana", "olga", "ursula", "paul", "gina", "sam"}) {
            TOKENS.put(u, ApiServerClient.session(u, "1h"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        try (Authorizer authz = new Authorizer()) {
            AuthorizeResponse r =
                    Awaiting.decision(() -> authz.authorize(TOKENS.get(row.user()), row.service(), row.request()));
            assertTrue(r.getAuthenticated(), r.toString());
            assertEquals(row.allowed(), r.getAuthorized(), r.toString());
            assertEquals(row.reasonType(), r.getReason().getType(), r.toString());
            if (row.policy() != null) {
                var match = r.getReason().getDetails().getPolicyMatch();
                var matched = match.hasInlinePolicy() ? match.getInlinePolicy() : match.getPolicy();
                assertEquals(row.policy(), matched.getName(), r.toString());
                assertEquals(
                        row.ref(),
                        matched.getResourceRef().getKind() + " "
                                + matched.getResourceRef().getName(),
                        r.toString());
                assertEquals(
                        row.ref().startsWith("Policy "), match.hasPolicy(), "a Policy, else an inline policy: " + r);
            }
            if (row.config() != null) {
                assertEquals(row.config(), r.getConfigName(), r.toString());
            }
            if (row.messagePart() != null) {
                assertTrue(
                        r.getReason().getMessage().contains(row.messagePart()),
                        r.getReason().getMessage());
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
        ApiServerClient.post(
                "users",
                "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"groups\":["
                        + (group == null ? "" : "\"" + group + "\"") + "]}}");
    }

    private static void service(String name, String extra) {
        boolean dynamicOnly = extra.contains("dynamicConfig") && name.equals("svc-dyn");
        String config = dynamicOnly ? "" : """
                  config:
                    upstream: {url: "postgres://db.internal:5432"}
                    postgres: {user: postgres, database: db01, auth: {password: {fromSecret: pw}}}
                """;
        ApiServerClient.post(
                "services",
                "kind: Service\nmetadata: {name: " + name + "}\nspec:\n  mode: POSTGRES\n  port: " + (port++) + "\n"
                        + config + extra);
    }
}
