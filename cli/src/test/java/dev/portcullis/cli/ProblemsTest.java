package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ProblemsTest {

    private static JsonNode json(String s) throws Exception {
        return Json.JSON.readTree(s);
    }

    @Test
    void detailIsTheMessage() throws Exception {
        String body = "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,"
                + "\"detail\":\"metadata.resourceVersion: stale 0195\"}";
        assertEquals("metadata.resourceVersion: stale 0195", Problems.message(409, body, json(body)));
    }

    @Test
    void titleWhenThereIsNoDetail() throws Exception {
        String body = "{\"title\":\"Not Found\",\"status\":404}";
        assertEquals("Not Found", Problems.message(404, body, json(body)));
    }

    @Test
    void violationListsAreJoined() throws Exception {
        String body =
                "{\"title\":\"Bad Request\",\"violations\":[{\"field\":\"spec.port\",\"message\":\"must be > 0\"},"
                        + "{\"field\":\"spec.mode\",\"message\":\"unknown\"}]}";
        assertEquals(
                "Bad Request: spec.port: must be > 0; spec.mode: unknown", Problems.message(400, body, json(body)));
    }

    @Test
    void nonJsonBodiesAndEmptyBodies() {
        assertEquals("HTTP 502: <html>bad gateway</html>", Problems.message(502, "<html>bad gateway</html>\n", null));
        assertEquals("HTTP 405 Method Not Allowed", Problems.message(405, "", null));
    }

    @Test
    void unauthorizedSaysWhereTheTokenComesFrom() throws Exception {
        String body = "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"invalid bearer token\"}";
        assertEquals(
                "invalid bearer token (check PORTCULLIS_TOKEN, --token or the token in the config file)",
                Problems.message(401, body, json(body)));
    }

    @Test
    void celErrorsFoldIntoOneLineKeepingThePosition() {
        String cel = "spec.authorization.inlinePolicies[0].spec.rules[0].condition.match: ERROR: <input>:1:10: "
                + "Syntax error: mismatched input '=' expecting {'[', '{'}\n | ctx.user ===\n | .........^";
        assertEquals(
                "spec.authorization.inlinePolicies[0].spec.rules[0].condition.match: ERROR: <input>:1:10: "
                        + "Syntax error: mismatched input '=' expecting {'[', '{'} | ctx.user ===",
                Problems.oneLine(cel));
    }
}
