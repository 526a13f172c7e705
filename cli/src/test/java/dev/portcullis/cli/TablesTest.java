package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static JsonNode yaml(String text) throws Exception {
        return Json.YAML.readTree(text);
    }

    @Test
    void servicesShowPortModeAndUpstream() throws Exception {
        JsonNode pg = yaml("""
                kind: Service
                metadata: {name: pg-db, createdAt: "2026-03-01T11:54:59.123456Z"}
                spec:
                  mode: POSTGRES
                  port: 5432
                  config: {upstream: {url: "postgres://db:5432"}}
                """);
        JsonNode dyn = yaml("""
                kind: Service
                metadata: {name: example-svc-long, createdAt: "2026-02-27T12:00:00Z"}
                spec:
                  mode: POSTGRES
                  port: 15432
                  dynamicConfig:
                    configs: [{name: prod}, {name: dev}]
                """);
        assertEquals("""
                NAME               PORT    MODE       UPSTREAM              AGE
                pg-db              5432    POSTGRES   postgres://db:5432    5m
                example-svc-long   15432   POSTGRES   (2 dynamic configs)   2d
                """, Tables.render(Kind.SERVICE, List.of(pg, dyn), NOW));
    }

    @Test
    void usersShowGroupsAndSecretsOnlyTheirAge() throws Exception {
        JsonNode alice =
                yaml("{metadata: {name: alice, createdAt: '2026-03-01T09:00:00Z'}, spec: {groups: [dev, ops]}}");
        JsonNode eve = yaml("{metadata: {name: eve, createdAt: '2026-03-01T11:59:30Z'}, spec: {}}");
        assertEquals("""
                NAME    GROUPS    AGE
                alice   dev,ops   3h
                eve     <none>    30s
                """, Tables.render(Kind.USER, List.of(alice, eve), NOW));

        JsonNode secret = yaml("{kind: Secret, metadata: {name: pg-password, createdAt: '2026-03-01T11:00:00Z'}}");
        assertEquals("""
                NAME          AGE
                pg-password   60m
                """, Tables.render(Kind.SECRET, List.of(secret), NOW));
    }

    @Test
    void sessionsShowUserAndExpiry() throws Exception {
        JsonNode live = yaml("""
                {metadata: {name: alice-x2k9, createdAt: '2026-03-01T11:00:00Z'},
                 spec: {user: alice, ttl: 8h}, status: {expiresAt: '2026-03-01T19:00:00.5Z'}}""");
        JsonNode old = yaml("""
                {metadata: {name: bob-1, createdAt: '2026-02-01T11:00:00Z'},
                 spec: {user: bob}, status: {expiresAt: '2026-02-01T19:00:00Z'}}""");
        assertEquals("""
                NAME         USER    EXPIRES                AGE
                alice-x2k9   alice   2026-03-01T19:00:00Z   60m
                bob-1        bob     expired                28d
                """, Tables.render(Kind.SESSION, List.of(live, old), NOW));
    }

    @Test
    void missingTimestampsDoNotBreakTheTable() throws Exception {
        JsonNode g = yaml("{metadata: {name: dev}}");
        assertEquals("NAME   AGE\ndev    <unknown>\n", Tables.render(Kind.GROUP, List.of(g), NOW));
    }

    @Test
    void agesLikeKubectl() {
        assertEquals("0s", Tables.shortDuration(Duration.ofSeconds(-5)));
        assertEquals("119s", Tables.shortDuration(Duration.ofSeconds(119)));
        assertEquals("2m", Tables.shortDuration(Duration.ofSeconds(120)));
        assertEquals("119m", Tables.shortDuration(Duration.ofMinutes(119)));
        assertEquals("2h", Tables.shortDuration(Duration.ofMinutes(120)));
        assertEquals("47h", Tables.shortDuration(Duration.ofHours(47)));
        assertEquals("2d", Tables.shortDuration(Duration.ofHours(48)));
    }
}
