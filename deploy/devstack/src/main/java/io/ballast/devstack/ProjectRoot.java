package io.ballast.devstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Ballast project root: the directory holding the {@code ballast} launcher script and {@code mvnw}.
 */
public final class ProjectRoot {

    /** System property naming the project root explicitly (set by Surefire and by {@code ./ballast}). */
    public static final String PROPERTY = "ballast.project.root";

    private ProjectRoot() {
    }

    /**
     * Returns the project root: the system property {@value #PROPERTY} when set, otherwise the nearest directory at
     * or above the working directory that contains both {@code ballast} and {@code mvnw}.
     *
     * @return the absolute, normalized project root
     * @throws IllegalStateException if neither way finds it
     */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!isRoot(root)) {
                throw new IllegalStateException(PROPERTY + "=" + configured
                        + " is not the Ballast project root (no ballast script and mvnw there)");
            }
            return root;
        }
        for (Path dir = Path.of("").toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the Ballast project root from " + Path.of("").toAbsolutePath()
                + ": set -D" + PROPERTY + "=<dir holding ./ballast and ./mvnw>");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("ballast")) && Files.isRegularFile(dir.resolve("mvnw"));
    }
}
