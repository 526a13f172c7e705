package dev.portcullis.audit.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Derives the embedded H2 URL from portcullis.data-dir (H2 refuses relative paths that do not
 * start with "./"; resolving here accepts "data" and "/var/lib/..." alike). The low ordinal lets
 * an explicit quarkus.datasource.jdbc.url win.
 *
 * <p>H2 writes committed transactions to its file in the background, up to half a second later
 * (its WRITE_DELAY). A process killed in that window loses them, so the indexer commits Kafka
 * offsets only after a CHECKPOINT has written them ({@code AccessLogStore.makeDurable}).
 */
public class EmbeddedDatabaseUrl implements ConfigSourceFactory {
    static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue dir = context.getValue("portcullis.data-dir");
        String folder = dir == null || dir.getValue() == null ? ".portcullis/audit-collector" : dir.getValue();
        Path file = Path.of(folder).toAbsolutePath().normalize().resolve("accesslogs");
        return List.of(new PropertiesConfigSource(
                Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE"),
                "portcullis-embedded-database", ORDINAL));
    }
}
