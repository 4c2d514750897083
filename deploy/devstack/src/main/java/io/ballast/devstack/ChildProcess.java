package io.ballast.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A server running as a child process tree, tied to this JVM's life.
 *
 * <p>The command runs under a small bash wrapper in its own session ({@code setsid}, so a Ctrl-C in the terminal
 * reaches only the launcher, which then stops the servers in order). The wrapper watches its standard input, a pipe
 * from this JVM: when this JVM dies, even by {@code kill -9}, the pipe closes and the wrapper sends SIGTERM to the
 * server. Standard output and error go to a log file.
 */
public final class ChildProcess implements AutoCloseable {

    /**
     * Runs "$@" in the background, forwards TERM/INT/HUP to it, and stops it when stdin reaches end of file.
     * Arguments: $0 is a display name, $1.. the command.
     */
    private static final String WRAPPER = String.join("\n",
            "exec 3<&0", // background jobs get /dev/null as stdin: keep the lifeline pipe on fd 3
            "\"$@\" </dev/null 3<&- &",
            "child=$!",
            "trap 'kill -TERM \"$child\" 2>/dev/null; wait \"$child\"; exit 143' TERM INT HUP",
            "{ cat <&3 >/dev/null; kill -TERM $$ 2>/dev/null; } &",
            "watcher=$!",
            "wait \"$child\"",
            "status=$?",
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$status\"");

    private final String name;
    private final Process process;
    private final OutputStream lifeline;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.logFile = logFile;
    }

    /**
     * Starts a command as a child process tree.
     *
     * @param name       short name for messages, e.g. {@code kafka}
     * @param command    the program and its arguments
     * @param workingDir the working directory
     * @param env        extra environment variables (added to this JVM's environment)
     * @param logFile    file receiving standard output and error (appended; parent directories are created)
     * @return the running child
     * @throws UncheckedIOException if it cannot be started
     */
    public static ChildProcess start(String name, List<String> command, Path workingDir, Map<String, String> env,
            Path logFile) {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(List.of("bash", "-c", WRAPPER, "ballast-" + name));
        full.addAll(command);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Files.writeString(logFile, "=== ballast: starting " + name + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            return new ChildProcess(name, builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + ")", e);
        }
    }

    /** @return the short name given at start */
    public String name() {
        return name;
    }

    /** @return the file receiving the child's output */
    public Path logFile() {
        return logFile;
    }

    /** @return true while the child (its wrapper) is running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Polls a readiness check until it passes.
     *
     * @param what    what is awaited, for messages
     * @param timeout how long to wait at most
     * @param ready   the check; exceptions it throws count as "not yet"
     * @throws IllegalStateException if the child exits first or the timeout passes (the message carries the log's
     *                               last lines)
     */
    public void awaitReady(String what, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before " + what
                        + "; last lines of " + logFile + ":\n" + tail(40));
            }
            try {
                if (ready.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not ready yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": no " + what + " within " + timeout.toSeconds()
                        + " s; last lines of " + logFile + ":\n" + tail(40));
            }
            sleep(250);
        }
    }

    /**
     * Returns the last lines of the log file.
     *
     * @param lines how many lines at most
     * @return those lines, or a note if the file cannot be read
     */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the whole process tree: SIGTERM and up to {@code grace} for a clean exit, then SIGKILL to whatever is
     * left.
     *
     * @param grace how long a clean shutdown may take
     */
    public void stop(Duration grace) {
        List<ProcessHandle> tree = process.descendants().toList();
        try {
            lifeline.close(); // the wrapper's watcher sees end of file and stops the server
        } catch (IOException ignored) {
            // already closed
        }
        process.destroy();
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle handle : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                handle.destroyForcibly();
            }
        }
        try {
            if (!process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Stops the process tree with a 30 s grace period. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    /**
     * A readiness check that sends {@code GET url} and passes when the answer satisfies {@code ok}; connection
     * failures and timeouts count as "not yet".
     *
     * @param url the URL to poll
     * @param ok  what a ready answer looks like
     * @return the check, for {@link #awaitReady}
     */
    static BooleanSupplier httpAnswers(String url, Predicate<HttpResponse<String>> ok) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
        return () -> {
            try {
                return ok.test(http.send(request, HttpResponse.BodyHandlers.ofString()));
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        };
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
