package io.ballast.devstack;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line of {@code ./ballast run} (picocli): the options of {@link LauncherOptions}, {@code --help}, and
 * the exit codes 0 (done or help), 1 (the stack failed) and 2 (bad usage: an unknown option, a missing or
 * non-numeric value, an invalid port, no project root).
 *
 * <p>Each port comes from its flag, else its environment variable, else its default; a blank variable counts as
 * unset. The environment is passed in (not read here), so that tests and {@code ./ballast replay | events | load}
 * (which find the stack's ports the same way) can give their own.
 */
@Command(name = "./ballast run", sortOptions = false,
        description = {"Starts PostgreSQL, Kafka, Keycloak and the risk service on 127.0.0.1,",
            "seeds two demo tenants on the first start, and keeps state under .ballast/",
            "(rm -rf .ballast to reset). Ctrl-C stops everything.", ""},
        footer = {"", "Each port: the flag, else the environment variable, else the default.",
            "Also read from the environment: BALLAST_SERVICE_JAVA_OPTS (the risk service's JVM options, default"
                    + " -Xmx768m), BALLAST_KAFKA_JAVA_OPTS (the broker's, default " + KafkaBroker.DEFAULT_JAVA_OPTS
                    + ") and BALLAST_CONSOLE_PORT (the console's port, default 8081)."})
public final class RunCommand implements Callable<Integer> {

    /** Environment variable of {@code --pg-port}. */
    public static final String PG_PORT_ENV = "BALLAST_PG_PORT";
    /** Environment variable of {@code --kafka-port}. */
    public static final String KAFKA_PORT_ENV = "BALLAST_KAFKA_PORT";
    /** Environment variable of {@code --kafka-controller-port}. */
    public static final String KAFKA_CONTROLLER_PORT_ENV = "BALLAST_KAFKA_CONTROLLER_PORT";
    /** Environment variable of {@code --keycloak-port}. */
    public static final String KEYCLOAK_PORT_ENV = "BALLAST_KEYCLOAK_PORT";
    /** Environment variable of {@code --api-port}. */
    public static final String API_PORT_ENV = "BALLAST_API_PORT";
    /** Default port of the risk service. */
    public static final int DEFAULT_API_PORT = 8080;

    @Spec
    private CommandSpec spec;

    @Option(names = "--pg-port", paramLabel = "N",
            description = "PostgreSQL port (" + PG_PORT_ENV + ", default " + PostgresServer.DEFAULT_PORT + ")")
    private Integer postgresPort;

    @Option(names = "--kafka-port", paramLabel = "N",
            description = "Kafka client port (" + KAFKA_PORT_ENV + ", default " + KafkaBroker.DEFAULT_PORT + ")")
    private Integer kafkaPort;

    @Option(names = "--kafka-controller-port", paramLabel = "N",
            description = "Kafka KRaft controller port (" + KAFKA_CONTROLLER_PORT_ENV + ", default "
                    + KafkaBroker.DEFAULT_CONTROLLER_PORT + ")")
    private Integer kafkaControllerPort;

    @Option(names = "--keycloak-port", paramLabel = "N",
            description = "Keycloak port (" + KEYCLOAK_PORT_ENV + ", default " + KeycloakServer.DEFAULT_PORT + ")")
    private Integer keycloakPort;

    @Option(names = "--api-port", paramLabel = "N",
            description = "risk service port (" + API_PORT_ENV + ", default " + DEFAULT_API_PORT + ")")
    private Integer apiPort;

    @Option(names = "--servers-only",
            description = "start the three servers only, no risk service, no demo data (e.g. for mvn quarkus:dev)")
    private boolean serversOnly;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    private boolean help;

    private final Map<String, String> env;

    /**
     * A command reading its defaults from an environment.
     *
     * @param env the environment (usually {@link System#getenv()})
     */
    public RunCommand(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * Runs {@code ./ballast run} with these arguments: parses them, then starts the stack (and does not return while
     * it runs).
     *
     * @param args the arguments after {@code run}
     * @param env  the environment
     * @param out  where help goes
     * @param err  where errors go
     * @return the exit code: 0 help, 1 the stack failed, 2 bad usage
     */
    public static int execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new RunCommand(env));
        cli.setOut(out).setErr(err);
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("ballast run: " + e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, command.getErr());
            command.getErr().println();
            command.usage(command.getErr());
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("ballast run: " + e.getMessage());
            return command.getCommandSpec().exitCodeOnExecutionException();
        });
        return cli.execute(args);
    }

    /**
     * Reads the options from arguments and an environment, without running anything.
     *
     * @param args the arguments after {@code run}
     * @param env  the environment
     * @return the options
     * @throws IllegalArgumentException on an unknown option, a missing or non-numeric value, or an invalid port
     */
    static LauncherOptions parse(String[] args, Map<String, String> env) {
        RunCommand command = new RunCommand(env);
        try {
            new CommandLine(command).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return command.options();
    }

    /** Starts the stack; bad options or a missing project root are usage errors (exit 2). */
    @Override
    public Integer call() {
        LauncherOptions options;
        Path root;
        try {
            options = options();
            root = ProjectRoot.locate();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        BallastLauncher.launch(root, options);
        return 0;
    }

    /** The options: each port from its flag, else the environment, else the default; validated. */
    LauncherOptions options() {
        return new LauncherOptions(
                port(postgresPort, PG_PORT_ENV, PostgresServer.DEFAULT_PORT),
                port(kafkaPort, KAFKA_PORT_ENV, KafkaBroker.DEFAULT_PORT),
                port(kafkaControllerPort, KAFKA_CONTROLLER_PORT_ENV, KafkaBroker.DEFAULT_CONTROLLER_PORT),
                port(keycloakPort, KEYCLOAK_PORT_ENV, KeycloakServer.DEFAULT_PORT),
                port(apiPort, API_PORT_ENV, DEFAULT_API_PORT),
                serversOnly);
    }

    private int port(Integer flag, String variable, int fallback) {
        if (flag != null) {
            return flag;
        }
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a port number, got '" + value + "'");
        }
    }
}
