package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bulk sync: 10,000 positions applied atomically; a bad snapshot rejected with every bad row and nothing changed. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class SnapshotTest {

    private static final int ACCOUNTS = 500;
    private static final int INSTRUMENTS = 20;

    private static Map<String, Object> row(String account, String instrument, Object quantity, Object price) {
        Map<String, Object> r = new HashMap<>();
        r.put("accountId", account);
        r.put("instrument", instrument);
        r.put("quantity", quantity);
        r.put("entryPrice", price);
        return r;
    }

    private static int positionCount(Tenant t, List<String> accounts) {
        int n = 0;
        for (String a : accounts) {
            n += t.asIntegrator().get("/api/v1/accounts/" + a + "/positions").then().statusCode(200).extract()
                    .jsonPath().getList("$").size();
        }
        return n;
    }

    @Test
    void tenThousandPositionsAreAppliedAtomicallyAndABadSnapshotListsEveryBadRowAndChangesNothing() {
        Tenant t = TestTenants.onboard("bulk");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        List<String> instruments = new ArrayList<>();
        for (int i = 0; i < INSTRUMENTS; i++) {
            instruments.add("I" + i + "-PERP");
            TestTenants.perpetual(t, "I" + i + "-PERP", "BTC", "USDT");
        }
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(t.asIntegrator().body(Map.of("externalId", "0xBULK" + i, "marginMode", "CROSS"))
                    .post("/api/v1/accounts").then().statusCode(201).extract().path("id"));
        }
        List<Map<String, Object>> positions = new ArrayList<>();
        for (String a : accounts) {
            for (String i : instruments) {
                positions.add(row(a, i, positions.size() % 2 == 0 ? "1.5" : "-0.25", "100.75"));
            }
        }
        assertThat(positions).hasSize(10_000);
        List<Map<String, Object>> balances = new ArrayList<>();
        for (String a : accounts) {
            balances.add(Map.of("accountId", a, "asset", "USDT", "amount", "5000"));
        }
        long started = System.nanoTime();
        var applied = t.asIntegrator().body(Map.of("positions", positions, "balances", balances))
                .post("/api/v1/snapshots").then();
        System.out.printf("snapshot of %d positions and %d balances answered in %.0f ms%n", positions.size(),
                balances.size(), (System.nanoTime() - started) / 1e6);
        applied.statusCode(200).body("positions", equalTo(10_000)).body("balances", equalTo(ACCOUNTS))
                .body("ledgerEntries", equalTo(ACCOUNTS)).body("accounts", equalTo(ACCOUNTS));
        List<String> sample = accounts.subList(0, 5);
        assertThat(positionCount(t, sample)).isEqualTo(5 * INSTRUMENTS);
        t.asIntegrator().get("/api/v1/accounts/" + accounts.get(0) + "/ledger").then().statusCode(200)
                .body("kind[0]", equalTo("SYNC_ADJUSTMENT")).body("amount[0]", equalTo(5000.0f));

        // a second snapshot with bad rows scattered through 10,000 good ones
        List<Map<String, Object>> bad = new ArrayList<>();
        for (Map<String, Object> p : positions) {
            bad.add(row((String) p.get("accountId"), (String) p.get("instrument"), "7", "200"));
        }
        bad.set(3, row(accounts.get(0), "NOPE-PERP", "1", "1"));
        bad.set(1500, row(UUID.randomUUID().toString(), "I0-PERP", "1", "1"));
        bad.set(4242, row(accounts.get(7), "I3-PERP", "0", "1"));
        bad.set(9999, row(accounts.get(9), "I4-PERP", "1", "-5"));
        bad.set(7000, row("not-a-uuid", "I4-PERP", null, "1"));
        List<Map<String, Object>> badBalances = List.of(Map.of("accountId", accounts.get(1), "asset", "USDT",
                "amount", "-1"));
        var problem = t.asIntegrator().body(Map.of("positions", bad, "balances", badBalances))
                .post("/api/v1/snapshots").then().statusCode(404).contentType("application/problem+json")
                .extract().jsonPath();
        List<Map<String, Object>> errors = problem.getList("errors");
        assertThat(errors).extracting(e -> e.get("field")).containsExactlyInAnyOrder(
                "positions[3].instrument", "positions[1500].accountId", "positions[4242].quantity",
                "positions[7000].accountId", "positions[7000].quantity", "positions[9999].entryPrice",
                "balances[0].amount");
        assertThat(errors).extracting(e -> e.get("index")).contains(3, 1500, 4242, 7000, 9999, 0);
        // nothing changed: old quantities, old balances
        t.asIntegrator().get("/api/v1/accounts/" + accounts.get(0) + "/positions").then().statusCode(200)
                .body("find { it.instrument == 'I0-PERP' }.quantity", equalTo(1.5f))
                .body("find { it.instrument == 'I0-PERP' }.entryPrice", equalTo(100.75f));
        t.asIntegrator().get("/api/v1/accounts/" + accounts.get(1) + "/balances").then().statusCode(200)
                .body("amount[0]", equalTo(5000.0f));

        // without unknown references a bad snapshot is a 422
        t.asIntegrator().body(Map.of("positions", List.of(row(accounts.get(0), "I0-PERP", "1", "0"),
                        row(accounts.get(0), "I0-PERP", "2", "1"), row(accounts.get(0), "I0-PERP", "3", "1"))))
                .post("/api/v1/snapshots").then().statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.contains("positions[0].entryPrice",
                        "positions[2].instrument"));

        // a snapshot replaces the named accounts' positions only
        t.asIntegrator().body(Map.of("positions", List.of(row(accounts.get(0), "I0-PERP", "9", "1"))))
                .post("/api/v1/snapshots").then().statusCode(200).body("positions", equalTo(1));
        assertThat(positionCount(t, List.of(accounts.get(0)))).isEqualTo(1);
        assertThat(positionCount(t, List.of(accounts.get(1)))).isEqualTo(INSTRUMENTS);
    }

    @Test
    void anAccountNamedOnlyByItsBalancesEndsWithNoPositions() {
        Tenant t = TestTenants.onboard("snap-clear");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String a = TestTenants.account(t, "0xCLEAR");
        String other = TestTenants.account(t, "0xKEEP");
        for (String acc : List.of(a, other)) {
            t.asIntegrator().body(Map.of("quantity", "2", "entryPrice", "100"))
                    .put("/api/v1/accounts/" + acc + "/positions/BTC-PERP").then().statusCode(200);
        }
        t.asIntegrator().body(Map.of("balances", List.of(Map.of("accountId", a, "asset", "USDT", "amount", "10"))))
                .post("/api/v1/snapshots").then().statusCode(200).body("positions", equalTo(0))
                .body("accounts", equalTo(1));
        assertThat(positionCount(t, List.of(a))).as("the named account holds what the snapshot lists: nothing")
                .isZero();
        assertThat(positionCount(t, List.of(other))).as("an account the snapshot does not name is untouched")
                .isEqualTo(1);
    }

    /**
     * Races: a snapshot setting a balance against a FIRST deposit to the same balance (no row yet), and two
     * snapshots naming the same accounts in opposite orders. Afterwards every balance equals the sum of its ledger
     * entries, no request failed with a 5xx (a deadlock or a lost lock would), and the snapshots' accounts hold the
     * positions of one of them.
     */
    @Test
    void racingSnapshotsAndDepositsKeepTheLedgerSummingToTheBalanceAndNeverDeadlock() throws Exception {
        Tenant t = TestTenants.onboard("snap-race");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        int n = 12;
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            accounts.add(TestTenants.account(t, "0xRACE" + i));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String a = accounts.get(i);
                answers.add(pool.submit(() -> t.asIntegrator().body(Map.of("balances", List.of(Map.of(
                        "accountId", a, "asset", "USDT", "amount", "100")))).post("/api/v1/snapshots")
                        .statusCode()));
                answers.add(pool.submit(() -> t.asIntegrator().body(Map.of("asset", "USDT", "amount", "5",
                        "externalRef", TestTenants.ref()))
                        .post("/api/v1/accounts/" + a + "/deposits").statusCode()));
            }
            List<String> reversed = new ArrayList<>(accounts);
            java.util.Collections.reverse(reversed);
            for (int round = 0; round < 4; round++) {
                for (List<String> order : List.of(accounts, reversed)) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    List<Map<String, Object>> balances = new ArrayList<>();
                    for (String a : order) {
                        rows.add(row(a, "BTC-PERP", order == accounts ? "1" : "-1", "100"));
                        balances.add(Map.of("accountId", a, "asset", "BTC", "amount", order == accounts ? "1" : "2"));
                    }
                    answers.add(pool.submit(() -> t.asIntegrator().body(Map.of("positions", rows, "balances",
                            balances)).post("/api/v1/snapshots").statusCode()));
                }
            }
            for (var answer : answers) {
                assertThat(answer.get(120, java.util.concurrent.TimeUnit.SECONDS)).isIn(200, 201);
            }
        } finally {
            pool.shutdownNow();
        }
        for (String a : accounts) {
            var ledger = t.asIntegrator().get("/api/v1/accounts/" + a + "/ledger").then().statusCode(200).extract()
                    .jsonPath();
            var balances = t.asIntegrator().get("/api/v1/accounts/" + a + "/balances").then().statusCode(200)
                    .extract().jsonPath();
            for (String asset : List.of("USDT", "BTC")) {
                java.math.BigDecimal sum = ledger.getList("findAll { it.asset == '" + asset + "' }.amount",
                        String.class).stream().map(java.math.BigDecimal::new)
                        .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
                java.math.BigDecimal balance = new java.math.BigDecimal(balances.getString(
                        "find { it.symbol == '" + asset + "' }.amount"));
                assertThat(sum).as("ledger sum of %s on %s", asset, a).isEqualByComparingTo(balance);
            }
            assertThat(Double.parseDouble(balances.getString("find { it.symbol == 'USDT' }.amount")))
                    .as("the snapshot's 100 and the deposit's 5, in either order").isIn(100.0, 105.0);
        }
    }
}
