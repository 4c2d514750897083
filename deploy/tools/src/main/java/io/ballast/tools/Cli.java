package io.ballast.tools;

import io.ballast.devstack.ProjectRoot;
import io.ballast.tools.events.EventsCommand;
import io.ballast.tools.load.LoadCommand;
import io.ballast.tools.replay.ReplayCommand;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./ballast replay | events | load}: the operator tools around a running stack.
 */
@Command(name = "ballast", mixinStandardHelpOptions = true, version = "ballast tools 0.1",
        description = "Operator tools around a running stack (./ballast run).",
        subcommands = {ReplayCommand.class, EventsCommand.class, LoadCommand.class})
public final class Cli implements Runnable {

    /** System property set by {@code ./ballast}: the directory the user ran it from (relative paths start there). */
    public static final String CWD_PROPERTY = "ballast.cwd";

    /**
     * Entry point: runs a subcommand and exits with its code (0 done, 1 failed, 2 bad usage).
     *
     * @param args the subcommand and its options
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka",
                System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error"));
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its subcommands; a failure prints one line (the message), not a stack trace.
     *
     * @return a fresh command line
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Cli());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                    message.append(": ").append(cause.getMessage());
                }
            }
            command.getErr().println("ballast " + command.getCommandName() + ": " + message);
            return 1;
        });
        return cli;
    }

    /**
     * Resolves a path the user typed against the directory {@code ./ballast} was started from.
     *
     * @param typed the path as typed
     * @return an absolute path
     */
    public static Path userPath(Path typed) {
        if (typed.isAbsolute()) {
            return typed;
        }
        String cwd = System.getProperty(CWD_PROPERTY);
        return (cwd != null ? Path.of(cwd) : Path.of("")).resolve(typed).toAbsolutePath().normalize();
    }

    /** @return the project root (for {@code .ballast/} and the shipped demo data) */
    public static Path root() {
        return ProjectRoot.locate();
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
