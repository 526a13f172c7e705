package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The OS user that PostgreSQL runs as. {@code initdb} and {@code postgres} refuse to run as
 * root, and CI runs as root: then they run as {@code postgres} (or {@code nobody}) through
 * {@code runuser}, in folders chowned to that user. Otherwise they run as the current user.
 */
final class OsUser {

    private static final List<Path> RUNUSER = List.of(
            Path.of("/usr/sbin/runuser"),
            Path.of("/sbin/runuser"),
            Path.of("/usr/bin/runuser"),
            Path.of("/bin/runuser"));

    private final String name; // null: run as the current user
    private final UserPrincipal principal;

    private OsUser(String name, UserPrincipal principal) {
        this.name = name;
        this.principal = principal;
    }

    /** The user to run PostgreSQL as on this machine. */
    static OsUser forPostgres() {
        if (!isRoot()) {
            return new OsUser(null, null);
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        for (String candidate : List.of("postgres", "nobody")) {
            try {
                return new OsUser(candidate, lookup.lookupPrincipalByName(candidate));
            } catch (UserPrincipalNotFoundException e) {
                // try the next one
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException(
                "running as root, but neither a 'postgres' nor a 'nobody' OS user exists to run PostgreSQL as");
    }

    static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Whether commands are switched to another user. */
    boolean switches() {
        return name != null;
    }

    Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The command, prefixed with {@code runuser -u USER --} when switching user. */
    List<String> wrap(List<String> command) {
        if (name == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>();
        wrapped.add(RUNUSER.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElse("runuser"));
        wrapped.addAll(List.of("-u", name, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Hands a file or folder to the user the processes run as (no-op when not switching). */
    void own(Path path) {
        if (principal == null) {
            return;
        }
        try {
            Files.setOwner(path, principal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot chown " + path + " to " + name, e);
        }
    }
}
