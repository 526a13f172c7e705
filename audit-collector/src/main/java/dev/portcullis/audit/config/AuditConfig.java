package dev.portcullis.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Everything audit-collector reads from configuration (`portcullis.*`, or `PORTCULLIS_*`). */
@ConfigMapping(prefix = "portcullis")
public interface AuditConfig {

    /** Where the embedded database (and a generated admin token, if any) live. */
    @WithDefault(".portcullis/audit-collector")
    Path dataDir();

    /**
     * The bearer token of the REST API: the same admin token as api-server's, so that one
     * credential serves the CLI. Generated into the data folder when absent (a standalone install).
     */
    Optional<String> adminToken();

    Db db();

    /** PostgreSQL as the index; used by the `pg` profile (QUARKUS_PROFILE=pg). */
    interface Db {
        /** jdbc:postgresql://host:5432/database */
        Optional<String> url();

        Optional<String> user();

        Optional<String> password();
    }

    Kafka kafka();

    interface Kafka {
        @WithDefault("127.0.0.1:9092")
        String bootstrapServers();

        /** The access-log topic the proxy nodes publish to (key connectionID, value AccessLog JSON). */
        @WithDefault("portcullis.accesslogs")
        String topic();

        /** Every collector instance joins this group: partitions are shared between them. */
        @WithDefault("portcullis-audit-collector")
        String groupId();

        /** Where a group with no committed offset starts: earliest, so that no event is skipped. */
        @WithDefault("earliest")
        String autoOffsetReset();

        /**
         * How long the broker waits for a silent consumer before handing its partitions to
         * another (or to its own restarted self, after a crash). Kafka's 45s default would
         * stall indexing that long after a kill; heartbeats go every third of it.
         */
        @WithDefault("10s")
        Duration sessionTimeout();

        /** Create the topic at start when it is missing (an existing one is left as it is). */
        @WithDefault("true")
        boolean createTopic();

        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        /**
         * Consumers (threads) this instance indexes with, each with its own partitions: decoding
         * and storing use about one core per consumer. More than the topic's partitions idle.
         */
        @WithDefault("2")
        int consumers();

        /** The largest batch: one poll, one database transaction. */
        @WithDefault("500")
        int maxBatch();

        /**
         * How long, while batches keep coming, a consumer lets stored batches wait before it makes
         * them durable and commits their offsets (an idle consumer does so at once; 0s: after
         * every batch). A crash re-reads, and skips as stored, about this much; each flush writes
         * the embedded store's changed pages once for all the batches in between.
         */
        @WithDefault("1s")
        Duration commitInterval();

        /** How long one poll waits for records. */
        @WithDefault("500ms")
        Duration pollTimeout();

        /** First pause after a failed batch (doubled on each failure in a row, up to retry-max). */
        @WithDefault("200ms")
        Duration retryMin();

        @WithDefault("10s")
        Duration retryMax();

        /**
         * Extra Kafka client settings (security.protocol, sasl.*, ssl.*, group.instance.id for
         * static membership...), passed through as they are.
         */
        Map<String, String> properties();
    }

    Query query();

    interface Query {
        @WithDefault("100")
        int defaultLimit();

        @WithDefault("1000")
        int maxLimit();
    }

    Stream stream();

    interface Stream {
        /** A stream asked to start at `since` replays at most this many stored matches first. */
        @WithDefault("10000")
        int replayMax();

        /** Live events queued for one slow client before its stream is ended. */
        @WithDefault("10000")
        int bufferMax();

        /** A comment line this often keeps idle connections (and proxies between) open. */
        @WithDefault("15s")
        Duration heartbeat();
    }
}
