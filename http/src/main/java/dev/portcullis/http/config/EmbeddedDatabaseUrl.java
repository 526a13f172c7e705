package dev.portcullis.http.config;

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
 *
 * <p>A service names its database with a subclass that it registers in its own
 * META-INF/services/io.smallrye.config.ConfigSourceFactory (not here: not every service that
 * uses this library has a datasource).
 */
public abstract class EmbeddedDatabaseUrl implements ConfigSourceFactory {
    static final int ORDINAL = 150;

    private final String defaultDataDir;
    private final String databaseName;

    /**
     * @param defaultDataDir the data folder when portcullis.data-dir is not set
     * @param databaseName the H2 database file in it, without H2's ".mv.db"
     */
    protected EmbeddedDatabaseUrl(String defaultDataDir, String databaseName) {
        this.defaultDataDir = defaultDataDir;
        this.databaseName = databaseName;
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue dir = context.getValue("portcullis.data-dir");
        String folder = dir == null || dir.getValue() == null ? defaultDataDir : dir.getValue();
        Path file = Path.of(folder).toAbsolutePath().normalize().resolve(databaseName);
        return List.of(new PropertiesConfigSource(
                Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE"),
                "portcullis-embedded-database",
                ORDINAL));
    }
}
