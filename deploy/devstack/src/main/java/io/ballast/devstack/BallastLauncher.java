package io.ballast.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./ballast run}: starts PostgreSQL, Kafka and Keycloak with persistent state under {@code <root>/.ballast/},
 * then the packaged risk service as a child JVM; seeds the demo tenants on the first start; prints URLs, demo
 * credentials and a curl to try; on Ctrl-C stops the service, Keycloak, Kafka and PostgreSQL in that order.
 */
public final class BallastLauncher {

    /** File under {@code .ballast/} naming the addresses of the running servers, see {@link #writeStackFile}. */
    public static final String STACK_FILE = "stack.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Path state;
    private final Path logs;
    private final LauncherOptions options;
    private final long startNanos = System.nanoTime();

    private volatile PostgresServer postgres;
    private volatile KafkaBroker kafka;
    private volatile KeycloakServer keycloak;
    private volatile ChildProcess service;
    private volatile ChildProcess console;
    private volatile boolean stopping;

    private BallastLauncher(Path root, LauncherOptions options) {
        this.root = root;
        this.state = root.resolve(".ballast");
        this.logs = state.resolve("logs");
        this.options = options;
    }

    /**
     * Entry point: parses the options with picocli ({@link RunCommand}) and starts the stack; exits 2 on bad usage,
     * 1 when the stack fails.
     *
     * @param args options, see {@code ./ballast run --help}
     */
    public static void main(String[] args) {
        // Launcher output is progress lines; library chatter (admin client, zonky) goes below warnings only.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka",
                System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error"));
        int code = RunCommand.execute(args, System.getenv(), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true));
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Starts the stack and blocks while it runs; Ctrl-C stops it.
     *
     * @param root    the project root
     * @param options the validated options
     */
    static void launch(Path root, LauncherOptions options) {
        BallastLauncher launcher = new BallastLauncher(root, options);
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stopAll, "ballast-stop"));
        launcher.run();
    }

    private void run() {
        Path serviceJar = root.resolve("services/risk-service/target/quarkus-app/quarkus-run.jar");
        if (!options.serversOnly() && !Files.isRegularFile(serviceJar)) {
            throw new IllegalStateException("the risk service is not built (" + root.relativize(serviceJar)
                    + " missing): ./mvnw -pl services/risk-service -am install -DskipTests");
        }
        requireFreePorts();
        boolean cold = !Files.exists(state.resolve("postgres/postgresql.conf"));
        progress((cold ? "first start" : "warm start") + ": state in " + state + ", logs in " + logs);

        DevStack stack = DevStack.startAll(
                () -> {
                    progress("PostgreSQL: starting on 127.0.0.1:" + options.postgresPort());
                    postgres = PostgresServer.startPersistent(state.resolve("postgres"), options.postgresPort(),
                            logs.resolve("postgres.log"));
                    progress("PostgreSQL: ready (" + postgres.jdbcUrl() + ")");
                    return postgres;
                },
                () -> {
                    progress("Kafka: starting KRaft broker on 127.0.0.1:" + options.kafkaPort());
                    kafka = KafkaBroker.startPersistent(root, state.resolve("kafka"), options.kafkaPort(),
                            options.kafkaControllerPort(), logs.resolve("kafka.log"));
                    progress("Kafka: ready (" + kafka.bootstrapServers() + ")");
                    return kafka;
                },
                () -> {
                    progress("Keycloak: starting on 127.0.0.1:" + options.keycloakPort()
                            + (Files.exists(state.resolve("keycloak")) ? ""
                                    : " (first start: copying the distribution, building, importing the realm)"));
                    keycloak = KeycloakServer.startPersistent(root, state.resolve("keycloak"),
                            options.keycloakPort(), logs.resolve("keycloak.log"));
                    progress("Keycloak: ready (" + keycloak.realmUrl() + ")");
                    return keycloak;
                });

        String apiUrl = "http://" + Ports.LOOPBACK + ":" + options.apiPort();
        writeStackFile(stack, options.serversOnly() ? null : apiUrl);
        if (options.serversOnly()) {
            printServersOnly(stack);
            waitForever(null);
            return;
        }
        startService(stack, serviceJar, apiUrl);
        Map<String, Object> demo = demoCredentials(apiUrl, stack.keycloak().tokenUrl());
        String consoleUrl = startConsole(stack, apiUrl);
        if (demo != null && consoleUrl != null) {
            demo.put("consoleUrl", consoleUrl);
            writeDemoCredentials(demo);
        }
        printSummary(stack, apiUrl, demo, cold);
        waitForever(service);
    }

    /**
     * Writes {@code .ballast/stack.json}: where the servers of this run listen, for the operator tools
     * ({@code ./ballast replay | events | load}): {@code kafkaBootstrap}, {@code postgresJdbcUrl},
     * {@code postgresUser}, {@code postgresPassword}, {@code tokenUrl}, {@code apiUrl} (absent with
     * {@code --servers-only}). Kafka users and passwords are those of {@link KafkaUser}.
     */
    private void writeStackFile(DevStack stack, String apiUrl) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("kafkaBootstrap", stack.kafka().bootstrapServers());
        file.put("postgresJdbcUrl", stack.postgres().jdbcUrl());
        file.put("postgresUser", stack.postgres().user());
        file.put("postgresPassword", stack.postgres().password());
        file.put("tokenUrl", stack.keycloak().tokenUrl());
        if (apiUrl != null) {
            file.put("apiUrl", apiUrl);
        }
        try {
            JSON.writeValue(state.resolve(STACK_FILE).toFile(), file);
        } catch (java.io.IOException e) {
            progress("could not write " + state.resolve(STACK_FILE) + " (" + e + "); the tools fall back to the"
                    + " default ports");
        }
    }

    private void requireFreePorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("PostgreSQL (--pg-port, BALLAST_PG_PORT)", options.postgresPort());
        ports.put("Kafka (--kafka-port, BALLAST_KAFKA_PORT)", options.kafkaPort());
        ports.put("Kafka controller (--kafka-controller-port, BALLAST_KAFKA_CONTROLLER_PORT)",
                options.kafkaControllerPort());
        ports.put("Keycloak (--keycloak-port, BALLAST_KEYCLOAK_PORT)", options.keycloakPort());
        if (!options.serversOnly()) {
            ports.put("risk service (--api-port, BALLAST_API_PORT)", options.apiPort());
        }
        List<String> taken = new ArrayList<>();
        ports.forEach((what, port) -> {
            if (!Ports.isFree(port)) {
                taken.add("port " + port + " for " + what + " is already in use");
            }
        });
        if (!taken.isEmpty()) {
            throw new IllegalStateException(String.join("; ", taken)
                    + ". Is another ./ballast run up? Stop it, or pick other ports.");
        }
    }

    private void startService(DevStack stack, Path serviceJar, String apiUrl) {
        progress("risk service: starting on " + apiUrl);
        List<String> command = new ArrayList<>();
        command.add(KafkaBroker.javaBinary());
        String javaOpts = System.getenv().getOrDefault("BALLAST_SERVICE_JAVA_OPTS", "-Xmx768m");
        command.addAll(List.of(javaOpts.trim().split("\\s+")));
        stack.quarkusConfig().forEach((key, value) -> {
            if (!key.startsWith("ballast.test.")) {
                command.add("-D" + key + "=" + value);
            }
        });
        command.add("-Dquarkus.http.host=" + Ports.LOOPBACK);
        command.add("-Dquarkus.http.port=" + options.apiPort());
        // a development stack: Swagger UI and metrics open (the production profile denies them)
        command.add("-Dquarkus.http.auth.permission.swagger-ui.policy=permit");
        command.add("-Dquarkus.http.auth.permission.metrics.policy=permit");
        command.add("-jar");
        command.add(serviceJar.toString());
        service = ChildProcess.start("risk-service", command, root, Map.of(), logs.resolve("risk-service.log"));
        service.awaitReady("readiness UP at " + apiUrl + "/q/health/ready", Duration.ofSeconds(180),
                ChildProcess.httpAnswers(apiUrl + "/q/health/ready",
                        answer -> answer.statusCode() == 200 && answer.body().contains("\"UP\"")));
        progress("risk service: ready (/q/health/ready is UP)");
    }

    /**
     * Starts the risk-committee console (frontend-api's packaged app) on {@code BALLAST_CONSOLE_PORT} (8081), pointed
     * at this Keycloak, risk service and broker. A console that is not built, or that does not come up, is reported
     * and skipped: the platform runs without it.
     *
     * @return its URL, or null when it is not running
     */
    private String startConsole(DevStack stack, String apiUrl) {
        Path consoleJar = root.resolve("frontend-api/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(consoleJar)) {
            progress("console: NOT STARTED, not built (./mvnw -pl frontend-api -am install -DskipTests)");
            return null;
        }
        int port = KeycloakServer.consolePort();
        String consoleUrl = KeycloakServer.consoleUrl();
        if (!Ports.isFree(port)) {
            progress("console: NOT STARTED, port " + port + " is in use (set BALLAST_CONSOLE_PORT)");
            return null;
        }
        progress("console: starting on " + consoleUrl);
        List<String> command = new ArrayList<>(List.of(KafkaBroker.javaBinary(), "-Xmx256m",
                "-Dquarkus.oidc.auth-server-url=" + stack.keycloak().realmUrl(),
                "-Dquarkus.rest-client.risk.url=" + apiUrl,
                "-Dkafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "-Dquarkus.http.host=" + Ports.LOOPBACK, "-Dquarkus.http.port=" + port,
                // the packaged console runs its production profile, which has no secret: the development one
                "-Dquarkus.oidc.credentials.secret=" + DevStack.CONSOLE_CLIENT_SECRET));
        // the broker requires SASL: the console reads ballast.margin-events as the service's broker user
        KafkaUser.SERVICE.saslClientConfig().forEach((key, value) -> command.add("-Dkafka." + key + "=" + value));
        command.addAll(List.of("-jar", consoleJar.toString()));
        console = ChildProcess.start("console", command, root, Map.of(), logs.resolve("console.log"));
        try {
            console.awaitReady("readiness UP at " + consoleUrl + "/q/health/ready", Duration.ofSeconds(120),
                    ChildProcess.httpAnswers(consoleUrl + "/q/health/ready", answer -> answer.statusCode() == 200));
        } catch (IllegalStateException e) {
            progress("console: FAILED TO START, the platform runs without it (" + e.getMessage() + ")");
            DevStack.closeQuietly(console);
            console = null;
            return null;
        }
        progress("console: ready at " + consoleUrl + " (sign in with a demo user)");
        return consoleUrl;
    }

    private void writeDemoCredentials(Map<String, Object> demo) {
        Path file = state.resolve("demo-credentials.json");
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), demo);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            progress("demo data: could not record the console URL in " + file + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads {@code .ballast/demo-credentials.json}, or on the first start seeds the demo tenants through the API
     * and writes it. Returns null when there is no demo data (seeding unavailable or failed); the servers keep
     * running either way.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> demoCredentials(String apiUrl, String tokenUrl) {
        Path file = state.resolve("demo-credentials.json");
        try {
            if (Files.exists(file)) {
                Map<String, Object> demo = JSON.readValue(file.toFile(), LinkedHashMap.class);
                demo.put("apiUrl", apiUrl);
                demo.put("tokenUrl", tokenUrl);
                JSON.writeValue(file.toFile(), demo);
                progress("demo data: kept from the first start (" + root.relativize(file) + ")");
                return demo;
            }
            progress("demo data: seeding two demo tenants through the API");
            Map<String, Object> demo = DemoSeeder.seed(apiUrl, tokenUrl, DevStack.PLATFORM_ADMIN_CLIENT_ID,
                    DevStack.PLATFORM_ADMIN_CLIENT_SECRET);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), demo);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            progress("demo data: seeded, credentials in " + root.relativize(file));
            return demo;
        } catch (UnsupportedOperationException e) {
            progress("demo data: NOT SEEDED, the demo seeder is not available yet (" + e.getMessage()
                    + "); the platform runs without demo tenants");
            return null;
        } catch (Exception e) {
            progress("demo data: SEEDING FAILED (" + e + "); the platform keeps running without demo tenants,"
                    + " the next start tries again. Service log: " + service.logFile());
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private void printSummary(DevStack stack, String apiUrl, Map<String, Object> demo, boolean cold) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nBallast is up: %s start in %.1f s.%n", cold ? "first" : "warm", elapsedSeconds()));
        out.append("  API              ").append(apiUrl).append("/api/v1\n");
        if (demo != null && demo.get("consoleUrl") != null) {
            out.append("  Console          ").append(demo.get("consoleUrl")).append("  (risk-committee console)\n");
        }
        out.append("  Swagger UI       ").append(apiUrl).append("/q/swagger-ui\n");
        out.append("  OpenAPI          ").append(apiUrl).append("/q/openapi\n");
        out.append("  Health           ").append(apiUrl).append("/q/health/ready\n");
        out.append("  Metrics          ").append(apiUrl).append("/q/metrics\n");
        out.append("  Keycloak console ").append(stack.keycloak().serverUrl()).append("/admin  (")
                .append(KeycloakServer.ADMIN_USER).append(" / ").append(KeycloakServer.ADMIN_PASSWORD)
                .append(", realm ").append(KeycloakServer.REALM).append(")\n");
        out.append("  Token endpoint   ").append(stack.keycloak().tokenUrl()).append('\n');
        out.append("  PostgreSQL       ").append(stack.postgres().jdbcUrl()).append("  (")
                .append(stack.postgres().user()).append(" / ").append(stack.postgres().password()).append(")\n");
        out.append("  Kafka            ").append(stack.kafka().bootstrapServers()).append('\n');
        out.append("  State and logs   ").append(state).append("  (rm -rf .ballast to reset)\n");
        out.append("\nPlatform admin client: ").append(DevStack.PLATFORM_ADMIN_CLIENT_ID).append(" / ")
                .append(DevStack.PLATFORM_ADMIN_CLIENT_SECRET).append('\n');
        List<Map<String, Object>> tenants = demo == null ? List.of()
                : (List<Map<String, Object>>) demo.getOrDefault("tenants", List.of());
        if (tenants.isEmpty()) {
            out.append("No demo tenants (see above). Onboard one with the platform admin client: docs/api.md.\n");
            out.append("\nTry it (platform admin token):\n");
            out.append(curlToken(stack.keycloak().tokenUrl(), DevStack.PLATFORM_ADMIN_CLIENT_ID,
                    DevStack.PLATFORM_ADMIN_CLIENT_SECRET));
        } else {
            out.append("Demo tenants (also in .ballast/demo-credentials.json):\n");
            for (Map<String, Object> tenant : tenants) {
                out.append("  tenant ").append(tenant.get("tenantId")).append(": client ")
                        .append(tenant.get("clientId")).append(" / ").append(tenant.get("clientSecret"))
                        .append(", accounts ").append(tenant.get("accountIds")).append('\n');
                for (Map<String, Object> user : (List<Map<String, Object>>) tenant.getOrDefault("users", List.of())) {
                    out.append("    console user ").append(user.get("username")).append(" / ")
                            .append(user.get("password")).append("  ").append(user.get("roles")).append('\n');
                }
            }
            Map<String, Object> first = tenants.get(0);
            out.append("\nTry it (tenant ").append(first.get("tenantId")).append("'s integrator lists its accounts):\n");
            out.append(curlToken(stack.keycloak().tokenUrl(), String.valueOf(first.get("clientId")),
                    String.valueOf(first.get("clientSecret"))));
            out.append("curl -s -H \"Authorization: Bearer $TOKEN\" ").append(apiUrl).append("/api/v1/accounts\n");
            List<Map<String, Object>> users = (List<Map<String, Object>>) first.getOrDefault("users", List.of());
            Map<String, Object> member = users.stream().filter(u -> String.valueOf(u.get("roles"))
                    .contains("risk-committee")).findFirst().orElse(null);
            if (member != null) {
                out.append("\nUsers per tenant (tenant-admin, two risk-committee members) are in the same file. ")
                        .append("A user's token, password grant of the dev-only client ")
                        .append(demo.getOrDefault("cliClientId", DemoSeeder.CLI_CLIENT_ID)).append(":\n");
                out.append("TOKEN=$(curl -s -d grant_type=password -d client_id=")
                        .append(demo.getOrDefault("cliClientId", DemoSeeder.CLI_CLIENT_ID))
                        .append(" -d username=").append(member.get("username")).append(" -d password=")
                        .append(member.get("password")).append(' ').append(stack.keycloak().tokenUrl())
                        .append(" | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n");
                out.append("curl -s -H \"Authorization: Bearer $TOKEN\" ").append(apiUrl)
                        .append("/api/v1/risk/recommendations\n");
            }
        }
        out.append("\nCtrl-C stops the risk service, Keycloak, Kafka and PostgreSQL; the state stays in .ballast/.\n");
        System.out.print(out);
        System.out.flush();
    }

    private static String curlToken(String tokenUrl, String clientId, String secret) {
        return "TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=" + clientId + " -d client_secret="
                + secret + " " + tokenUrl + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n";
    }

    private void printServersOnly(DevStack stack) {
        StringBuilder out = new StringBuilder(String.format("%nServers up in %.1f s (no risk service). "
                + "Point a service at them with:%n", elapsedSeconds()));
        stack.quarkusConfig().forEach((key, value) -> out.append("  '-D").append(key).append('=')
                .append(value.replace("'", "'\\''")).append("'\n"));
        out.append("Keycloak console ").append(stack.keycloak().serverUrl()).append("/admin (admin / admin). ")
                .append("Ctrl-C stops them.\n");
        System.out.print(out);
        System.out.flush();
    }

    /** Blocks until Ctrl-C; exits non-zero if the watched service dies on its own. */
    private void waitForever(ChildProcess watched) {
        while (true) {
            ChildProcess.sleep(1_000);
            if (watched != null && !watched.isAlive() && !stopping) {
                System.err.println("ballast run: the risk service exited on its own; last lines of "
                        + watched.logFile() + ":\n" + watched.tail(30));
                System.exit(1);
            }
        }
    }

    /** Shutdown hook: service, Keycloak, Kafka, PostgreSQL, in that order, each with progress and timing. */
    private void stopAll() {
        stopping = true;
        if (service == null && keycloak == null && kafka == null && postgres == null) {
            return; // nothing was started
        }
        long stopStart = System.nanoTime();
        System.out.println();
        stop("console", console);
        stop("risk service", service);
        stop("Keycloak", keycloak);
        stop("Kafka", kafka);
        stop("PostgreSQL", postgres);
        System.out.printf("ballast: stopped in %.1f s; state kept in %s%n", (System.nanoTime() - stopStart) / 1e9,
                state);
        System.out.flush();
    }

    private static void stop(String name, AutoCloseable server) {
        if (server == null) {
            return;
        }
        long start = System.nanoTime();
        DevStack.closeQuietly(server);
        System.out.printf("ballast: %s stopped (%.1f s)%n", name, (System.nanoTime() - start) / 1e9);
        System.out.flush();
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void progress(String message) {
        System.out.printf("[%6.1f s] %s%n", elapsedSeconds(), message);
        System.out.flush();
    }
}
