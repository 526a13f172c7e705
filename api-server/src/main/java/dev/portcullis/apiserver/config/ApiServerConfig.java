package dev.portcullis.apiserver.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Everything api-server reads from configuration (`portcullis.*`, or `PORTCULLIS_*`). */
@ConfigMapping(prefix = "portcullis")
public interface ApiServerConfig {

    /** Where generated credentials, the master key and the embedded database live. */
    @WithDefault(".portcullis/api-server")
    Path dataDir();

    /** The admin token for the management API; generated into the data folder when absent. */
    Optional<String> adminToken();

    /** The credential of policy-service (and other planes); generated when absent. */
    Optional<String> clusterToken();

    /** The credential of proxy nodes, the only callers that may read Secret values. */
    Optional<String> proxyToken();

    /** Base64 of 32 bytes: the AES-256-GCM key that seals Secret values at rest. */
    Optional<String> masterKey();

    Db db();

    /** PostgreSQL as the store; used by the `pg` profile (QUARKUS_PROFILE=pg). */
    interface Db {
        /** jdbc:postgresql://host:5432/database */
        Optional<String> url();

        Optional<String> user();

        Optional<String> password();
    }

    Sessions sessions();

    interface Sessions {
        /** TTL of a Session issued without one. */
        @WithDefault("8h")
        String defaultTtl();

        /** The longest TTL a Session may be issued with. */
        @WithDefault("30d")
        String maxTtl();
    }

    Limits limits();

    interface Limits {
        /** The largest Secret value accepted, in bytes. */
        @WithDefault("65536")
        int secretValueBytes();
    }
}
