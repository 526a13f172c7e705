package dev.portcullis.proxy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.proxy.Clients.Result;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code config.postgres.channelBinding}: REQUIRE logs in upstream by SCRAM-SHA-256-PLUS or not
 * at all, DISABLE never binds, PREFER (the default) binds when it can. Which mechanism a login
 * used is counted in {@code portcullis_proxy_upstream_logins_total{mechanism}}.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class ChannelBindingTest {
    private static final String PLUS = "SCRAM-SHA-256-PLUS";
    private static final String PLAIN = "SCRAM-SHA-256";
    private static final String WHO =
            "select current_user || '/' || " + "(select ssl::text from pg_stat_ssl where pid = pg_backend_pid())";

    @BeforeAll
    static void services() {
        String tls = "postgres://127.0.0.1:" + ProxyEnvironment.tlsPg.port();
        String plain = "postgres://127.0.0.1:" + ProxyEnvironment.plainPg.port();
        service("svc-cb-require", tls, "app_scram", "scram-pw", "PREFER", "REQUIRE");
        service("svc-cb-disable", tls, "app_scram", "scram-pw", "REQUIRE", "DISABLE");
        service("svc-cb-require-plain", plain, "app_scram", "scram-pw", "PREFER", "REQUIRE");
        service("svc-cb-require-md5", tls, "app_md5", "md5-pw", "REQUIRE", "REQUIRE");
    }

    @Test
    void requireLogsInWithPlusOverTls() {
        double plusBefore = logins(PLUS);
        double plainBefore = logins(PLAIN);
        Result r = Clients.psql("svc-cb-require", "alice", "require", WHO);
        assertEquals("app_scram/true", r.out(), r.toString());
        assertEquals(plusBefore + 1, logins(PLUS), "the login was bound to the TLS channel");
        assertEquals(plainBefore, logins(PLAIN), "no plain SCRAM login");
    }

    @Test
    void disableNeverBindsEvenWhenTheServerOffersPlus() {
        double plusBefore = logins(PLUS);
        double plainBefore = logins(PLAIN);
        Result r = Clients.psql("svc-cb-disable", "alice", "require", WHO);
        assertEquals("app_scram/true", r.out(), r.toString());
        assertEquals(plainBefore + 1, logins(PLAIN), "plain SCRAM-SHA-256");
        assertEquals(plusBefore, logins(PLUS), "not bound although TLS and -PLUS were available");
    }

    @Test
    void requireRefusesAnUpstreamWithoutTls() {
        Result r = Clients.psql("svc-cb-require-plain", "alice", "require", "select 1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(
                r.err()
                        .contains("FATAL:  cannot connect to the upstream of Service svc-cb-require-plain: the upstream"
                                + " does not accept TLS, and the Service requires channel binding"),
                r.err());
    }

    @Test
    void requireRefusesAServerThatDoesNotOfferPlus() {
        // an md5 role: the server asks for MD5, never SCRAM-SHA-256-PLUS
        Result r = Clients.psql("svc-cb-require-md5", "alice", "require", "select 1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(
                r.err()
                        .contains(
                                "FATAL:  cannot connect to the upstream of Service svc-cb-require-md5: channel binding"
                                        + " is required, but the upstream server asked for MD5 authentication"),
                r.err());
    }

    private static double logins(String mechanism) {
        String series = "portcullis_proxy_upstream_logins_total{mechanism=\"" + mechanism + "\"} ";
        return given().get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .lines()
                .filter(l -> l.startsWith(series))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length())))
                .sum();
    }

    private static void service(String name, String url, String user, String secret, String sslMode, String binding) {
        ProxyEnvironment.service(name, url, user, secret, sslMode, "", binding, "");
        Clients.awaitListening(name);
    }
}
