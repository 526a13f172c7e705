package dev.portcullis.apiserver.config;

import dev.portcullis.http.config.EmbeddedDatabaseUrl;

/** The embedded H2 database of resources: "resources" in the data folder. */
public class ResourceDatabaseUrl extends EmbeddedDatabaseUrl {
    public ResourceDatabaseUrl() {
        super(".portcullis/api-server", "resources");
    }
}
