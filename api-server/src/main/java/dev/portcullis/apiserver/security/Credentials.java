package dev.portcullis.apiserver.security;

import dev.portcullis.apiserver.config.ApiServerConfig;
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
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The bearer credentials api-server accepts, and the master key. Each comes from
 * configuration, or is generated once into the data folder (mode 0600) so that a local
 * install works with no setup and keeps working across restarts. Values are never logged.
 */
@Startup
@ApplicationScoped
public class Credentials {
    private static final Logger LOG = Logger.getLogger(Credentials.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] admin;
    private final byte[] cluster;
    private final byte[] proxy;
    private final byte[] masterKey;

    public Credentials(ApiServerConfig config) {
        Path dir = config.dataDir();
        this.admin = bytes(resolve(config.adminToken(), dir.resolve("admin-token"), "admin token", 32));
        this.cluster = bytes(resolve(config.clusterToken(), dir.resolve("cluster-token"), "cluster token", 32));
        this.proxy = bytes(resolve(config.proxyToken(), dir.resolve("proxy-token"), "proxy token", 32));
        this.masterKey = Base64.getDecoder()
                .decode(resolve(config.masterKey(), dir.resolve("master.key"), "master key", 32)
                        .trim());
        if (masterKey.length != 32) {
            throw new IllegalStateException("portcullis.master-key must be the base64 of exactly 32 bytes");
        }
    }

    /** The role a bearer token grants, if any. Comparisons are constant-time. */
    public Optional<Role> roleOf(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = bytes(token);
        if (MessageDigest.isEqual(presented, admin)) {
            return Optional.of(Role.ADMIN);
        }
        if (MessageDigest.isEqual(presented, cluster)) {
            return Optional.of(Role.CLUSTER);
        }
        if (MessageDigest.isEqual(presented, proxy)) {
            return Optional.of(Role.PROXY);
        }
        return Optional.empty();
    }

    /** The 32-byte AES key for Secret values. */
    public byte[] masterKey() {
        return masterKey.clone();
    }

    private static String resolve(Optional<String> configured, Path file, String what, int randomBytes) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            LOG.infof("%s: from configuration", what);
            return configured.get().trim();
        }
        try {
            if (Files.exists(file)) {
                LOG.infof("%s: read from %s", what, file.toAbsolutePath());
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] raw = new byte[randomBytes];
            RANDOM.nextBytes(raw);
            String value = what.equals("master key")
                    ? Base64.getEncoder().encodeToString(raw)
                    : Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Files.createDirectories(file.getParent());
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: nothing more we can do
            }
            LOG.infof("%s: generated into %s", what, file.toAbsolutePath());
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the " + what + " at " + file, e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
