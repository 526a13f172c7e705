package dev.portcullis.audit.security;

import dev.portcullis.audit.config.AuditConfig;
import dev.portcullis.http.auth.ApiAccess;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.jboss.logging.Logger;

/**
 * The admin token, the only credential the REST API (/api/v1) accepts: audit events are
 * sensitive. Normally api-server's (portcullis.admin-token), so that one credential serves the
 * whole CLI; without it, one is generated once into the data folder (mode 0600) so that a
 * standalone collector is never open. The value is never logged.
 */
@Startup
@ApplicationScoped
public class AdminToken implements ApiAccess {
    private static final Logger LOG = Logger.getLogger(AdminToken.class);

    private final byte[] token;

    public AdminToken(AuditConfig config) {
        this.token = resolve(config).getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison. */
    @Override
    public boolean allows(String presented) {
        return presented != null
                && !presented.isEmpty()
                && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token);
    }

    private static String resolve(AuditConfig config) {
        if (config.adminToken().isPresent() && !config.adminToken().get().isBlank()) {
            LOG.info("admin token: from configuration");
            return config.adminToken().get().trim();
        }
        Path file = config.dataDir().resolve("admin-token");
        try {
            if (Files.exists(file)) {
                LOG.infof("admin token: read from %s", file.toAbsolutePath());
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Files.createDirectories(file.getParent());
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: nothing more we can do
            }
            LOG.warnf(
                    "admin token: none configured, generated into %s; set portcullis.admin-token to"
                            + " api-server's so that the CLI's token works here too",
                    file.toAbsolutePath());
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token at " + file, e);
        }
    }
}
