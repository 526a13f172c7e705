package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testkit.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Listeners and credentials follow api-server while the node runs: no restart, no dropped session. */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class LiveConfigTest {

    @Test
    void listenersOpenMoveAndCloseWithTheirService() throws Exception {
        int first = Ports.freePort();
        int second = Ports.freePort();
        ProxyEnvironment.post("services", service("svc-live", first));
        await().atMost(Duration.ofSeconds(3)).until(() -> listening(first));

        ProxyEnvironment.put("services", "svc-live", service("svc-live", second));
        await().atMost(Duration.ofSeconds(3)).until(() -> listening(second) && !listening(first));

        ProxyEnvironment.delete("services", "svc-live");
        await().atMost(Duration.ofSeconds(3)).until(() -> !listening(second));
    }

    @Test
    void rotatedSecretServesTheNextConnectionAndLiveSessionsCarryOn() throws Exception {
        Clients.awaitListening("svc-clear");
        try (Connection before = Clients.jdbc("svc-clear", "alice")) {
            ProxyEnvironment.tlsPg.executeSql("alter role app_clear password 'rotated-pw'");
            ProxyEnvironment.put("secrets", "clear-pw", "{\"data\":{\"value\":\"rotated-pw\"}}");
            await().atMost(Duration.ofSeconds(3)).ignoreExceptions().until(() -> {
                try (Connection after = Clients.jdbc("svc-clear", "alice")) {
                    return one(after).equals("app_clear");
                }
            });
            assertEquals("app_clear", one(before), "the session opened before the rotation still works");
        } finally {
            ProxyEnvironment.tlsPg.executeSql("alter role app_clear password 'clear-pw'");
            ProxyEnvironment.put("secrets", "clear-pw", "{\"data\":{\"value\":\"clear-pw\"}}");
        }
    }

    private static String one(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String service(String name, int port) {
        return """
                kind: Service
                metadata: {name: %s}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://127.0.0.1:%d"}
                    postgres: {user: app_scram, database: app, auth: {password: {fromSecret: scram-pw}}}
                """.formatted(name, port, ProxyEnvironment.tlsPg.port());
    }
}
