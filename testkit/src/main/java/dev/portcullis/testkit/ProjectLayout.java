package dev.portcullis.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the Portcullis checkout is, for tests that run its built artifacts as processes. */
public final class ProjectLayout {
    /** Set by the root pom's surefire configuration. */
    public static final String PROJECT_ROOT_PROPERTY = "testkit.project.root";

    private ProjectLayout() {}

    /**
     * System property {@value #PROJECT_ROOT_PROPERTY} when it names the root (Maven run from a
     * module sets it to that module); else the first parent of the working directory that holds
     * the root pom and the deploy folder.
     */
    public static Path root() {
        String configured = System.getProperty(PROJECT_ROOT_PROPERTY);
        if (configured != null && !configured.isBlank() && isRoot(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "cannot find the Portcullis checkout above " + Path.of("").toAbsolutePath());
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("deploy"));
    }
}
