package dev.portcullis.audit.config;

import dev.portcullis.http.config.EmbeddedDatabaseUrl;

/**
 * The embedded H2 database of access logs: "accesslogs" in the data folder.
 *
 * <p>H2 writes committed transactions to its file in the background, up to half a second later
 * (its WRITE_DELAY). A process killed in that window loses them, so the indexer commits Kafka
 * offsets only after a CHECKPOINT has written them ({@code AccessLogStore.makeDurable}).
 */
public class AccessLogDatabaseUrl extends EmbeddedDatabaseUrl {
    public AccessLogDatabaseUrl() {
        super(".portcullis/audit-collector", "accesslogs");
    }
}
