package dev.portcullis.apiserver.store;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * api-server's `pg` profile: the store on PostgreSQL. Test classes that use it with
 * {@code @WithTestResource(PostgresDatabase.class)} share one application and one cluster.
 */
public class PgProfile implements QuarkusTestProfile {
    @Override
    public String getConfigProfile() {
        return "pg";
    }
}
