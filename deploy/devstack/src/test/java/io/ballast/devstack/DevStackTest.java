package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Starts the real servers of the dev stack once and checks each answers as the risk service will use it. */
class DevStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static DevStack stack;

    @BeforeAll
    static void startServers() {
        stack = DevStack.startEphemeral(ProjectRoot.locate());
    }

    @AfterAll
    static void stopServers() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void postgresAnswersSelectOneInTheBallastDatabase() throws Exception {
        PostgresServer pg = stack.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select 1, current_database(), current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("ballast");
            assertThat(rs.getString(3)).isEqualTo("postgres");
        }
        assertThat(pg.reactiveUrl()).isEqualTo("postgresql://127.0.0.1:" + pg.port() + "/ballast");
    }

    @Test
    void kafkaCreatesATopicAndRoundTripsARecord() throws Exception {
        String topic = "devstack-roundtrip-" + UUID.randomUUID();
        try (Admin admin = Admin.create(stack.kafka().clientConfig(KafkaUser.ADMIN))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions()).hasSize(3);
        }
        Properties producerProps = new Properties();
        producerProps.putAll(stack.kafka().clientConfig(KafkaUser.ADMIN));
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(topic, "tenant-1", "margin-call")).get(30, TimeUnit.SECONDS);
        }
        Properties consumerProps = new Properties();
        consumerProps.putAll(stack.kafka().clientConfig(KafkaUser.ADMIN));
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "devstack-test");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("tenant-1");
            assertThat(r.value()).isEqualTo("margin-call");
        });
    }

    @Test
    void platformAdminTokenCarriesThePlatformAdminRealmRole() throws Exception {
        JsonNode claims = claims(token(DevStack.PLATFORM_ADMIN_CLIENT_ID, DevStack.PLATFORM_ADMIN_CLIENT_SECRET));
        assertThat(claims.path("iss").asText()).isEqualTo(stack.keycloak().realmUrl());
        assertThat(roles(claims)).contains("platform-admin")
                .doesNotContain("tenant-admin", "integrator", "risk-committee", "viewer");
    }

    @Test
    void wrongClientSecretGetsNoToken() throws Exception {
        HttpResponse<String> response = tokenResponse(DevStack.PLATFORM_ADMIN_CLIENT_ID, "not-the-secret");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("unauthorized_client");
    }

    @Test
    void theBootstrapAdministratorListsTheRealmsClientsAndTheServiceClientMayNot() throws Exception {
        JsonNode clients = admin("GET", "/clients", null);
        List<String> ids = new ArrayList<>();
        clients.forEach(c -> ids.add(c.path("clientId").asText()));
        assertThat(ids).contains("ballast-platform-admin", "ballast-service", "ballast-console");
        // the service's own client holds no admin-API right (least privilege, docs/security.md "Onboarding client")
        String service = token(DevStack.SERVICE_CLIENT_ID, DevStack.SERVICE_CLIENT_SECRET);
        assertThat(send("GET", stack.keycloak().serverUrl() + "/admin/realms/ballast/clients", service, null)
                .statusCode()).isEqualTo(403);
        assertThat(send("POST", stack.keycloak().serverUrl() + "/admin/realms/ballast/clients", service,
                Map.of("clientId", "tenant-" + UUID.randomUUID())).statusCode()).isEqualTo(403);
        assertThat(roles(claims(service))).contains("ballast-onboarding").doesNotContain("platform-admin");
    }

    /**
     * A realm imported before the onboarding extension (ballast-service with {@code manage-clients} and friends, no
     * {@code ballast-onboarding} role) is brought up to date in place, as {@code ./ballast run} does on a persistent
     * {@code .ballast}: afterwards the service's token is refused by the admin API and accepted by the extension.
     */
    @Test
    void anOlderRealmsOnboardingClientIsUpgradedInPlace() throws Exception {
        String service = admin("GET", "/clients?clientId=" + DevStack.SERVICE_CLIENT_ID, null).get(0).path("id")
                .asText();
        String account = admin("GET", "/clients/" + service + "/service-account-user", null).path("id").asText();
        String management = admin("GET", "/clients?clientId=realm-management", null).get(0).path("id").asText();
        List<JsonNode> old = new ArrayList<>();
        for (String role : List.of("manage-clients", "manage-users", "view-clients")) {
            old.add(admin("GET", "/clients/" + management + "/roles/" + role, null));
        }
        admin("POST", "/users/" + account + "/role-mappings/clients/" + management, old);
        JsonNode onboarding = admin("GET", "/roles/" + KeycloakServer.ONBOARDING_ROLE, null);
        admin("DELETE", "/users/" + account + "/role-mappings/realm", List.of(onboarding));
        admin("DELETE", "/roles/" + KeycloakServer.ONBOARDING_ROLE, null);
        String before = token(DevStack.SERVICE_CLIENT_ID, DevStack.SERVICE_CLIENT_SECRET);
        assertThat(send("GET", stack.keycloak().serverUrl() + "/admin/realms/ballast/clients", before, null)
                .statusCode()).as("the simulated old realm").isEqualTo(200);

        stack.keycloak().upgradeOnboardingClient();
        stack.keycloak().upgradeOnboardingClient();  // a second run changes nothing and does not fail

        String after = token(DevStack.SERVICE_CLIENT_ID, DevStack.SERVICE_CLIENT_SECRET);
        assertThat(send("GET", stack.keycloak().serverUrl() + "/admin/realms/ballast/clients", after, null)
                .statusCode()).isEqualTo(403);
        assertThat(roles(claims(after))).contains(KeycloakServer.ONBOARDING_ROLE);
        assertThat(admin("GET", "/users/" + account + "/role-mappings/clients/" + management, null)).isEmpty();
        HttpResponse<String> find = send("GET", stack.keycloak().realmUrl()
                + "/ballast-onboarding/clients?clientId=tenant-none-here", after, null);
        assertThat(find.statusCode()).as(find.body()).isEqualTo(404);
        assertThat(find.body()).contains("no tenant client");  // the extension's answer, not a missing path
    }

    /**
     * What tenant onboarding does, through the onboarding extension (installed into the Keycloak home by
     * {@link KeycloakServer}) with the service's own token: a confidential client-credentials client with a
     * hard-coded {@code tenant_id} claim, the {@code ballast-api} audience and realm role integrator. The new client's
     * token must carry all three; platform-admin is refused.
     */
    @Test
    void serviceClientOnboardsATenantClientThroughTheExtension() throws Exception {
        String clientId = "tenant-" + UUID.randomUUID();
        String tenantId = UUID.randomUUID().toString();
        String service = token(DevStack.SERVICE_CLIENT_ID, DevStack.SERVICE_CLIENT_SECRET);
        String extension = stack.keycloak().realmUrl() + "/ballast-onboarding/clients";
        HttpResponse<String> refused = send("POST", extension, service,
                Map.of("clientId", clientId, "tenantId", tenantId, "roles", List.of("platform-admin")));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);

        HttpResponse<String> created = send("POST", extension, service,
                Map.of("clientId", clientId, "tenantId", tenantId, "roles", List.of("integrator")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = JSON.readTree(created.body()).path("secret").asText();

        JsonNode claims = claims(token(clientId, secret));
        assertThat(claims.path("tenant_id").isTextual()).isTrue();
        assertThat(claims.path("tenant_id").asText()).isEqualTo(tenantId);
        assertThat(claims.path("aud").toString()).contains("ballast-api");
        assertThat(roles(claims)).contains("integrator").doesNotContain("platform-admin");
    }

    @Test
    void consoleAcceptsOnlyItsExactCallback() throws Exception {
        assertThat(authorize(KeycloakServer.consoleUrl() + "/callback")).isEqualTo(200);
        assertThat(authorize(KeycloakServer.consoleUrl() + "/dashboard")).isEqualTo(400);
        assertThat(authorize(KeycloakServer.consoleUrl() + "/callback/../admin")).isEqualTo(400);
        assertThat(authorize("http://localhost:5173/callback")).isEqualTo(400);
        assertThat(authorize("http://127.0.0.1:5173/callback")).isEqualTo(400);
        assertThat(authorize("http://evil.example:8081/callback")).isEqualTo(400);
    }

    /**
     * The committed realm file holds no client secret (each is a placeholder the import fills from the environment)
     * and no wildcard or port-less redirect URI; the imported realm got the development secrets from the devstack
     * (the platform admin's client-credentials token in {@link #platformAdminTokenCarriesThePlatformAdminRealmRole}
     * proves it).
     */
    @Test
    void theCommittedRealmFileHoldsNoSecretAndNoWildcardRedirect() throws Exception {
        JsonNode realm = new ObjectMapper().readTree(
                ProjectRoot.locate().resolve("deploy/keycloak/ballast-realm.json").toFile());
        for (JsonNode client : realm.path("clients")) {
            if (client.has("secret")) {
                assertThat(client.path("secret").asText()).as(client.path("clientId").asText())
                        .matches("\\$\\{BALLAST_[A-Z_]+_CLIENT_SECRET}");
            }
            for (JsonNode uri : client.path("redirectUris")) {
                assertThat(uri.asText()).as(client.path("clientId").asText()).doesNotContain("*")
                        .startsWith("${BALLAST_CONSOLE_URL}/");
            }
            assertThat(client.path("attributes").path("post.logout.redirect.uris").asText(""))
                    .doesNotContain("*").isNotEqualTo("+");
        }
    }

    private static int authorize(String redirectUri) throws Exception {
        String url = stack.keycloak().realmUrl() + "/protocol/openid-connect/auth?client_id=ballast-console"
                + "&response_type=code&scope=openid&code_challenge_method=S256"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void quarkusConfigPointsAtTheRunningServers() {
        Map<String, String> config = stack.quarkusConfig();
        assertThat(config).containsEntry("quarkus.oidc.auth-server-url", stack.keycloak().realmUrl())
                .containsEntry("kafka.bootstrap.servers", stack.kafka().bootstrapServers())
                .containsEntry("kafka.security.protocol", "SASL_PLAINTEXT")
                .containsEntry("kafka.sasl.mechanism", "PLAIN")
                .containsEntry("kafka.sasl.jaas.config", KafkaUser.SERVICE.jaasConfig())
                .containsEntry("quarkus.datasource.jdbc.url", stack.postgres().jdbcUrl())
                .containsEntry("quarkus.datasource.username", PostgresServer.APP_USER)
                .containsEntry("quarkus.flyway.username", PostgresServer.OWNER_USER)
                .containsEntry("ballast.keycloak.realm", "ballast")
                .containsEntry("ballast.test.token-url", stack.keycloak().tokenUrl());
        assertThat(config.get("quarkus.oidc.auth-server-url")).startsWith("http://127.0.0.1:");
    }

    /** A call of the realm's admin API as the bootstrap administrator (master realm), asserting a 2xx answer. */
    private static JsonNode admin(String method, String path, Object body) throws Exception {
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(stack.keycloak().serverUrl()
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username="
                        + KeycloakServer.ADMIN_USER + "&password=" + KeycloakServer.ADMIN_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = JSON.readTree(login.body()).path("access_token").asText();
        HttpResponse<String> response = send(method, stack.keycloak().serverUrl() + "/admin/realms/ballast" + path,
                token, body);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isBetween(200, 299);
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String url, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization",
                "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String clientId, String secret) throws Exception {
        HttpResponse<String> response = tokenResponse(clientId, secret);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private static HttpResponse<String> tokenResponse(String clientId, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.keycloak().tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode claims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static Set<String> roles(JsonNode claims) {
        Set<String> roles = new java.util.HashSet<>();
        claims.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }
}
