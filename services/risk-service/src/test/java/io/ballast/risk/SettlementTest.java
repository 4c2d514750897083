package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.ballast.devstack.ProjectRoot;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.settlement.service.SettlementJob;
import io.ballast.risk.settlement.service.SettlementService;
import io.ballast.risk.settlement.service.SettlementService.Outcome;
import io.ballast.risk.settlement.service.SettlementService.Status;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Expiry settlement (issue 12, docs/margin.md "Expiry and settlement"): the settlement job books each position's P&amp;L
 * to the ledger at the tenant's settlement price (the 30-minute time-weighted average by default, the index at expiry
 * when the market is set so), closes the positions, releases isolated pools into the cross pool, publishes its events
 * and books once however often and however concurrently it runs; the live book drops the settled positions; margin
 * of an expired, unsettled instrument answers 200.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class SettlementTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    SettlementJob job;
    @Inject
    SettlementService settlement;
    @Inject
    Pool pool;

    /**
     * A tenant with USDT and an underlying, a dated future and a 60,500 call expiring at {@code expiry}: far enough
     * ahead for the test to open its positions first (a loaded machine takes tens of seconds for the fixture).
     */
    record Fixture(Tenant t, String u, Instant expiry, String futureId, String callId) {
        String future() {
            return u + "-FUT";
        }

        String call() {
            return u + "-60500-C";
        }
    }

    /**
     * The fixture; index observations 60,000 (40 minutes before expiry), 61,000 (20 before) and 63,000 (5 before):
     * the 30-minute average is 61,000, the index at expiry 63,000.
     */
    private static Fixture fixture(String prefix, long expiresInSeconds, boolean observations) {
        Tenant t = TestTenants.onboard(prefix);
        String u = "S" + UUID.randomUUID().toString().substring(0, 7).toUpperCase();
        String usdt = TestTenants.asset(t, "USDT");
        String underlying = TestTenants.asset(t, u);
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", underlying, "0.1", "0.05", "0.1");
        Instant expiry = Instant.now().plusSeconds(expiresInSeconds).truncatedTo(ChronoUnit.SECONDS);
        String future = t.asAdmin().body(Map.of("symbol", u + "-FUT", "kind", "FUTURE", "underlying", u,
                        "settlement", "USDT", "contractSize", 1, "expiry", expiry.toString()))
                .post("/api/v1/instruments").then().statusCode(201).extract().path("id");
        String call = t.asAdmin().body(Map.of("symbol", u + "-60500-C", "kind", "OPTION", "underlying", u,
                        "settlement", "USDT", "contractSize", 1, "expiry", expiry.toString(), "strike", 60500,
                        "optionType", "CALL"))
                .post("/api/v1/instruments").then().statusCode(201).extract().path("id");
        TestTenants.riskParameters(t, "instruments", future, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "instruments", call, "0.1", "0.05", "0");
        observe(t, "USDT", "1", Instant.now());
        if (observations) {
            observe(t, u, "60000", expiry.minus(Duration.ofMinutes(40)));
            observe(t, u, "61000", expiry.minus(Duration.ofMinutes(20)));
            observe(t, u, "63000", expiry.minus(Duration.ofMinutes(5)));
        }
        return new Fixture(t, u, expiry, future, call);
    }

    private static void observe(Tenant t, String asset, String price, Instant at) {
        t.asIntegrator().body(Map.of("prices", List.of(Map.of("underlying", asset, "indexPriceUsd", price,
                        "annualVol", "0.5", "observedAt", at.toString()))))
                .put("/api/v1/market/prices").then().statusCode(200);
    }

    private static String account(Tenant t, String externalId, String mode, String usdt) {
        String a = t.asIntegrator().body(Map.of("externalId", externalId, "marginMode", mode))
                .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", usdt, "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a + "/deposits")
                .then().statusCode(201);
        return a;
    }

    private static void position(Tenant t, String account, String instrument, String quantity, String entry) {
        t.asIntegrator().body(Map.of("quantity", quantity, "entryPrice", entry))
                .put("/api/v1/accounts/" + account + "/positions/" + instrument).then().statusCode(200);
    }

    private static BigDecimal balance(Tenant t, String account) {
        List<Map<String, Object>> all = t.asIntegrator().get("/api/v1/accounts/" + account + "/balances").then()
                .statusCode(200).extract().jsonPath().getList("", Map.class).stream()
                .map(m -> (Map<String, Object>) m).toList();
        return all.stream().filter(m -> "USDT".equals(m.get("symbol")))
                .map(m -> new BigDecimal(String.valueOf(m.get("amount")))).findFirst().orElse(BigDecimal.ZERO);
    }

    /** Amounts of the account's ledger entries of one kind, oldest first. */
    private static List<BigDecimal> ledger(Tenant t, String account, String kind) {
        return t.asIntegrator().get("/api/v1/accounts/" + account + "/ledger").then().statusCode(200).extract()
                .jsonPath().<Object>getList("findAll { it.kind == '" + kind + "' }.amount").stream()
                .map(x -> new BigDecimal(String.valueOf(x))).toList();
    }

    private static void awaitExpiry(Instant expiry) throws InterruptedException {
        while (!Instant.now().isAfter(expiry.plusMillis(200))) {
            Thread.sleep(100);
        }
    }

    private List<Outcome> runJob() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> job.run(Instant.now()));
    }

    /**
     * The worked example of docs/margin.md: a long and a short future, a long and a short call, an isolated short
     * future and a long whose loss exceeds its balance, settled at the 30-minute average 61,000.
     */
    @Test
    void settlesFuturesAndOptionsAtTheThirtyMinuteAverageAndReleasesIsolatedPools() throws Throwable {
        Fixture f = fixture("settle", 90, true);
        Tenant t = f.t();
        String longs = account(t, "0xLONG", "CROSS", "10000");
        String shorts = account(t, "0xSHORT", "CROSS", "10000");
        String iso = account(t, "0xISO", "ISOLATED", "600");
        String deficit = account(t, "0xDEFICIT", "CROSS", "1000");
        position(t, longs, f.future(), "2", "60000");
        position(t, longs, f.call(), "1", "300");
        position(t, shorts, f.future(), "-2", "60000");
        position(t, shorts, f.call(), "-1", "300");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "500")).post("/api/v1/accounts/" + iso
                + "/isolated-pools/" + f.future() + "/transfers-in").then().statusCode(201);
        position(t, iso, f.future(), "-1", "62000");
        position(t, deficit, f.future(), "1", "65000");
        awaitExpiry(f.expiry());

        // a position in an expired instrument is frozen until it settles
        t.asIntegrator().body(Map.of("quantity", "3", "entryPrice", "60000")).put("/api/v1/accounts/" + longs
                + "/positions/" + f.future()).then().statusCode(409).body("title", equalTo("Instrument Expired"));

        List<Outcome> outcomes = runJob();
        assertThat(outcomes).filteredOn(o -> o.instrumentId().toString().equals(f.futureId())
                || o.instrumentId().toString().equals(f.callId()))
                .extracting(Outcome::status).containsOnly(Status.SETTLED).hasSize(2);

        JsonPath fut = t.asIntegrator().get("/api/v1/instruments/" + f.futureId() + "/settlement").then()
                .statusCode(200).extract().jsonPath();
        assertThat(fut.getString("method")).isEqualTo("TWAP");
        assertThat(fut.getInt("twapMinutes")).isEqualTo(30);
        assertThat(new BigDecimal(fut.getString("settlementPriceUsd"))).isEqualByComparingTo("61000");
        assertThat(fut.getInt("observations")).isEqualTo(3);
        assertThat(fut.getList("entries")).hasSize(4);
        assertEntry(fut, longs, "2000", "2000", "0");
        assertEntry(fut, shorts, "-2000", "-2000", "0");
        assertEntry(fut, iso, "1000", "1000", "0");
        assertEntry(fut, deficit, "-4000", "-1000", "3000");
        JsonPath opt = t.asIntegrator().get("/api/v1/instruments/" + f.callId() + "/settlement").then()
                .statusCode(200).extract().jsonPath();
        assertEntry(opt, longs, "200", "200", "0");
        assertEntry(opt, shorts, "-200", "-200", "0");

        assertThat(balance(t, longs)).isEqualByComparingTo("12200");
        assertThat(balance(t, shorts)).isEqualByComparingTo("7800");
        assertThat(balance(t, iso)).isEqualByComparingTo("1600");
        assertThat(balance(t, deficit)).isEqualByComparingTo("0");
        assertThat(ledger(t, longs, "SETTLEMENT")).usingElementComparator(BigDecimal::compareTo)
                .containsExactlyInAnyOrder(new BigDecimal("2000"), new BigDecimal("200"));
        assertThat(ledger(t, deficit, "SETTLEMENT")).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("-1000"));
        // the isolated pool (500 + 1,000) went back to the cross pool: out of the pool, into the cross pool
        assertThat(ledger(t, iso, "TRANSFER")).usingElementComparator(BigDecimal::compareTo)
                .containsExactlyInAnyOrder(new BigDecimal("-500"), new BigDecimal("500"), new BigDecimal("-1500"),
                        new BigDecimal("1500"));
        for (String a : List.of(longs, shorts, iso, deficit)) {
            t.asIntegrator().get("/api/v1/accounts/" + a + "/positions").then().statusCode(200)
                    .body("size()", equalTo(0));
        }

        // running again books nothing
        assertThat(runJob()).noneMatch(o -> o.instrumentId().toString().equals(f.futureId()));
        TenantId tenant = TenantId.of(UUID.fromString(t.id()));
        Outcome again = VertxContextSupport.subscribeAndAwait(() -> settlement.settle(tenant,
                UUID.fromString(f.futureId()), Instant.now()));
        assertThat(again.status()).isEqualTo(Status.ALREADY_SETTLED);
        assertThat(balance(t, longs)).isEqualByComparingTo("12200");

        // the live book dropped the settled positions (PositionSettled refreshed the accounts)
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonPath m = margin(t, longs);
        while (System.nanoTime() < deadline && !("hot-book".equals(m.getString("answeredFrom"))
                && m.getList("breakdown.positions").isEmpty())) {
            Thread.sleep(200);
            m = margin(t, longs);
        }
        assertThat(m.getString("answeredFrom")).isEqualTo("hot-book");
        assertThat(m.getList("breakdown.positions")).isEmpty();
        assertThat(m.getDouble("equityUsd")).isCloseTo(12_200, within(1e-9));

        // the events, valid against docs/events/settlement-event.schema.json
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(ProjectRoot.locate().resolve("docs/events/settlement-event.schema.json")));
        var records = KafkaClients.read("ballast.events", r -> t.id().equals(r.key())
                        && (r.value().contains("\"PositionSettled\"") || r.value().contains("\"InstrumentSettled\"")),
                rs -> rs.size() >= 8, WAIT, Duration.ofSeconds(1));
        assertThat(records).hasSize(8);
        ObjectMapper mapper = new ObjectMapper();
        List<JsonObject> instrumentEvents = new ArrayList<>();
        for (var r : records) {
            assertThat(schema.validate(mapper.readTree(r.value()))).as(r.value()).isEmpty();
            JsonObject e = new JsonObject(r.value());
            if ("InstrumentSettled".equals(e.getString("type"))) {
                instrumentEvents.add(e.getJsonObject("payload"));
            }
        }
        JsonObject futureEvent = instrumentEvents.stream().filter(e -> f.future().equals(e.getString("instrument")))
                .findFirst().orElseThrow();
        assertThat(new BigDecimal(futureEvent.getString("totalAmount"))).isEqualByComparingTo("-3000");
        assertThat(new BigDecimal(futureEvent.getString("totalShortfall"))).isEqualByComparingTo("3000");
        assertThat(futureEvent.getInteger("positions")).isEqualTo(4);
    }

    private static JsonPath margin(Tenant t, String account) {
        return t.asIntegrator().get("/api/v1/accounts/" + account + "/margin").then().statusCode(200).extract()
                .jsonPath();
    }

    private static void assertEntry(JsonPath s, String account, String amount, String booked, String shortfall) {
        String at = "entries.find { it.accountId == '" + account + "' }.";
        assertThat(new BigDecimal(s.getString(at + "amount"))).as("amount").isEqualByComparingTo(amount);
        assertThat(new BigDecimal(s.getString(at + "booked"))).as("booked").isEqualByComparingTo(booked);
        assertThat(new BigDecimal(s.getString(at + "shortfall"))).as("shortfall").isEqualByComparingTo(shortfall);
    }

    /**
     * A market set to settle at the index at expiry (63,000), settled by three concurrent runs: booked once, the
     * long's and the short's entries cancel.
     */
    @Test
    void aMarketSetToTheIndexSettlesAtItOnceUnderConcurrentRuns() throws Throwable {
        Fixture f = fixture("settle-index", 60, true);
        Tenant t = f.t();
        TenantId tenant = TenantId.of(UUID.fromString(t.id()));
        String underlyingId = t.asIntegrator().get("/api/v1/assets").then().statusCode(200).extract().jsonPath()
                .getString("find { it.symbol == '" + f.u() + "' }.id");
        // the market's own settings version: a copy of the tenant's with settlementTwapMinutes 0
        RowSecurity.query(pool, tenant, "insert into risk_settings select (jsonb_populate_record(r, "
                        + "jsonb_build_object('id', gen_random_uuid(), 'scope', 'ASSET', 'target_id', $2::uuid, "
                        + "'version', 1, 'settlement_twap_minutes', 0, 'source', 'MANUAL', 'actor', 'test'))).* "
                        + "from risk_settings r where r.tenant_id = $1 and r.scope = 'TENANT' and r.version = 1",
                        Tuple.of(UUID.fromString(t.id()), UUID.fromString(underlyingId)))
                .await().atMost(Duration.ofSeconds(30));
        String longs = account(t, "0xL", "CROSS", "5000");
        String shorts = account(t, "0xS", "CROSS", "5000");
        position(t, longs, f.future(), "1", "60000");
        position(t, shorts, f.future(), "-1", "60000");
        awaitExpiry(f.expiry());

        UUID future = UUID.fromString(f.futureId());
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Outcome>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(() -> {
                    try {
                        return VertxContextSupport.subscribeAndAwait(() -> settlement.settle(tenant, future,
                                Instant.now()));
                    } catch (Throwable e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            List<Status> statuses = new ArrayList<>();
            for (Future<Outcome> o : threads.invokeAll(runs)) {
                statuses.add(o.get().status());
            }
            assertThat(statuses).containsOnlyOnce(Status.SETTLED)
                    .allMatch(s -> s == Status.SETTLED || s == Status.ALREADY_SETTLED || s == Status.SKIPPED);
        } finally {
            threads.shutdownNow();
        }
        JsonPath s = t.asIntegrator().get("/api/v1/instruments/" + f.futureId() + "/settlement").then()
                .statusCode(200).body("method", equalTo("INDEX")).body("twapMinutes", equalTo(0)).extract()
                .jsonPath();
        assertThat(new BigDecimal(s.getString("settlementPriceUsd"))).isEqualByComparingTo("63000");
        assertEntry(s, longs, "3000", "3000", "0");
        assertEntry(s, shorts, "-3000", "-3000", "0");
        assertThat(ledger(t, longs, "SETTLEMENT")).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("3000"));
        assertThat(ledger(t, shorts, "SETTLEMENT")).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("-3000"));
        assertThat(balance(t, longs)).isEqualByComparingTo("8000");
        assertThat(balance(t, shorts)).isEqualByComparingTo("2000");
        // the call had no positions: nothing to settle, never settled
        t.asIntegrator().get("/api/v1/instruments/" + f.callId() + "/settlement").then().statusCode(404);
    }

    /**
     * Margin never fails because an instrument expired: before settlement (no index observation at or before
     * expiry yet, so the job waits) the future is margined at the index and the call at its intrinsic value.
     */
    @Test
    void marginOfAnExpiredUnsettledInstrumentAnswers200() throws Throwable {
        Fixture f = fixture("settle-margin", 45, false);
        Tenant t = f.t();
        String a = account(t, "0xEXP", "CROSS", "1000");
        position(t, a, f.future(), "1", "60000");
        position(t, a, f.call(), "1", "300");
        awaitExpiry(f.expiry());
        observe(t, f.u(), "61000", Instant.now());
        TenantId tenant = TenantId.of(UUID.fromString(t.id()));
        Outcome o = VertxContextSupport.subscribeAndAwait(() -> settlement.settle(tenant,
                UUID.fromString(f.futureId()), Instant.now()));
        assertThat(o.status()).isEqualTo(Status.NO_PRICE);
        for (String from : List.of("", "?from=database")) {
            JsonPath m = t.asIntegrator().get("/api/v1/accounts/" + a + "/margin" + from).then().statusCode(200)
                    .extract().jsonPath();
            // unrealized P&L: future 1 x (61,000 - 60,000) + call 1 x (500 - 300)
            assertThat(m.getDouble("unrealizedPnlUsd")).as(from).isCloseTo(1_200, within(1e-9));
            assertThat(m.getDouble("equityUsd")).as(from).isCloseTo(2_200, within(1e-9));
            assertThat(m.getDouble("breakdown.positions.find { it.instrumentId == '" + f.call()
                    + "' }.markPriceUsd")).isCloseTo(500, within(1e-9));
        }
        t.asIntegrator().get("/api/v1/margin/summary?from=database").then().statusCode(200)
                .body("notComputed.size()", equalTo(0));
    }

    private static Map<String, Object> positionRow(String account, String instrument, String quantity, String entry) {
        return Map.of("accountId", account, "instrument", instrument, "quantity", quantity, "entryPrice", entry);
    }

    /**
     * A snapshot never changes a position of an expired, unsettled instrument (docs/api.md section 6): changing its
     * quantity, leaving it out (which would close it) and opening one are each refused with 409 Instrument Expired
     * naming the row, and change nothing, balances included; listing it unchanged is accepted and leaves it as it is.
     */
    @Test
    void aSnapshotCannotChangeAPositionOfAnExpiredUnsettledInstrument() throws Throwable {
        Fixture f = fixture("settle-snap", 45, false);
        Tenant t = f.t();
        String a = account(t, "0xSNAPA", "CROSS", "1000");
        String b = account(t, "0xSNAPB", "CROSS", "1000");
        position(t, a, f.future(), "1", "60000");
        awaitExpiry(f.expiry());
        Map<String, Object> balanceA = Map.of("accountId", a, "asset", "USDT", "amount", "5000");

        JsonPath changed = t.asIntegrator().body(Map.of("positions", List.of(positionRow(a, f.future(), "2",
                        "60000")), "balances", List.of(balanceA))).post("/api/v1/snapshots").then().statusCode(409)
                .contentType("application/problem+json").body("title", equalTo("Instrument Expired")).extract()
                .jsonPath();
        assertThat(changed.getList("errors.field")).containsExactly("positions[0].instrument");
        assertThat(changed.getString("errors[0].message")).contains("is 1 at 60000", "list it unchanged");
        t.asIntegrator().body(Map.of("balances", List.of(balanceA))).post("/api/v1/snapshots").then()
                .statusCode(409).body("errors.field", org.hamcrest.Matchers.contains("positions"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("would close it"));
        t.asIntegrator().body(Map.of("positions", List.of(positionRow(b, f.call(), "1", "300"))))
                .post("/api/v1/snapshots").then().statusCode(409)
                .body("errors[0].message", org.hamcrest.Matchers.containsString("no position can be opened"));
        // nothing changed
        t.asIntegrator().get("/api/v1/accounts/" + a + "/positions").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].quantity", equalTo(1.0f));
        t.asIntegrator().get("/api/v1/accounts/" + b + "/positions").then().statusCode(200).body("size()", equalTo(0));
        assertThat(balance(t, a)).isEqualByComparingTo("1000");

        // listed unchanged: accepted, the position stays for settlement, the balance is set
        t.asIntegrator().body(Map.of("positions", List.of(positionRow(a, f.future(), "1.000", "60000.0")),
                "balances", List.of(balanceA))).post("/api/v1/snapshots").then().statusCode(200);
        t.asIntegrator().get("/api/v1/accounts/" + a + "/positions").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].quantity", equalTo(1.0f))
                .body("[0].entryPrice", equalTo(60000.0f));
        assertThat(balance(t, a)).isEqualByComparingTo("5000");
    }
}
