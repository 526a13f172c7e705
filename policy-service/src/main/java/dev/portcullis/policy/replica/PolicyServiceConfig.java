package dev.portcullis.policy.replica;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** policy-service configuration (`portcullis.*`, or `PORTCULLIS_*`). */
@ConfigMapping(prefix = "portcullis")
public interface PolicyServiceConfig {

    /** The credential this service presents to api-server to watch resources. */
    String clusterToken();

    /** The credential proxy nodes present when they call Authorize. */
    String proxyToken();

    Watch watch();

    interface Watch {
        /** First wait before reconnecting a lost watch stream; doubles up to the max. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();
    }
}
