package dev.portcullis.audit;

import dev.portcullis.testkit.PostgresCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A real PostgreSQL cluster (testkit) as the index, for the `pg` profile. */
public class PostgresDatabase implements QuarkusTestResourceLifecycleManager {
    private PostgresCluster cluster;

    @Override
    public Map<String, String> start() {
        cluster = PostgresCluster.builder().database("portcullis").start();
        return Map.of(
                "portcullis.db.url", cluster.jdbcUrl("portcullis"),
                "portcullis.db.user", cluster.superuser(),
                "portcullis.db.password", cluster.superuserPassword());
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
