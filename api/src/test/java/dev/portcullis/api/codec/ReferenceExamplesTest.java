package dev.portcullis.api.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.api.Kind;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The reference product's documented examples (transcribed from
 * shared/reference/seed-postgres-mode.txt into src/test/resources/reference) parse into the
 * resource model and survive a round trip unchanged.
 */
class ReferenceExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void accessLogExampleRoundTripsToTheSameJsonTree() throws IOException {
        String original = read("accesslog.json");
        AccessLog.Builder log = AccessLog.newBuilder();
        ResourceCodec.merge(original, log);

        assertEquals("QUERY", log.getEntry().getInfo().getPostgres().getType());
        assertEquals(
                "CREATE DATABASE db01;",
                log.getEntry().getInfo().getPostgres().getQuery().getQuery());
        assertEquals(
                "dnm3-09gn-6rt58k768x9cns8fxbu1w54v-v446-a6fy",
                log.getEntry().getCommon().getConnectionId());
        assertEquals(
                "allow-all",
                log.getEntry()
                        .getCommon()
                        .getReason()
                        .getDetails()
                        .getPolicyMatch()
                        .getInlinePolicy()
                        .getName());
        assertEquals(550409, log.getEntry().getCommon().getEndedAt().getNanos());

        JsonNode printed = JSON.readTree(ResourceCodec.toJson(log));
        assertEquals(JSON.readTree(original), printed, "the printed event has exactly the reference's shape");
    }

    @Test
    void secretlessServiceExample() throws IOException {
        Service svc = roundTrip("service-secretless.yaml").getService();
        assertEquals("pg-db", svc.getMetadata().getName());
        assertEquals("POSTGRES", svc.getSpec().getMode());
        assertEquals(5432, svc.getSpec().getPort());
        assertEquals(
                "postgres://address-to-pg",
                svc.getSpec().getConfig().getUpstream().getUrl());
        assertEquals("postgres", svc.getSpec().getConfig().getPostgres().getUser());
        assertEquals("db01", svc.getSpec().getConfig().getPostgres().getDatabase());
        assertEquals(
                "pg-password",
                svc.getSpec().getConfig().getPostgres().getAuth().getPassword().getFromSecret());
        assertEquals("REQUIRE", svc.getSpec().getConfig().getPostgres().getSslMode());
    }

    @Test
    void accessControlServiceExample() throws IOException {
        Service svc = roundTrip("service-access-control.yaml").getService();
        var rule =
                svc.getSpec().getAuthorization().getInlinePolicies(0).getSpec().getRules(0);
        assertEquals("ALLOW", rule.getEffect());
        assertEquals(2, rule.getCondition().getAny().getOfCount());
        assertEquals(
                "ctx.request.postgres.connect.user == \"db-user-1\"",
                rule.getCondition().getAny().getOf(0).getMatch());
    }

    @Test
    void dynamicConfigServiceExample() throws IOException {
        Service svc = roundTrip("service-dynamic-config.yaml").getService();
        var dc = svc.getSpec().getDynamicConfig();
        assertEquals(2, dc.getConfigsCount());
        assertEquals("prod", dc.getConfigs(0).getName());
        assertEquals(
                "prod-password",
                dc.getConfigs(0).getPostgres().getAuth().getPassword().getFromSecret());
        assertEquals(
                "\"prod\" in ctx.user.spec.groups",
                dc.getRules(0).getCondition().getMatch());
        assertEquals("prod", dc.getRules(0).getConfigName());
        assertTrue(dc.getRules(1).getCondition().getMatchAny());
        assertEquals("dev", dc.getRules(1).getConfigName());
    }

    @Test
    void multiDocumentYamlKeepsOrder() throws IOException {
        String all = read("service-secretless.yaml") + "---\n" + read("service-dynamic-config.yaml");
        var list = ResourceCodec.parseAll(all);
        assertEquals(2, list.size());
        assertEquals("pg-db", list.get(0).getService().getMetadata().getName());
        assertEquals("example-svc", list.get(1).getService().getMetadata().getName());
    }

    /** YAML → model → JSON → model → YAML → model: all three models equal. */
    private static Resource roundTrip(String file) throws IOException {
        Resource fromYaml = ResourceCodec.parse(read(file));
        assertEquals(Kind.SERVICE, Kind.of(fromYaml));
        Resource fromJson = ResourceCodec.parse(ResourceCodec.toJson(fromYaml));
        Resource fromYamlAgain = ResourceCodec.parse(ResourceCodec.toYaml(fromJson));
        assertEquals(fromYaml, fromJson);
        assertEquals(fromYaml, fromYamlAgain);
        return fromYaml;
    }

    static String read(String name) throws IOException {
        try (InputStream in = ReferenceExamplesTest.class.getResourceAsStream("/reference/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
