package io.ballast.console.support;

import static io.restassured.RestAssured.given;

import io.ballast.devstack.ChildProcess;
import io.ballast.devstack.DevStack;
import io.ballast.devstack.Ports;
import io.ballast.devstack.ProjectRoot;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real servers behind the console tests, started once per test JVM: PostgreSQL, Kafka and Keycloak
 * (deploy/devstack), and the packaged risk service ({@code services/risk-service/target/quarkus-app}) as a child
 * JVM on a free port. Also prepares the realm for browser logins: the console's redirect URI for this run's port,
 * and users with a {@code tenant_id} attribute created through the Keycloak admin API.
 */
public final class ConsoleServers {

    /** Password of every test user. */
    public static final String PASSWORD = "console-test-password";

    /** The live loop's margin-event topic (design-price-path.md). */
    public static final String MARGIN_EVENTS = "ballast.margin-events";

    private static ConsoleServers running;

    private final DevStack stack;
    private final ChildProcess riskService;
    private final String apiUrl;
    private final int consolePort;

    private ConsoleServers(DevStack stack, ChildProcess riskService, String apiUrl, int consolePort) {
        this.stack = stack;
        this.riskService = riskService;
        this.apiUrl = apiUrl;
        this.consolePort = consolePort;
    }

    /**
     * @return the servers of this JVM, started on first use (a shutdown hook stops them)
     * @throws IllegalStateException when the risk service is not packaged
     */
    public static synchronized ConsoleServers get() {
        if (running == null) {
            Path root = ProjectRoot.locate();
            Path jar = root.resolve("services/risk-service/target/quarkus-app/quarkus-run.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("the console tests run the packaged risk service; build it first: "
                        + "./mvnw -pl services/risk-service -am package -DskipTests (missing " + jar + ")");
            }
            long started = System.nanoTime();
            DevStack stack = DevStack.startEphemeral(root);
            createTopic(stack, MARGIN_EVENTS);
            int apiPort = Ports.free();
            String apiUrl = "http://" + Ports.LOOPBACK + ":" + apiPort;
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
            stack.quarkusConfig().forEach((key, value) -> {
                if (!key.startsWith("ballast.test.")) {
                    command.add("-D" + key + "=" + value);
                }
            });
            command.addAll(List.of("-Dquarkus.http.host=" + Ports.LOOPBACK, "-Dquarkus.http.port=" + apiPort,
                    "-jar", jar.toString()));
            ChildProcess service = ChildProcess.start("risk-service", command, root, Map.of(),
                    root.resolve("frontend-api/target/test-servers/risk-service-" + ProcessHandle.current().pid()
                            + ".log"));
            ConsoleServers servers = new ConsoleServers(stack, service, apiUrl, Ports.free());
            Runtime.getRuntime().addShutdownHook(new Thread(servers::stop, "console-test-servers-stop"));
            service.awaitReady("risk service ready at " + apiUrl, Duration.ofSeconds(180),
                    () -> answers(apiUrl + "/q/health/ready"));
            servers.prepareRealm();
            running = servers;
            System.out.printf("console tests: servers up in %.1f s, risk service %s, console port %d%n",
                    (System.nanoTime() - started) / 1e9, apiUrl, servers.consolePort);
        }
        return running;
    }

    private static void createTopic(DevStack stack, String topic) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                stack.kafka().clientConfig(io.ballast.devstack.KafkaUser.ADMIN))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1))).all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("creating topic " + topic + ": " + e, e);
        }
    }

    private static boolean answers(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5))
                            .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stop() {
        try {
            riskService.close();
        } catch (Exception e) {
            System.err.println("console tests: stopping the risk service failed: " + e);
        }
        stack.close();
    }

    /** @return the running DevStack */
    public DevStack stack() {
        return stack;
    }

    /** @return the risk service base URL */
    public String apiUrl() {
        return apiUrl;
    }

    /** @return the port the console under test listens on */
    public int consolePort() {
        return consolePort;
    }

    /** @return the console's base URL */
    public String consoleUrl() {
        return "http://" + Ports.LOOPBACK + ":" + consolePort;
    }

    /**
     * Registers this run's console callback and post-logout URIs (exact, on its random port) on the {@code
     * ballast-console} client, in place of the realm file's {@code ./ballast run} ones, and lets users carry the
     * {@code tenant_id} attribute (Keycloak 26's user profile refuses unmanaged attributes by default).
     */
    private void prepareRealm() {
        RequestSpecification admin = masterAdmin();
        String realm = adminUrl();
        Map<String, Object> profile = admin.get(realm + "/users/profile").then().statusCode(200).extract()
                .as(Map.class);
        profile.put("unmanagedAttributePolicy", "ENABLED");
        masterAdmin().body(profile).put(realm + "/users/profile").then().statusCode(200);

        String clientUuid = masterAdmin().queryParam("clientId", "ballast-console").get(realm + "/clients")
                .then().statusCode(200).extract().path("[0].id");
        Map<String, Object> client = masterAdmin().get(realm + "/clients/" + clientUuid).then().statusCode(200)
                .extract().as(Map.class);
        client.put("redirectUris", List.of(consoleUrl() + "/callback"));
        client.put("webOrigins", List.of(consoleUrl()));
        Map<String, Object> attributes = new java.util.HashMap<>((Map<String, Object>) client.get("attributes"));
        attributes.put("post.logout.redirect.uris", consoleUrl() + "/signed-out");
        client.put("attributes", attributes);
        masterAdmin().body(client).put(realm + "/clients/" + clientUuid).then().statusCode(204);
    }

    /**
     * Creates an enabled user with a password, the {@code tenant_id} attribute and one realm role.
     *
     * @param username the login name (unique per run: a random suffix is added)
     * @param tenantId the tenant id, or null for none
     * @param role     a realm role
     * @return the username as created
     */
    public String user(String username, String tenantId, String role) {
        String name = username + "-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> attributes = tenantId == null ? Map.of() : Map.of("tenant_id", List.of(tenantId));
        Response created = masterAdmin().body(Map.of("username", name, "enabled", true, "emailVerified", true,
                        "email", name + "@example.test", "firstName", username, "lastName", "Tester",
                        "attributes", attributes,
                        "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))))
                .post(adminUrl() + "/users");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating user " + name + ": " + created.statusCode() + " "
                    + created.asString());
        }
        String location = created.header("Location");
        Map<String, Object> roleRep = masterAdmin().get(adminUrl() + "/roles/" + role).then().statusCode(200)
                .extract().as(Map.class);
        masterAdmin().body(List.of(roleRep)).post(location + "/role-mappings/realm").then().statusCode(204);
        return name;
    }

    private String adminUrl() {
        return stack.keycloak().serverUrl() + "/admin/realms/ballast";
    }

    private RequestSpecification masterAdmin() {
        String token = given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("client_id", "admin-cli").formParam("username", "admin")
                .formParam("password", "admin")
                .post(stack.keycloak().serverUrl() + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    /**
     * A client-credentials token of the realm.
     *
     * @param clientId client id
     * @param secret   its secret
     * @return the access token
     */
    public String clientToken(String clientId, String secret) {
        return given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId).formParam("client_secret", secret)
                .post(stack.keycloak().tokenUrl()).then().statusCode(200).extract().path("access_token");
    }

    /**
     * @param token a bearer token
     * @return a JSON request against the risk service with it
     */
    public RequestSpecification api(String token) {
        return given().baseUri(apiUrl).contentType(ContentType.JSON).auth().oauth2(token);
    }

    /** @return a request as the platform admin */
    public RequestSpecification asPlatformAdmin() {
        return api(clientToken(DevStack.PLATFORM_ADMIN_CLIENT_ID, DevStack.PLATFORM_ADMIN_CLIENT_SECRET));
    }
}
