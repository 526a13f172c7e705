package dev.portcullis.audit;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** REST calls as the admin, for tests. */
public final class Api {
    public static final String ADMIN = "test-admin-token";

    private Api() {}

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN);
    }

    /** One page, with status 200 asserted. */
    public static JsonPath search(Map<String, ?> params) {
        return admin().queryParams(params)
                .get("/api/v1/accesslogs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** The ids of every match, following nextCursor to the end. */
    public static List<String> allIds(Map<String, ?> params, int pageSize) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            var p = new java.util.HashMap<String, Object>(params);
            p.put("limit", pageSize);
            if (cursor != null) {
                p.put("cursor", cursor);
            }
            JsonPath page = search(p);
            ids.addAll(page.getList("items.metadata.id", String.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return ids;
    }
}
