package dev.portcullis.apiserver.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Derives the embedded H2 URL from portcullis.data-dir. H2 refuses relative paths that do not
 * start with "./", and a data folder is naturally given as "data" or "/var/lib/portcullis";
 * resolving it here accepts both. The low ordinal lets an explicit
 * quarkus.datasource.jdbc.url (environment, system property) win.
 */
public class EmbeddedDatabaseUrl implements ConfigSourceFactory {
    static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue dir = context.getValue("portcullis.data-dir");
        String folder = dir == null || dir.getValue() == null ? ".portcullis/api-server" : dir.getValue();
        Path file = Path.of(folder).toAbsolutePath().normalize().resolve("resources");
        return List.of(new PropertiesConfigSource(
                Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE"),
                "portcullis-embedded-database", ORDINAL));
    }
}
