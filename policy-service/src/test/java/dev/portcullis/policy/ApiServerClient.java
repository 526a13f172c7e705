package dev.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.AdminApi;

/** Writes resources through the running api-server's REST API, as an admin would. */
final class ApiServerClient {
    private ApiServerClient() {}

    private static AdminApi api() {
        return new AdminApi(RunningApiServer.apiServer.baseUrl(), RunningApiServer.ADMIN);
    }

    static JsonNode post(String plural, String body) {
        return api().post(plural, body);
    }

    static JsonNode put(String plural, String name, String body) {
        return api().put(plural, name, body);
    }

    static void delete(String plural, String name) {
        api().delete(plural, name);
    }

    /** Issues a Session and returns its access token. */
    static String session(String user, String ttl) {
        return api().session(user, ttl);
    }
}
