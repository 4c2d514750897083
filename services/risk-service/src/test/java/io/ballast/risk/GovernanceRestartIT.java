package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.ServiceJvms;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exactly one event per governance change across a real crash: the packaged service ({@code target/quarkus-app}) runs
 * as its own JVM; committee members (real Keycloak users) propose and approve, a tenant-admin freezes; the JVM is
 * killed with SIGKILL while an approved proposal waits out its timelock, and started again. After the restart the
 * scheduler makes the approved change effective, the committee finishes a second proposal, and every change is on
 * {@code ballast.governance} or {@code ballast.parameters} exactly once (counted by {@code eventId}), none missing.
 *
 * <p>Where the kill falls relative to the outbox relay is not controlled (rows may be published, in flight, or not
 * yet sent); {@code OutboxKafkaTest} makes each of those states on purpose. Run by failsafe after {@code package}.
 */
class GovernanceRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String GOV = "/api/v1/governance";

    private static ServiceJvms jvms;

    /** Thread dumps and PostgreSQL's sessions when a test fails ({@link ServiceJvms#diagnose}). */
    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.junit.jupiter.api.extension.TestWatcher DIAGNOSE = ServiceJvms.diagnoseOnFailure(() -> jvms);

    @BeforeAll
    static void servers() throws Exception {
        jvms = new ServiceJvms(BallastServersResource.servers());
    }

    @AfterAll
    static void stop() {
        jvms.close();
    }

    /** Starts the packaged service (instance {@code g}); returns its base URL and points RestAssured at it. */
    private static String start() {
        String url = jvms.start("g", List.of("-Dballast.governance.sweep-interval=1s",
                "-Dballast.governance.start-delay=1s"));
        RestAssured.baseURI = url.substring(0, url.lastIndexOf(':'));
        RestAssured.port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        return url;
    }

    private static String awaitStatus(Tenant t, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String now = null;
        while (System.nanoTime() < deadline) {
            now = t.asAdmin().get(GOV + "/proposals/" + id).then().statusCode(200).extract().path("status");
            if (status.equals(now)) {
                return now;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("proposal " + id + " is " + now + ", never " + status);
    }

    @Test
    void everyGovernanceChangeIsExactlyOneEventAcrossAKill() throws Exception {
        String url = start();
        Tenant t = TestTenants.onboard("gov-restart");
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", 20000));
        Map<String, String> c = new TreeMap<>();
        List<String> passwords = new ArrayList<>();
        for (String name : List.of("c1", "c2", "c3")) {
            String username = t.slug() + "-" + name;
            String password = TestTenants.asPlatformAdmin().body(Map.of("username", username, "role",
                    "risk-committee")).post("/api/v1/tenants/" + t.id() + "/users").then().statusCode(201)
                    .extract().path("password");
            c.put(name, username);
            passwords.add(password);
        }
        Function<Integer, RequestSpecification> as = i -> TestTenants.bearer(TestTenants.passwordToken(
                c.get("c" + (i + 1)), passwords.get(i)));

        t.asAdmin().body(Map.of("timelock", "PT5S", "reason", "short veto window for the test")).put(GOV + "/policy")
                .then().statusCode(200);
        String first = as.apply(0).body(Map.of("asset", "BTC", "changes", Map.of("maintenanceMarginFraction", 0.06,
                "initialMarginFraction", 0.12), "reason", "vol up")).post(GOV + "/proposals").then()
                .statusCode(201).extract().path("id");
        as.apply(1).body(Map.of("comment", "ok")).post(GOV + "/proposals/" + first + "/approve").then()
                .statusCode(200);
        String second = as.apply(0).body(Map.of("asset", "BTC", "changes", Map.of("scanRangeFraction", 0.2),
                "reason", "wider scan")).post(GOV + "/proposals").then().statusCode(201).extract().path("id");
        as.apply(1).body(Map.of("comment", "ok")).post(GOV + "/proposals/" + second + "/approve").then()
                .statusCode(200);
        t.asAdmin().body(Map.of("reason", "oracle incident")).post(GOV + "/freeze").then().statusCode(200);
        as.apply(2).body(Map.of("comment", "ok")).post(GOV + "/proposals/" + first + "/approve").then()
                .statusCode(200).body("status", org.hamcrest.Matchers.equalTo("APPROVED"));
        // killed while the approved change waits out its timelock (and its last events may not be published yet)
        ServiceJvms.kill(url);

        start();
        awaitStatus(t, first, "EFFECTIVE");
        as.apply(2).body(Map.of("comment", "ok")).post(GOV + "/proposals/" + second + "/approve").then()
                .statusCode(200);
        t.asAdmin().delete(GOV + "/freeze?reason=resolved").then().statusCode(200);
        awaitStatus(t, second, "EFFECTIVE");

        Map<String, Long> governance = new TreeMap<>(Map.of("PolicyChanged", 1L, "ProposalCreated", 2L,
                "ProposalApprovalRecorded", 2L, "ProposalApproved", 2L, "ProposalEffective", 2L,
                "AutomaticAdjustmentsFrozen", 1L, "AutomaticAdjustmentsUnfrozen", 1L));
        Map<String, Long> parameters = new TreeMap<>(Map.of("RiskSettingsDefaulted", 1L,
                "RiskParametersVersioned", 2L, "RiskParametersChanged", 2L));
        assertExactlyOnce(t, "ballast.governance", governance);
        assertExactlyOnce(t, "ballast.parameters", parameters);
    }

    /** Reads the tenant's records of a topic: each eventId once, and the expected number of each type. */
    private static void assertExactlyOnce(Tenant t, String topic, Map<String, Long> expected) {
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        List<ConsumerRecord<String, String>> records = KafkaClients.read(topic, r -> t.id().equals(r.key()),
                rs -> rs.size() >= total, WAIT, Duration.ofSeconds(10));
        List<JsonObject> events = records.stream().map(r -> new JsonObject(r.value())).toList();
        Map<String, Long> perEventId = events.stream().collect(Collectors.groupingBy(e -> String.valueOf(
                e.getValue("eventId")), TreeMap::new, Collectors.counting()));
        assertThat(perEventId).as("records per eventId on " + topic).allSatisfy((id, n) -> assertThat(n)
                .as("eventId " + id).isEqualTo(1L));
        Map<String, Long> perType = events.stream().collect(Collectors.groupingBy(e -> e.getString("type"),
                TreeMap::new, Collectors.counting()));
        assertThat(perType).as("events per type on " + topic).isEqualTo(expected);
    }
}
