package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.ballast.devstack.ProjectRoot;
import io.ballast.predictive.Preset;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.predictive.RegimeSettings;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.service.GovernanceService;
import io.ballast.risk.governance.service.GovernanceService.Outcome;
import io.ballast.risk.governance.service.GovernanceService.SubmissionResult;
import io.ballast.risk.security.KeycloakAdmin;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.Members;
import io.ballast.risk.support.Members.Member;
import io.ballast.risk.support.OwnerSql;
import io.ballast.risk.support.TestKafka;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Governance against the real servers: committee members are real Keycloak clients in the risk-committee role,
 * PostgreSQL holds the workflow and the audit trail, Kafka carries the events (read back by a real consumer).
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class GovernanceApiTest {

    private static final String GOV = "/api/v1/governance";

    @Inject
    KeycloakAdmin keycloak;
    @Inject
    GovernanceService governance;
    @Inject
    Pool pool;

    private Members members;

    /** A tenant with BTC (IMF 0.10, MMF 0.05, haircut 0.10), USDT, a BTC perp and one healthy account. */
    record Fixture(Tenant t, String btc, String account, Member c1, Member c2, Member c3) {
    }

    private Fixture fixture(String prefix) {
        members = new Members(keycloak);
        Tenant t = TestTenants.onboard(prefix);
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", 20000));
        String account = TestTenants.account(t, "0xGOV");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "2500", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + account
                + "/deposits").then().statusCode(201);
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "20000")).put("/api/v1/accounts/" + account
                + "/positions/BTC-PERP").then().statusCode(200);
        return new Fixture(t, btc, account, members.create(t, "risk-committee", "c1"),
                members.create(t, "risk-committee", "c2"), members.create(t, "risk-committee", "c3"));
    }

    @AfterEach
    void deleteMembers() {
        if (members != null) {
            members.close();
        }
    }

    private static String propose(Member m, Map<String, Object> changes) {
        return m.as().body(Map.of("asset", "BTC", "changes", changes, "reason", "test"))
                .post(GOV + "/proposals").then().statusCode(201).extract().path("id");
    }

    private static Response vote(Member m, String id, String verb) {
        return m.as().body(Map.of("comment", verb + " by " + m.clientId())).post(GOV + "/proposals/" + id + "/"
                + verb);
    }

    private static double inForce(Tenant t, String name) {
        return t.asAdmin().queryParam("asset", "BTC").get(GOV + "/parameters").then().statusCode(200).extract()
                .jsonPath().getDouble("values." + name);
    }

    private static JsonPath awaitStatus(Tenant t, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath p;
        do {
            p = t.asAdmin().get(GOV + "/proposals/" + id).then().statusCode(200).extract().jsonPath();
            if (status.equals(p.getString("status"))) {
                return p;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("proposal " + id + " never reached " + status + ": " + p.prettify());
    }

    private SubmissionResult submit(Fixture f, double mmf, double imf, String fallback) throws Throwable {
        return submit(f, UUID.randomUUID(), mmf, imf, fallback);
    }

    private SubmissionResult submit(Fixture f, UUID recommendationId, double mmf, double imf, String fallback)
            throws Throwable {
        var s = new GovernanceService.RecommendationSubmission(UUID.fromString(f.btc()), recommendationId, "v7",
                LocalDate.now(), RecommendedParameters.of(mmf, imf, 0.10, 0.15, 0.45, 0.30), "HAR", 0.03, 0.042,
                fallback, Map.of("qlike", 1.21, "qlikeEwma", 1.30), List.of(), List.of("test recommendation"), null);
        TenantId tenant = TenantId.of(UUID.fromString(f.t().id()));
        Supplier<io.smallrye.mutiny.Uni<SubmissionResult>> call = () -> governance.submitRecommendation(tenant, s);
        return VertxContextSupport.subscribeAndAwait(call);
    }

    @Test
    void onboardingWritesDefaultsAndMarginNamesTheVersionsItUsed() {
        Fixture f = fixture("gov-defaults");
        f.t().asAdmin().get(GOV + "/policy").then().statusCode(200).body("approvalsRequired", equalTo(2))
                .body("proposalTtl", equalTo("PT24H")).body("timelock", equalTo("PT1H")).body("frozen", equalTo(false));
        f.t().asAdmin().queryParam("asset", "BTC").get(GOV + "/parameters").then().statusCode(200)
                .body("versions.parameters", equalTo(1)).body("versions.settings", equalTo("TENANT v1"))
                .body("values.scanRangeFraction", equalTo(0.15f)).body("values.coverage", equalTo(0.99f))
                .body("values.mmfSlopePerUnit", equalTo(0.0f));
        f.t().asIntegrator().get("/api/v1/accounts/" + f.account() + "/margin").then().statusCode(200)
                .body("status", equalTo("HEALTHY"))
                .body("parameterVersions.findAll { it.kind == 'settings' }.scope", hasItem("TENANT"))
                .body("parameterVersions.find { it.kind == 'parameters' && it.target == 'BTC' }.version",
                        equalTo(1));
        // the reference-data path writes a target's first version only: later ones are proposals
        f.t().asAdmin().body(Map.of("effectiveFrom", "2026-01-02T00:00:00Z", "initialMarginFraction", "0.2",
                        "maintenanceMarginFraction", "0.1", "collateralHaircut", "0.1", "liquidationFeeFraction", "0"))
                .post("/api/v1/assets/" + f.btc() + "/risk-parameters").then().statusCode(409)
                .contentType("application/problem+json");
        f.t().asAdmin().get(GOV + "/audit").then().statusCode(200)
                .body("action", hasItem("DEFAULTS_WRITTEN")).body("action", hasItem("MANUAL_PARAMETER_EDIT"));
        // roles: a viewer reads, an integrator cannot read proposals, only committee members vote
        Member viewer = members.create(f.t(), "viewer", "viewer");
        viewer.as().get(GOV + "/proposals").then().statusCode(200);
        viewer.as().body(Map.of("reason", "x")).post(GOV + "/freeze").then().statusCode(403);
        f.t().asIntegrator().get(GOV + "/proposals").then().statusCode(403);
    }

    @Test
    void twoApprovalsFromOthersThenTimelockThenTheChangeIsLive() throws Exception {
        Fixture f = fixture("gov-flow");
        f.t().asAdmin().body(Map.of("timelock", "PT2S", "reason", "short veto window for the test"))
                .put(GOV + "/policy").then().statusCode(200).body("policy.timelock", equalTo("PT2S"))
                .body("proposal", equalTo(null));
        String id = propose(f.c1(), Map.of("maintenanceMarginFraction", 0.06, "initialMarginFraction", 0.12));
        vote(f.c1(), id, "approve").then().statusCode(403).contentType("application/problem+json");
        f.t().asAdmin().body(Map.of("comment", "x")).post(GOV + "/proposals/" + id + "/approve").then()
                .statusCode(403);
        vote(f.c2(), id, "approve").then().statusCode(200).body("status", equalTo("OPEN"))
                .body("approvals", equalTo(1));
        vote(f.c2(), id, "approve").then().statusCode(409);
        vote(f.c2(), id, "reject").then().statusCode(409);
        JsonPath approved = vote(f.c3(), id, "approve").then().statusCode(200).body("status", equalTo("APPROVED"))
                .extract().jsonPath();
        assertThat(Duration.between(OffsetDateTime.parse(approved.getString("approvedAt")),
                OffsetDateTime.parse(approved.getString("effectiveAt")))).isEqualTo(Duration.ofSeconds(2));
        JsonPath effective = awaitStatus(f.t(), id, "EFFECTIVE");
        assertThat(effective.getList("votes.vote")).containsExactly("APPROVE", "APPROVE");
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.06, within(1e-12));
        assertThat(inForce(f.t(), "initialMarginFraction")).isCloseTo(0.12, within(1e-12));
        f.t().asAdmin().queryParam("asset", "BTC").get(GOV + "/parameters/history").then().statusCode(200)
                .body("find { it.kind == 'parameters' && it.version == 2 }.source", equalTo("PROPOSAL"))
                .body("find { it.kind == 'parameters' && it.version == 2 }.proposalId", equalTo(id));
        f.t().asIntegrator().get("/api/v1/accounts/" + f.account() + "/margin").then().statusCode(200)
                .body("initialMarginUsd", equalTo(2400.0f))
                .body("parameterVersions.find { it.kind == 'parameters' && it.target == 'BTC' }.version",
                        equalTo(2));
        f.t().asAdmin().queryParam("action", "EFFECTIVE").get(GOV + "/audit").then().statusCode(200)
                .body("proposalId", hasItem(id)).body("evidenceDigest", hasItem(effective.getString(
                        "evidenceDigest")));
    }

    @Test
    void peopleAreNamedByUsernameAndMachinesByClientIdBesideTheirSubject() throws Exception {
        Fixture f = fixture("gov-names");
        String person = (f.t().slug() + "-risk-committee").toLowerCase(java.util.Locale.ROOT);
        RequestSpecification personAsMember = TestTenants.user(f.t(), "risk-committee");
        f.t().asAdmin().body(Map.of("timelock", "PT0S", "reason", "no veto window for the test"))
                .put(GOV + "/policy").then().statusCode(200);
        String id = propose(f.c1(), Map.of("maintenanceMarginFraction", 0.06));
        personAsMember.body(Map.of("comment", "approved by a person")).post(GOV + "/proposals/" + id + "/approve")
                .then().statusCode(200);
        vote(f.c2(), id, "approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        JsonPath p = awaitStatus(f.t(), id, "EFFECTIVE");
        // a service account is named by its client id, a person by preferred_username; the subject stays the id
        assertThat(p.getString("proposerName")).isEqualTo(f.c1().clientId());
        assertThat(p.getString("proposer")).isNotEqualTo(f.c1().clientId());
        assertThat(p.getList("votes.voterName")).containsExactly(person, f.c2().clientId());
        assertThat(p.getString("votes[0].voter")).isNotEqualTo(person).matches("[0-9a-f-]{36}");
        assertThat(p.getString("closedByName")).isEqualTo("scheduler");
        // the audit trail names the actor and filters on the name as on the subject
        f.t().asAdmin().queryParam("actor", person).get(GOV + "/audit").then().statusCode(200)
                .body("action", contains("APPROVED")).body("actorName", contains(person))
                .body("proposalId", contains(id));
        String subject = p.getString("votes[0].voter");
        f.t().asAdmin().queryParam("actor", subject).get(GOV + "/audit").then().statusCode(200)
                .body("actorName", contains(person));
        assertThat(f.t().asAdmin().queryParam("format", "csv").queryParam("actor", person)
                .get(GOV + "/audit/export").then().statusCode(200).extract().asString())
                .startsWith("id,occurredAt,action,actorSubject,actorClient,actorName,").contains(",\"" + person + "\",");
        // who changed what: the first version by the admin client, the proposal's version by the scheduler
        f.t().asAdmin().queryParam("asset", "BTC").get(GOV + "/parameters/history").then().statusCode(200)
                .body("find { it.kind == 'parameters' && it.version == 1 }.actorName", equalTo(f.t().adminId()))
                .body("find { it.kind == 'parameters' && it.version == 2 }.actorName", equalTo("scheduler"));
        f.t().asAdmin().body(Map.of("reason", "names")).post(GOV + "/freeze").then().statusCode(200)
                .body("frozenByName", equalTo(f.t().adminId()));
    }

    @Test
    void racingApprovalsLeaveOneConsistentState() throws Exception {
        Fixture f = fixture("gov-race");
        Member c4 = members.create(f.t(), "risk-committee", "c4");
        String id = propose(f.c1(), Map.of("maintenanceMarginFraction", 0.07));
        List<Member> voters = List.of(f.c2(), f.c3(), c4, f.c2(), f.c3(), c4);
        voters.forEach(m -> TestTenants.token(m.clientId(), m.secret()));
        ExecutorService pool = Executors.newFixedThreadPool(voters.size());
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (Member m : voters) {
                Callable<Integer> c = () -> vote(m, id, "approve").statusCode();
                results.add(pool.submit(c));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> r : results) {
                codes.add(r.get());
            }
            assertThat(codes).filteredOn(c -> c == 200).hasSize(2);
            assertThat(codes).filteredOn(c -> c == 409).hasSize(4);
        } finally {
            pool.shutdownNow();
        }
        JsonPath p = f.t().asAdmin().get(GOV + "/proposals/" + id).then().statusCode(200)
                .body("status", equalTo("APPROVED")).body("approvals", equalTo(2)).extract().jsonPath();
        assertThat(p.getList("votes")).hasSize(2);
        assertThat(p.getList("votes.voter")).doesNotHaveDuplicates();
    }

    @Test
    void anExpiredProposalCannotBeApproved() throws Exception {
        Fixture f = fixture("gov-expiry");
        f.t().asAdmin().body(Map.of("proposalTtl", "PT2S")).put(GOV + "/policy").then().statusCode(200);
        String id = propose(f.c1(), Map.of("maintenanceMarginFraction", 0.06));
        OffsetDateTime expires = OffsetDateTime.parse(f.t().asAdmin().get(GOV + "/proposals/" + id).then()
                .extract().path("expiresAt"));
        while (!OffsetDateTime.now().isAfter(expires.plusSeconds(1))) {
            Thread.sleep(200);
        }
        vote(f.c2(), id, "approve").then().statusCode(409).body("detail", org.hamcrest.Matchers.anyOf(
                org.hamcrest.Matchers.containsString("expired"), org.hamcrest.Matchers.containsString("EXPIRED")));
        awaitStatus(f.t(), id, "EXPIRED");
        vote(f.c3(), id, "approve").then().statusCode(409);
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void aTenantAdminVetoesDuringTheTimelockAndAFreezeHoldsAutomaticChanges() throws Throwable {
        Fixture f = fixture("gov-veto");
        String id = propose(f.c1(), Map.of("maintenanceMarginFraction", 0.06));
        vote(f.c2(), id, "approve").then().statusCode(200);
        vote(f.c3(), id, "approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        vote(f.c2(), id, "veto").then().statusCode(403);
        f.t().asAdmin().body(Map.of("comment", "not during the listing")).post(GOV + "/proposals/" + id + "/veto")
                .then().statusCode(200).body("status", equalTo("VETOED"));
        f.t().asAdmin().body(Map.of("comment", "again")).post(GOV + "/proposals/" + id + "/veto").then()
                .statusCode(409);
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.05, within(1e-12));

        // freeze: a recommendation within bounds is held; lifting the freeze lets the next one apply
        f.t().asAdmin().body(Map.of("reason", "exchange outage")).post(GOV + "/freeze").then().statusCode(200)
                .body("frozen", equalTo(true)).body("frozenReason", equalTo("exchange outage"));
        f.t().asAdmin().body(Map.of("reason", "again")).post(GOV + "/freeze").then().statusCode(409);
        assertThat(submit(f, 0.054, 0.108, null).outcome()).isEqualTo(Outcome.FROZEN);
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.05, within(1e-12));
        f.t().asAdmin().queryParam("reason", "resolved").delete(GOV + "/freeze").then().statusCode(200)
                .body("frozen", equalTo(false));
        f.t().asAdmin().delete(GOV + "/freeze").then().statusCode(409);
        assertThat(submit(f, 0.054, 0.108, null).outcome()).isEqualTo(Outcome.AUTO_APPLIED);
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.054, within(1e-12));
    }

    @Test
    void automaticChangesApplyWithinBoundsAndAnUnapprovedProposalIsNeverTheBase() throws Throwable {
        Fixture f = fixture("gov-bounds");
        SubmissionResult small = submit(f, 0.054, 0.108, null);
        assertThat(small.outcome()).isEqualTo(Outcome.AUTO_APPLIED);
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.054, within(1e-12));
        f.t().asAdmin().queryParam("asset", "BTC").get(GOV + "/parameters/history").then().statusCode(200)
                .body("find { it.kind == 'parameters' && it.version == 2 }.source", equalTo("AUTO_APPLY"))
                .body("find { it.kind == 'parameters' && it.version == 2 }.actor", equalTo("model:v7"));

        // +67 % is beyond the 10 % auto-apply bound: a proposal, and nothing changes
        SubmissionResult big = submit(f, 0.09, 0.18, null);
        assertThat(big.outcome()).isEqualTo(Outcome.PROPOSED);
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.054, within(1e-12));
        f.t().asAdmin().get(GOV + "/proposals/" + big.proposalId()).then().statusCode(200)
                .body("origin", equalTo("RECOMMENDATION")).body("proposer", equalTo("model:v7"))
                .body("evidence.forecast.recentAccuracy.qlike", equalTo(1.21f))
                .body("evidence.changes.find { it.parameter == 'maintenanceMarginFraction' }.before",
                        equalTo(0.054f));
        // the next day's base is the parameters in force (0.054), not the open proposal (0.09): +7.4 % applies
        SubmissionResult next = submit(f, 0.058, 0.116, null);
        assertThat(next.outcome()).isEqualTo(Outcome.AUTO_APPLIED);
        assertThat(inForce(f.t(), "maintenanceMarginFraction")).isCloseTo(0.058, within(1e-12));
        // beyond the hard maximum of MMF (50 %), and a fallback forecast, are never automatic
        assertThat(submit(f, 0.062, 0.12, "model forecast stale").outcome()).isEqualTo(Outcome.PROPOSED);
        assertThat(submit(f, 0.058, 0.116, null).change()).isEmpty();
        f.t().asAdmin().queryParam("action", "AUTO_APPLIED").get(GOV + "/audit").then().statusCode(200)
                .body("size()", equalTo(2)).body("actorSubject", hasItem("model:v7"));
    }

    /**
     * The job hands a stored recommendation over again when it finds it on a later run (that is how a crash between
     * storing and handing over heals): two racing hand-overs and a later repeat of one recommendation make one
     * proposal and one receipt.
     */
    @Test
    void aRecommendationHandedOverAgainOrConcurrentlyCountsOnce() throws Throwable {
        Fixture f = fixture("gov-once");
        UUID rec = UUID.randomUUID();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<SubmissionResult>> racing = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                racing.add(two.submit(() -> {
                    try {
                        return submit(f, rec, 0.09, 0.18, null);
                    } catch (Throwable e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<SubmissionResult> r : racing) {
                outcomes.add(r.get().outcome());
            }
            assertThat(outcomes).containsExactlyInAnyOrder(Outcome.PROPOSED, Outcome.ALREADY_RECEIVED);
        } finally {
            two.shutdownNow();
        }
        assertThat(submit(f, rec, 0.09, 0.18, null).outcome()).isEqualTo(Outcome.ALREADY_RECEIVED);
        f.t().asAdmin().get(GOV + "/proposals").then().statusCode(200).body("size()", equalTo(1));
        f.t().asAdmin().queryParam("action", "RECOMMENDATION_RECEIVED").get(GOV + "/audit").then().statusCode(200)
                .body("size()", equalTo(1));
    }

    @Test
    void proposalsCarryCoverageAndAnImpactPreview() {
        Fixture f = fixture("gov-evidence");
        List<Map<String, Object>> bars = new ArrayList<>();
        Random rnd = new Random(7);
        double close = 20000;
        LocalDate d = LocalDate.of(2024, 1, 1);
        for (int i = 0; i < 600; i++) {
            double open = close;
            close = open * Math.exp(0.03 * rnd.nextGaussian());
            bars.add(Map.of("date", d.plusDays(i).toString(), "open", open, "high", Math.max(open, close) * 1.01,
                    "low", Math.min(open, close) * 0.99, "close", close, "volume", 1));
        }
        f.t().asIntegrator().body(Map.of("bars", bars)).put("/api/v1/market/history/BTC").then().statusCode(200);
        String id = f.c1().as().body(Map.of("asset", "BTC", "changes", Map.of("initialMarginFraction", 0.15,
                        "maintenanceMarginFraction", 0.08), "reason", "vol regime"))
                .post(GOV + "/proposals").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.containsString(GOV + "/proposals/"))
                .extract().path("id");
        JsonPath p = f.t().asAdmin().get(GOV + "/proposals/" + id).then().statusCode(200)
                .body("evidence.impact.accounts", equalTo(1))
                .body("evidence.impact.toMarginCall", equalTo(1))
                .body("evidence.impact.mostAffected[0].accountId", equalTo(f.account()))
                .body("evidence.impact.mostAffected[0].statusAfter", equalTo("MARGIN_CALL"))
                .body("evidence.impact.bulkAccounts", equalTo(1))
                .body("evidence.coverage.after.windowDays", org.hamcrest.Matchers.contains(250, 500))
                .body("evidence.coverage.after.days", org.hamcrest.Matchers.contains(250, 500))
                .body("evidence.coverage.before.trafficLight", org.hamcrest.Matchers.everyItem(notNullValue()))
                .body("evidenceDigest", org.hamcrest.Matchers.matchesPattern("[0-9a-f]{64}"))
                .extract().jsonPath();
        assertThat(p.getDouble("evidence.impact.additionalInitialMarginUsd")).isCloseTo(1000.0, within(1e-6));
        List<Integer> before = p.getList("evidence.coverage.before.exceptions", Integer.class);
        List<Integer> after = p.getList("evidence.coverage.after.exceptions", Integer.class);
        for (int i = 0; i < 2; i++) {
            assertThat(after.get(i)).isLessThanOrEqualTo(before.get(i));
        }
        assertThat(before.get(1)).isGreaterThan(0);
        // bad input changes nothing: unknown names, inconsistent values, unknown asset
        f.c1().as().body(Map.of("asset", "BTC", "changes", Map.of("nope", 1), "reason", "x"))
                .post(GOV + "/proposals").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("changes.nope"));
        f.c1().as().body(Map.of("asset", "BTC", "changes", Map.of("maintenanceMarginFraction", 0.2), "reason", "x"))
                .post(GOV + "/proposals").then().statusCode(422);
        f.c1().as().body(Map.of("asset", "NOPE", "changes", Map.of("scanRangeFraction", 0.2), "reason", "x"))
                .post(GOV + "/proposals").then().statusCode(404);
        f.t().asAdmin().get(GOV + "/proposals").then().statusCode(200).body("size()", equalTo(1));
    }

    /**
     * The floor mode and the DTE scaling of vol shocks are proposed by name like any setting: refused when not one of
     * their choices, audited, and in force (the recommendation's guardrails and margin-core's parameters read them)
     * only after two approvals and the timelock.
     */
    @Test
    void theFloorModeAndTheDteScalingAreProposable() throws Throwable {
        Fixture f = fixture("gov-choice");
        TenantId tenant = TenantId.of(UUID.fromString(f.t().id()));
        UUID btc = UUID.fromString(f.btc());
        f.t().asAdmin().body(Map.of("timelock", "PT1S", "reason", "short veto window for the test"))
                .put(GOV + "/policy").then().statusCode(200);
        f.c1().as().body(Map.of("asset", "BTC", "changes", Map.of("floorMode", "SOMETIMES"), "reason", "x"))
                .post(GOV + "/proposals").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("changes.floorMode"));
        f.c1().as().body(Map.of("asset", "BTC", "changes", Map.of("floorMode", 3), "reason", "x"))
                .post(GOV + "/proposals").then().statusCode(422).body("errors.field", hasItem("changes.floorMode"));
        f.c1().as().body(Map.of("asset", "BTC", "changes", Map.of("volShockDteScaled", "maybe"), "reason", "x"))
                .post(GOV + "/proposals").then().statusCode(422)
                .body("errors.field", hasItem("changes.volShockDteScaled"));
        f.t().asAdmin().get(GOV + "/proposals").then().statusCode(200).body("size()", equalTo(0));
        var defaults = VertxContextSupport.subscribeAndAwait(() -> governance.inForce(tenant, btc)).settings();
        assertThat(defaults.guardrails().floorMode()).isEqualTo(
                io.ballast.predictive.GuardrailSettings.FloorMode.LONG_LOOKBACK);
        assertThat(defaults.marketParameters(0.1, 0.05).volShockDteScaled()).isTrue();

        String id = propose(f.c1(), Map.of("floorMode", "STRESSED_PERIOD", "volShockDteScaled", false));
        f.t().asAdmin().get(GOV + "/proposals/" + id).then().statusCode(200)
                .body("changes.floorMode", equalTo("STRESSED_PERIOD"))
                .body("changes.volShockDteScaled", equalTo("false"))
                .body("before.floorMode", equalTo("LONG_LOOKBACK"))
                .body("evidence.changes.find { it.parameter == 'floorMode' }.after", equalTo("STRESSED_PERIOD"));
        // not in force while the proposal is open
        var open = VertxContextSupport.subscribeAndAwait(() -> governance.inForce(tenant, btc)).settings();
        assertThat(open.guardrails().floorMode()).isEqualTo(
                io.ballast.predictive.GuardrailSettings.FloorMode.LONG_LOOKBACK);
        vote(f.c2(), id, "approve").then().statusCode(200);
        vote(f.c3(), id, "approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        awaitStatus(f.t(), id, "EFFECTIVE");
        var live = VertxContextSupport.subscribeAndAwait(() -> governance.inForce(tenant, btc)).settings();
        assertThat(live.guardrails().floorMode()).isEqualTo(
                io.ballast.predictive.GuardrailSettings.FloorMode.STRESSED_PERIOD);
        assertThat(live.marketParameters(0.1, 0.05).volShockDteScaled()).isFalse();
        assertThat(live.proposalId).isEqualTo(UUID.fromString(id));
        f.t().asAdmin().queryParam("asset", "BTC").get(GOV + "/parameters/history").then().statusCode(200)
                .body("find { it.kind == 'settings' && it.proposalId == '" + id + "' }.values.floorMode",
                        equalTo("STRESSED_PERIOD"))
                .body("find { it.kind == 'settings' && it.proposalId == '" + id + "' }.values.volShockDteScaled",
                        equalTo(false));
        for (String action : List.of("PROPOSED", "EFFECTIVE")) {
            f.t().asAdmin().queryParam("action", action).get(GOV + "/audit").then().statusCode(200)
                    .body("find { it.proposalId == '" + id + "' }.after.floorMode", equalTo("STRESSED_PERIOD"))
                    .body("find { it.proposalId == '" + id + "' }.before.floorMode", equalTo("LONG_LOOKBACK"));
        }
    }

    /**
     * The impact preview comes from the bulk engine for CROSS and PORTFOLIO accounts (the ISOLATED one per account)
     * and agrees with the per-account engine: each account's IM before is its margin now
     * ({@code GET /accounts/{id}/margin}), and its IM and status after are its margin once the change is in force.
     */
    @Test
    void theImpactPreviewIsTheBulkEngineAndAgreesWithPerAccountMargin() throws Exception {
        members = new Members(keycloak);
        Tenant t = TestTenants.onboard("gov-bulk");
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        TestTenants.future(t, "BTC-27MAR27", "BTC", "2027-03-27T08:00:00Z");
        TestTenants.call(t, "BTC-27MAR27-60000-C", "BTC", "2027-03-27T08:00:00Z", 60000);
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", new Object[] {60000, 0.5}));
        Map<String, String> accounts = new java.util.LinkedHashMap<>();
        accounts.put(TestTenants.account(t, "0xC1", "CROSS", "7000", Map.of("BTC-PERP", "1")), "CROSS");
        accounts.put(TestTenants.account(t, "0xC2", "CROSS", "30000", Map.of("BTC-PERP", "2", "BTC-27MAR27", "-1")),
                "CROSS");
        accounts.put(TestTenants.account(t, "0xP1", "PORTFOLIO", "30000", Map.of("BTC-PERP", "2", "BTC-27MAR27", "-1")),
                "PORTFOLIO");
        accounts.put(TestTenants.account(t, "0xP2", "PORTFOLIO", "12000", Map.of("BTC-27MAR27-60000-C", "-2",
                "BTC-PERP", "1")), "PORTFOLIO");
        String iso = TestTenants.account(t, "0xI1", "ISOLATED", "20000", Map.of("BTC-PERP", "1"));
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "7000")).post("/api/v1/accounts/" + iso
                + "/isolated-pools/BTC-PERP/transfers-in").then().statusCode(201);
        accounts.put(iso, "ISOLATED");
        Map<String, JsonPath> before = new HashMap<>();
        accounts.keySet().forEach(a -> before.put(a, TestTenants.margin(t, a)));
        Member c1 = members.create(t, "risk-committee", "c1");
        Member c2 = members.create(t, "risk-committee", "c2");
        Member c3 = members.create(t, "risk-committee", "c3");
        t.asAdmin().body(Map.of("timelock", "PT1S", "reason", "short veto window for the test"))
                .put(GOV + "/policy").then().statusCode(200);
        String id = propose(c1, Map.of("initialMarginFraction", 0.15, "maintenanceMarginFraction", 0.08,
                "scanRangeFraction", 0.2));
        JsonPath impact = t.asAdmin().get(GOV + "/proposals/" + id).then().statusCode(200).extract().jsonPath()
                .setRootPath("evidence.impact");
        assertThat(impact.getInt("accounts")).isEqualTo(5);
        assertThat(impact.getInt("notComputed")).isZero();
        assertThat(impact.getInt("bulkAccounts")).isEqualTo(4);
        assertThat(impact.getInt("perAccountAccounts")).isEqualTo(1);
        assertThat(impact.getString("method")).startsWith("bulk margin engine");
        assertThat(impact.getString("rowsFrom")).isIn("hot-book", "database");
        List<Map<String, Object>> listed = impact.getList("mostAffected");
        assertThat(listed).extracting(m -> m.get("accountId")).containsExactlyInAnyOrderElementsOf(
                accounts.keySet());
        vote(c2, id, "approve").then().statusCode(200);
        vote(c3, id, "approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        awaitStatus(t, id, "EFFECTIVE");
        double sumBefore = 0;
        double sumAfter = 0;
        for (Map<String, Object> m : listed) {
            String a = (String) m.get("accountId");
            JsonPath now = before.get(a);
            JsonPath after = TestTenants.margin(t, a);
            // option time decay between the computations (seconds apart) moves IM by far less than a cent
            assertThat(((Number) m.get("initialMarginBeforeUsd")).doubleValue()).as(accounts.get(a) + " before")
                    .isCloseTo(now.getDouble("initialMarginUsd"), within(0.05));
            assertThat(((Number) m.get("initialMarginAfterUsd")).doubleValue()).as(accounts.get(a) + " after")
                    .isCloseTo(after.getDouble("initialMarginUsd"), within(0.05));
            assertThat(m.get("statusBefore")).as(accounts.get(a)).isEqualTo(now.getString("status"));
            assertThat(m.get("statusAfter")).as(accounts.get(a)).isEqualTo(after.getString("status"));
            sumBefore += now.getDouble("initialMarginUsd");
            sumAfter += after.getDouble("initialMarginUsd");
        }
        assertThat(impact.getDouble("additionalInitialMarginUsd")).isCloseTo(sumAfter - sumBefore, within(0.25));
        // the change moved every kind of account, so the comparison is not of unchanged numbers
        assertThat(listed).allSatisfy(m -> assertThat(((Number) m.get("additionalInitialMarginUsd")).doubleValue())
                .isGreaterThan(1.0));
    }

    @Test
    void aLooseningOfThePolicyIsAProposalAndTheAuditTrailRefusesChanges() throws Exception {
        Fixture f = fixture("gov-audit");
        JsonPath r = f.t().asAdmin().body(Map.of("approvalsRequired", 1, "reason", "small committee"))
                .put(GOV + "/policy").then().statusCode(200).body("policy.approvalsRequired", equalTo(2))
                .body("proposal.kind", equalTo("POLICY")).extract().jsonPath();
        String id = r.getString("proposal.id");
        f.t().asAdmin().body(Map.of("approvalsRequired", 3)).put(GOV + "/policy").then().statusCode(200)
                .body("policy.approvalsRequired", equalTo(3)).body("proposal", equalTo(null));
        String tenant = f.t().id();
        for (String sql : List.of("update governance_audit set reason = 'rewritten' where tenant_id = '" + tenant
                + "'", "delete from governance_audit where tenant_id = '" + tenant + "'")) {
            assertThat(pool.query(sql).execute().onItem().transform(x -> "changed").onFailure()
                    .recoverWithItem(e -> e.getMessage()).await().indefinitely())
                    .as("the application role has no UPDATE/DELETE on it; the trigger refuses the owner too "
                            + "(DatabaseRolesTest)").contains("permission denied");
        }
        String csv = f.t().asAdmin().queryParam("format", "csv").get(GOV + "/audit/export").then().statusCode(200)
                .contentType(startsWith("text/csv")).extract().asString();
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("id,occurredAt,action,actorSubject");
        assertThat(csv).contains("POLICY_CHANGED").contains("PROPOSED").contains(id);
        f.t().asAdmin().queryParam("format", "json").queryParam("action", "POLICY_CHANGED")
                .get(GOV + "/audit/export").then().statusCode(200).body("size()", equalTo(1))
                .body("[0].after.approvalsRequired", equalTo(3))
                .body("[0].before.approvalsRequired", equalTo(2));
        f.t().asAdmin().queryParam("format", "xml").get(GOV + "/audit/export").then().statusCode(400);
        f.t().asAdmin().queryParam("from", "yesterday").get(GOV + "/audit").then().statusCode(400);
    }

    /** The published JSON Schema of a topic's events ({@code docs/events/<name>.schema.json}). */
    private static JsonSchema schema(String name) throws java.io.IOException {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(ProjectRoot.locate().resolve("docs/events/" + name + ".schema.json")));
    }

    /** A tenant's records on {@code ballast.parameters}, oldest first, up to the first of type {@code until}. */
    private static List<JsonObject> parameterEvents(String tenantId, String until) {
        List<JsonObject> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer()) {
            consumer.subscribe(List.of("ballast.parameters"));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && out.stream().noneMatch(e -> until.equals(e.getString("type")))) {
                consumer.poll(Duration.ofMillis(500)).forEach(rec -> {
                    if (tenantId.equals(rec.key())) {
                        out.add(new JsonObject(rec.value()));
                    }
                });
            }
        }
        return out;
    }

    /** V80's defaults of the regime columns, as PostgreSQL holds them (what rows written before V80 took). */
    private static Map<String, String> regimeColumnDefaults() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (java.sql.Connection c = OwnerSql.connection(); java.sql.ResultSet r = c.createStatement().executeQuery(
                "select column_name, column_default from information_schema.columns where table_name = "
                        + "'risk_settings' and column_name in ('stress_trigger_ratio', 'exception_trigger', "
                        + "'stress_max_daily_increase', 'intraday_half_weight_hours', 'cap_initial_margin')")) {
            while (r.next()) { // e.g. 2.0, '2'::double precision or true: the literal without quotes and cast
                out.put(r.getString(1), r.getString(2).replaceAll("::.*$", "").replace("'", ""));
            }
        }
        return out;
    }

    /**
     * The regime settings (issue 13) are risk settings of their own tenant: read by {@code GET /parameters} (the
     * defaults of {@code RegimeSettings} until changed, also for rows written before V80), changed only through a
     * proposal (each bad value a 422 naming it, nothing proposed), audited and in force after two approvals and the
     * timelock, when the daily job's {@code TenantSettings} carries them; another tenant sees neither the proposal
     * (404) nor the change.
     */
    @Test
    void regimeSettingsArePerTenantProposedValidatedAuditedAndReadBack() throws Throwable {
        Fixture f = fixture("gov-regime");
        Tenant other = TestTenants.onboard("gov-regime-other");
        TenantId tenant = TenantId.of(UUID.fromString(f.t().id()));
        f.t().asAdmin().body(Map.of("timelock", "PT1S", "reason", "short veto window for the test"))
                .put(GOV + "/policy").then().statusCode(200);
        RegimeSettings d = RegimeSettings.defaults();
        JsonPath start = f.t().asAdmin().get(GOV + "/parameters").then().statusCode(200)
                .body("exceptionTrigger", equalTo(d.exceptionTrigger()))
                .body("capInitialMargin", equalTo(d.capInitialMargin())).extract().jsonPath();
        assertThat(start.getDouble("values.stressTriggerRatio")).isEqualTo(d.stressTriggerRatio());
        assertThat(start.getDouble("values.stressMaxDailyIncrease")).isEqualTo(d.stressMaxDailyIncrease());
        assertThat(start.getDouble("values.intradayHalfWeightHours")).isEqualTo(d.intradayHalfWeightHours());
        Map<String, String> columns = regimeColumnDefaults();
        assertThat(Double.parseDouble(columns.get("stress_trigger_ratio"))).isEqualTo(d.stressTriggerRatio());
        assertThat(Boolean.parseBoolean(columns.get("exception_trigger"))).isEqualTo(d.exceptionTrigger());
        assertThat(Double.parseDouble(columns.get("stress_max_daily_increase")))
                .isEqualTo(d.stressMaxDailyIncrease());
        assertThat(Double.parseDouble(columns.get("intraday_half_weight_hours")))
                .isEqualTo(d.intradayHalfWeightHours());
        assertThat(Boolean.parseBoolean(columns.get("cap_initial_margin"))).isEqualTo(d.capInitialMargin());

        List<Map<String, Object>> bad = List.of(Map.of("stressTriggerRatio", 0), Map.of("stressTriggerRatio", -2.5),
                Map.of("stressMaxDailyIncrease", -0.1), Map.of("intradayHalfWeightHours", 0),
                Map.of("exceptionTrigger", "sometimes"), Map.of("capInitialMargin", 2));
        for (Map<String, Object> change : bad) {
            String name = change.keySet().iterator().next();
            f.c1().as().body(Map.of("changes", change, "reason", "x")).post(GOV + "/proposals").then()
                    .statusCode(422).contentType("application/problem+json")
                    .body("errors.field", contains("changes." + name));
        }
        f.t().asAdmin().get(GOV + "/proposals").then().statusCode(200).body("size()", equalTo(0));

        String id = f.c1().as().body(Map.of("changes", Map.of("stressTriggerRatio", 3, "exceptionTrigger", false,
                        "stressMaxDailyIncrease", 0.5, "intradayHalfWeightHours", 12, "capInitialMargin", true),
                        "reason", "the committee's regime settings"))
                .post(GOV + "/proposals").then().statusCode(201)
                .body("changes.exceptionTrigger", equalTo("false")).body("before.exceptionTrigger", equalTo("true"))
                .body("changes.capInitialMargin", equalTo("true")).extract().path("id");
        other.asAdmin().get(GOV + "/proposals/" + id).then().statusCode(404).contentType("application/problem+json");
        other.asAdmin().body(Map.of("comment", "not mine")).post(GOV + "/proposals/" + id + "/veto").then()
                .statusCode(404);
        // not in force while open
        assertThat(VertxContextSupport.subscribeAndAwait(() -> governance.inForce(tenant, null)).settings().regime())
                .isEqualTo(d);
        vote(f.c2(), id, "approve").then().statusCode(200);
        vote(f.c3(), id, "approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        awaitStatus(f.t(), id, "EFFECTIVE");

        RegimeSettings theirs = new RegimeSettings(3.0, false, 0.5, 12.0, true);
        JsonPath now = f.t().asAdmin().get(GOV + "/parameters").then().statusCode(200)
                .body("exceptionTrigger", equalTo(false)).body("capInitialMargin", equalTo(true))
                .body("versions.settings", equalTo("TENANT v2")).extract().jsonPath();
        assertThat(now.getDouble("values.stressTriggerRatio")).isEqualTo(3.0);
        assertThat(now.getDouble("values.stressMaxDailyIncrease")).isEqualTo(0.5);
        assertThat(now.getDouble("values.intradayHalfWeightHours")).isEqualTo(12.0);
        // the asset's recommendation reads the tenant's version (no asset version of its own)
        var forBtc = VertxContextSupport.subscribeAndAwait(() -> governance.inForce(tenant,
                UUID.fromString(f.btc()))).settings();
        assertThat(io.ballast.risk.recommendation.service.TenantSettings.of(forBtc).guardrails().regime())
                .isEqualTo(theirs);
        other.asAdmin().get(GOV + "/parameters").then().statusCode(200)
                .body("exceptionTrigger", equalTo(true)).body("versions.settings", equalTo("TENANT v1"));

        f.t().asAdmin().get(GOV + "/parameters/history").then().statusCode(200)
                .body("find { it.kind == 'settings' && it.proposalId == '" + id + "' }.values.capInitialMargin",
                        equalTo(true));
        // sent through the outbox like any settings change, choices by name, as the published schema says
        List<JsonObject> events = parameterEvents(f.t().id(), "RiskParametersChanged");
        JsonObject changed = events.get(events.size() - 1);
        assertThat(changed.getString("type")).isEqualTo("RiskParametersChanged");
        assertThat(changed.getJsonObject("payload").getJsonObject("after").getString("exceptionTrigger"))
                .isEqualTo("false");
        assertThat(changed.getJsonObject("payload").getString("proposalId")).isEqualTo(id);
        assertThat(schema("parameters-event").validate(new ObjectMapper().readTree(changed.encode()))).isEmpty();
        for (String action : List.of("PROPOSED", "EFFECTIVE")) {
            JsonPath entry = f.t().asAdmin().queryParam("action", action).get(GOV + "/audit").then()
                    .statusCode(200).extract().jsonPath();
            String row = "find { it.proposalId == '" + id + "' }";
            assertThat(entry.getString(row + ".after.exceptionTrigger")).as(action).isEqualTo("false");
            assertThat(entry.getString(row + ".before.exceptionTrigger")).as(action).isEqualTo("true");
            assertThat(entry.getDouble(row + ".after.stressTriggerRatio")).as(action).isEqualTo(3.0);
            assertThat(entry.getDouble(row + ".before.stressTriggerRatio")).as(action).isEqualTo(2.0);
            assertThat(entry.getDouble(row + ".after.intradayHalfWeightHours")).as(action).isEqualTo(12.0);
        }
    }

    /**
     * A labelled preset ({@code crypto} or {@code emir}, predictive-margin's {@link Preset}) is one proposal of every
     * value it moves: voted, audited and in force as one change, after which the tenant's mapping and guardrails are
     * the preset's. An unknown preset, or one already in force, is a 422 naming {@code preset}.
     */
    @Test
    void aPresetIsOneProposalOfTheValuesItMoves() throws Throwable {
        Fixture f = fixture("gov-preset");
        TenantId tenant = TenantId.of(UUID.fromString(f.t().id()));
        f.t().asAdmin().body(Map.of("timelock", "PT1S", "reason", "short veto window for the test"))
                .put(GOV + "/policy").then().statusCode(200);
        f.c1().as().body(Map.of("preset", "basel", "reason", "x")).post(GOV + "/proposals").then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", contains("preset"));
        f.c1().as().body(Map.of("preset", "crypto", "reason", "x")).post(GOV + "/proposals").then()
                .statusCode(422).body("errors.field", contains("preset"));
        f.c1().as().body(Map.of("reason", "x")).post(GOV + "/proposals").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("changes"));
        f.t().asAdmin().get(GOV + "/proposals").then().statusCode(200).body("size()", equalTo(0));

        JsonPath p = f.c1().as().body(Map.of("preset", "emir", "reason", "the literal EMIR reading"))
                .post(GOV + "/proposals").then().statusCode(201).extract().jsonPath();
        String id = p.getString("id");
        assertThat(p.getMap("changes")).containsOnlyKeys("bufferFraction", "floorWeight", "mporPerpDays");
        assertThat(p.getDouble("changes.mporPerpDays")).isEqualTo(2.0);
        assertThat(p.getDouble("changes.bufferFraction")).isEqualTo(0.25);
        assertThat(p.getDouble("changes.floorWeight")).isEqualTo(1.0);
        assertThat(p.getString("evidence.preset")).isEqualTo("emir");
        vote(f.c2(), id, "approve").then().statusCode(200);
        vote(f.c3(), id, "approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        awaitStatus(f.t(), id, "EFFECTIVE");

        var live = VertxContextSupport.subscribeAndAwait(() -> governance.inForce(tenant, null)).settings();
        assertThat(live.mapping()).isEqualTo(Preset.EMIR.mapping());
        assertThat(live.guardrails()).isEqualTo(Preset.EMIR.guardrails());
        JsonPath effective = f.t().asAdmin().queryParam("action", "EFFECTIVE").get(GOV + "/audit").then()
                .statusCode(200).extract().jsonPath();
        assertThat(effective.getList("findAll { it.proposalId == '" + id + "' }")).hasSize(1);
        assertThat(effective.getMap("find { it.proposalId == '" + id + "' }.after"))
                .containsOnlyKeys("bufferFraction", "floorWeight", "mporPerpDays");
        f.c1().as().body(Map.of("preset", "emir", "reason", "x")).post(GOV + "/proposals").then().statusCode(422)
                .body("errors.field", contains("preset"));
    }

    @Test
    void everyChangeIsExactlyOneEvent() throws Exception {
        Fixture f = fixture("gov-events");
        f.t().asAdmin().body(Map.of("timelock", "PT1S")).put(GOV + "/policy").then().statusCode(200);
        String id = propose(f.c1(), Map.of("maintenanceMarginFraction", 0.06));
        vote(f.c2(), id, "approve").then().statusCode(200);
        vote(f.c2(), id, "approve").then().statusCode(409);
        vote(f.c3(), id, "approve").then().statusCode(200);
        awaitStatus(f.t(), id, "EFFECTIVE");
        f.t().asAdmin().body(Map.of("reason", "stop")).post(GOV + "/freeze").then().statusCode(200);
        f.t().asAdmin().body(Map.of("reason", "stop")).post(GOV + "/freeze").then().statusCode(409);
        f.t().asAdmin().queryParam("reason", "go").delete(GOV + "/freeze").then().statusCode(200);

        Map<String, List<String>> byTopic = new HashMap<>();
        Map<String, List<String>> raw = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer()) {
            consumer.subscribe(List.of("ballast.governance", "ballast.parameters"));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && !(byTopic.getOrDefault("ballast.governance", List.of())
                    .contains("AutomaticAdjustmentsUnfrozen") && byTopic.getOrDefault("ballast.parameters",
                    List.of()).contains("RiskParametersChanged"))) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(500))) {
                    if (f.t().id().equals(rec.key())) {
                        byTopic.computeIfAbsent(rec.topic(), k -> new ArrayList<>())
                                .add(new JsonObject(rec.value()).getString("type"));
                        raw.computeIfAbsent(rec.topic(), k -> new ArrayList<>()).add(rec.value());
                    }
                }
            }
        }
        assertThat(byTopic.get("ballast.governance")).containsExactly("PolicyChanged", "ProposalCreated",
                "ProposalApprovalRecorded", "ProposalApproved", "ProposalEffective", "AutomaticAdjustmentsFrozen",
                "AutomaticAdjustmentsUnfrozen");
        assertThat(byTopic.get("ballast.parameters")).containsExactly("RiskSettingsDefaulted",
                "RiskParametersVersioned", "RiskParametersVersioned", "RiskParametersChanged");
        // every event matches the published schema of its topic (docs/events)
        for (var topic : Map.of("ballast.governance", "governance-event", "ballast.parameters", "parameters-event")
                .entrySet()) {
            JsonSchema schema = schema(topic.getValue());
            for (String event : raw.get(topic.getKey())) {
                assertThat(schema.validate(new ObjectMapper().readTree(event))).as(event).isEmpty();
            }
        }
    }
}
