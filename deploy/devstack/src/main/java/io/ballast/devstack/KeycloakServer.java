package io.ballast.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real Keycloak server: the {@code org.keycloak:keycloak-quarkus-dist} zip from Maven Central, unpacked by the build
 * into {@code deploy/devstack/target/keycloak-<version>}, started with {@code kc.sh start-dev} on 127.0.0.1 and the
 * realm file {@code deploy/keycloak/ballast-realm.json} imported. Before every start the Ballast Keycloak providers
 * (the onboarding extension, {@code deploy/keycloak-onboarding}, copied by the build into
 * {@code deploy/devstack/target/keycloak-providers}) are installed into the home's {@code providers/} directory;
 * {@code start-dev} re-augments the server with them.
 */
public final class KeycloakServer implements AutoCloseable {

    /** The realm every Ballast component uses. */
    public static final String REALM = "ballast";
    /** User name of the bootstrap administrator (master realm, admin console). */
    public static final String ADMIN_USER = "admin";
    /** Password of the bootstrap administrator. Development only. */
    public static final String ADMIN_PASSWORD = "admin";
    /** Default HTTP port of the launcher's Keycloak. */
    public static final int DEFAULT_PORT = 8180;
    /** System property overriding the unpacked distribution directory. */
    public static final String DIST_PROPERTY = "ballast.devstack.keycloak-dist";
    /** The Keycloak version the build unpacks (from the parent pom's {@code keycloak.version}). */
    public static final String VERSION = buildProperty("keycloak.version");

    private static final String REALM_FILE = "ballast-realm.json";
    private static final String COPY_MARKER = ".ballast-copy-complete";
    /** Realm role the onboarding extension requires of its caller ({@code ballast-service}'s service account). */
    public static final String ONBOARDING_ROLE = "ballast-onboarding";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Where the build puts the provider jars to install (relative to the project root). */
    static final String PROVIDERS_DIR = "deploy/devstack/target/keycloak-providers";

    private final ChildProcess process;
    private final int port;

    private KeycloakServer(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts a Keycloak with an in-memory database (fresh realm each time) on random ports, from the unpacked
     * distribution in the build directory.
     *
     * @param projectRoot the Ballast project root
     * @param logFile     file receiving Keycloak's log (appended)
     * @return the running server, realm {@value #REALM} served
     */
    public static KeycloakServer startEphemeral(Path projectRoot, Path logFile) {
        return start(projectRoot, distribution(projectRoot), Ports.free(), "dev-mem", logFile);
    }

    /**
     * Starts a Keycloak whose state persists: a private copy of the distribution under {@code stateDir} (made on first
     * use) with its file database. The realm is imported on first start only; later starts keep every change, such
     * as the tenant clients created by onboarding.
     *
     * @param projectRoot the Ballast project root
     * @param stateDir    state directory, e.g. {@code .ballast/keycloak}
     * @param port        HTTP port on 127.0.0.1
     * @param logFile     file receiving Keycloak's log (appended)
     * @return the running server, realm {@value #REALM} served
     */
    public static KeycloakServer startPersistent(Path projectRoot, Path stateDir, int port, Path logFile) {
        Ports.requireValid(port, "Keycloak port");
        Path home = stateDir.resolve("keycloak-" + VERSION);
        if (!Files.exists(home.resolve(COPY_MARKER))) {
            KafkaBroker.deleteTree(home);
            copyTree(distribution(projectRoot), home);
            touch(home.resolve(COPY_MARKER));
        }
        KeycloakServer server = start(projectRoot, home, port, "dev-file", logFile);
        try {
            server.upgradeOnboardingClient();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Brings a realm imported before the onboarding extension up to the realm file (the import runs on the first start
     * only): creates the realm role {@value #ONBOARDING_ROLE} if missing, grants it to {@code ballast-service}'s
     * service account and removes that account's {@code realm-management} roles. Runs as the bootstrap administrator
     * (master realm); a realm already in that state is left as it is.
     */
    void upgradeOnboardingClient() {
        try {
            String token = MAPPER.readTree(http("POST", serverUrl() + "/realms/master/protocol/openid-connect/token",
                    null, "grant_type=password&client_id=admin-cli&username=" + ADMIN_USER + "&password="
                            + ADMIN_PASSWORD, 200)).path("access_token").asText();
            String admin = serverUrl() + "/admin/realms/" + REALM;
            if (http("GET", admin + "/roles/" + ONBOARDING_ROLE, token, null, -1).isEmpty()) {
                http("POST", admin + "/roles", token, MAPPER.writeValueAsString(Map.of("name", ONBOARDING_ROLE,
                        "description", "May call the onboarding extension (deploy/keycloak-onboarding).")), 201);
            }
            String service = MAPPER.readTree(http("GET", admin + "/clients?clientId=" + DevStack.SERVICE_CLIENT_ID,
                    token, null, 200)).path(0).path("id").asText();
            String account = MAPPER.readTree(http("GET", admin + "/clients/" + service + "/service-account-user",
                    token, null, 200)).path("id").asText();
            JsonNode role = MAPPER.readTree(http("GET", admin + "/roles/" + ONBOARDING_ROLE, token, null, 200));
            http("POST", admin + "/users/" + account + "/role-mappings/realm", token,
                    MAPPER.writeValueAsString(List.of(role)), 204);
            String management = MAPPER.readTree(http("GET", admin + "/clients?clientId=realm-management", token,
                    null, 200)).path(0).path("id").asText();
            String mapped = http("GET", admin + "/users/" + account + "/role-mappings/clients/" + management, token,
                    null, 200);
            if (MAPPER.readTree(mapped).size() > 0) {
                http("DELETE", admin + "/users/" + account + "/role-mappings/clients/" + management, token, mapped,
                        204);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bring the onboarding client of realm " + REALM + " up to date", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while updating the realm", e);
        }
    }

    /** One HTTP call; {@code expect} -1 answers the body of a 2xx and "" for a 404, else the status must match. */
    private static String http(String method, String url, String token, String body, int expect)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", token == null ? "application/x-www-form-urlencoded" : "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expect == -1 && response.statusCode() == 404) {
            return "";
        }
        boolean ok = expect == -1 ? response.statusCode() / 100 == 2 : response.statusCode() == expect;
        if (!ok) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    private static KeycloakServer start(Path projectRoot, Path home, int port, String db, Path logFile) {
        installRealm(projectRoot, home);
        installProviders(projectRoot, home);
        Path kcSh = home.resolve("bin/kc.sh");
        List<String> command = List.of("bash", kcSh.toAbsolutePath().toString(), "start-dev",
                "--http-host=" + Ports.LOOPBACK, "--http-port=" + port,
                "--http-management-port=" + Ports.free(),
                "--db=" + db, "--import-realm");
        Map<String, String> env = new java.util.HashMap<>(realmVariables());
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // the same values as system properties too: the import's placeholder lookup reads both
        env.put("JAVA_OPTS_APPEND", realmVariables().entrySet().stream().map(e -> "-D" + e.getKey() + "="
                + e.getValue()).sorted().collect(java.util.stream.Collectors.joining(" ")));
        ChildProcess child = ChildProcess.start("keycloak", command, home, env, logFile);
        KeycloakServer server = new KeycloakServer(child, port);
        try {
            String discovery = server.realmUrl() + "/.well-known/openid-configuration";
            child.awaitReady("realm " + REALM + " served at " + server.realmUrl(), startTimeout(),
                    ChildProcess.httpAnswers(discovery, answer -> answer.statusCode() == 200));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * How long a start may take before it counts as failed: system property {@code ballast.keycloak.start-timeout}
     * (ISO-8601, e.g. {@code PT10M}), default 10 minutes. A first start re-augments the distribution (a Quarkus
     * build) and creates its database, which took over 4 minutes on a 2-core machine with other builds running;
     * a start that fails outright is reported at once (the child process exits), not after the timeout.
     */
    static Duration startTimeout() {
        String configured = System.getProperty("ballast.keycloak.start-timeout");
        return configured == null ? Duration.ofMinutes(10) : Duration.parse(configured);
    }

    /** Unpacked distribution: system property {@value #DIST_PROPERTY}, else the build directory's copy. */
    static Path distribution(Path projectRoot) {
        String configured = System.getProperty(DIST_PROPERTY);
        Path dist = configured != null ? Path.of(configured)
                : projectRoot.resolve("deploy/devstack/target/keycloak-" + VERSION);
        if (!Files.isRegularFile(dist.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution in " + dist
                    + ": build deploy/devstack first (./mvnw -pl deploy/devstack -am install -DskipTests)");
        }
        return dist;
    }

    /**
     * The environment the realm file's placeholders read at import (Keycloak resolves {@code ${VAR}} in an imported
     * realm from the environment): the development secrets of the three confidential clients and the console's base
     * URL. The committed realm file holds no secret and no port; production supplies the same variables
     * (docs/security.md "Secrets").
     *
     * @return {@code BALLAST_PLATFORM_ADMIN_CLIENT_SECRET}, {@code BALLAST_SERVICE_CLIENT_SECRET},
     *     {@code BALLAST_CONSOLE_CLIENT_SECRET} and {@code BALLAST_CONSOLE_URL} ({@link #consoleUrl()})
     */
    static Map<String, String> realmVariables() {
        return Map.of("BALLAST_PLATFORM_ADMIN_CLIENT_SECRET", DevStack.PLATFORM_ADMIN_CLIENT_SECRET,
                "BALLAST_SERVICE_CLIENT_SECRET", DevStack.SERVICE_CLIENT_SECRET,
                "BALLAST_CONSOLE_CLIENT_SECRET", DevStack.CONSOLE_CLIENT_SECRET,
                "BALLAST_CONSOLE_URL", consoleUrl());
    }

    /**
     * The console's base URL as {@code ./ballast run} serves it: {@code http://127.0.0.1:<BALLAST_CONSOLE_PORT>}
     * (8081 unless that variable is set). Its {@code /callback} is the console client's only redirect URI in the
     * imported realm; a test console on a random port registers its own exact URIs through the admin API.
     *
     * @return the URL, without a trailing slash
     */
    public static String consoleUrl() {
        return "http://" + Ports.LOOPBACK + ":" + consolePort();
    }

    /** @return {@code BALLAST_CONSOLE_PORT} from the environment, else 8081 */
    public static int consolePort() {
        return Integer.parseInt(System.getenv().getOrDefault("BALLAST_CONSOLE_PORT", "8081"));
    }

    /** Puts the realm file where {@code --import-realm} reads it ({@code data/import}), atomically. */
    private static void installRealm(Path projectRoot, Path home) {
        Path realm = projectRoot.resolve("deploy/keycloak/" + REALM_FILE);
        if (!Files.isRegularFile(realm)) {
            throw new IllegalStateException("realm file missing: " + realm);
        }
        try {
            Path importDir = Files.createDirectories(home.resolve("data/import"));
            Path tmp = Files.createTempFile(importDir, ".realm-", ".tmp");
            Files.copy(realm, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, importDir.resolve(REALM_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the realm file into " + home, e);
        }
    }

    /**
     * Copies every provider jar the build put into {@code deploy/devstack/target/keycloak-providers} into the home's
     * {@code providers/} directory, replacing (atomically) a jar whose bytes differ, so that a rebuilt extension also
     * reaches a persistent home copied earlier.
     *
     * @param projectRoot the Ballast project root
     * @param home        the Keycloak home to start
     */
    static void installProviders(Path projectRoot, Path home) {
        Path built = projectRoot.resolve(PROVIDERS_DIR);
        try (Stream<Path> jars = Files.isDirectory(built) ? Files.list(built) : Stream.empty()) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no Keycloak provider jar in " + built
                        + ": build deploy/devstack first (./mvnw -pl deploy/devstack -am install -DskipTests)");
            }
            Path providers = Files.createDirectories(home.resolve("providers"));
            for (Path jar : found) {
                Path target = providers.resolve(jar.getFileName().toString());
                if (Files.exists(target) && Files.mismatch(jar, target) == -1) {
                    continue;
                }
                Path tmp = Files.createTempFile(providers, ".provider-", ".tmp");
                Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the Keycloak providers into " + home, e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy Keycloak from " + from + " to " + to, e);
        }
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "copied by ballast devstack\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static String buildProperty(String key) {
        Properties props = new Properties();
        try (InputStream in = KeycloakServer.class.getResourceAsStream("devstack.properties")) {
            if (in == null) {
                throw new IllegalStateException("devstack.properties missing from the classpath");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read devstack.properties", e);
        }
        String value = props.getProperty(key);
        if (value == null || value.startsWith("${")) {
            throw new IllegalStateException("devstack.properties has no built value for " + key);
        }
        return value;
    }

    /** @return the HTTP port */
    public int port() {
        return port;
    }

    /** @return the server URL, {@code http://127.0.0.1:<port>} (admin REST API base, admin console at /admin) */
    public String serverUrl() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    /** @return the realm URL and token issuer, {@code http://127.0.0.1:<port>/realms/ballast} */
    public String realmUrl() {
        return serverUrl() + "/realms/" + REALM;
    }

    /** @return the realm's OAuth2 token endpoint */
    public String tokenUrl() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    /** @return Keycloak's log file */
    public Path logFile() {
        return process.logFile();
    }

    /** Stops Keycloak and its whole process tree (SIGKILL after 30 s). */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
