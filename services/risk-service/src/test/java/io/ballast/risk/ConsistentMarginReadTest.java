package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Margin inputs are read in one read-only REPEATABLE READ transaction: margin answers read while snapshots flip the
 * accounts between two states are each the margin of one of the two states, never a mix (the balances of one with
 * the positions of the other), which separate READ COMMITTED statements produced.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class ConsistentMarginReadTest {

    private static final int ACCOUNTS = 20;

    @Test
    void marginReadsRacingSnapshotsSeeOneStateOrTheOtherNeverAMix() throws Exception {
        Tenant t = TestTenants.onboard("rr");
        TestTenants.perpetualMarket(t, "BTC");
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(TestTenants.account(t, "0xRR" + i));
        }
        Map<String, Object> before = snapshot(accounts, "10000", "1");
        Map<String, Object> after = snapshot(accounts, "20000", "3");
        String one = accounts.get(0);
        t.asIntegrator().body(before).post("/api/v1/snapshots").then().statusCode(200);
        String stateBefore = summary(t);
        String oneBefore = fingerprint(margin(t, one));
        t.asIntegrator().body(after).post("/api/v1/snapshots").then().statusCode(200);
        String stateAfter = summary(t);
        String oneAfter = fingerprint(margin(t, one));
        assertThat(stateBefore).isNotEqualTo(stateAfter);
        assertThat(oneBefore).isNotEqualTo(oneAfter);

        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicBoolean flipping = new AtomicBoolean(true);
        try {
            Future<Integer> flips = pool.submit(() -> {
                int n = 0;
                while (flipping.get() && n < 200) {
                    t.asIntegrator().body(n % 2 == 0 ? before : after).post("/api/v1/snapshots").then()
                            .statusCode(200);
                    n++;
                }
                return n;
            });
            List<Future<List<Object>>> readers = new ArrayList<>();
            for (int r = 0; r < 5; r++) {
                boolean summaries = r % 2 == 0;
                readers.add(pool.submit(() -> {
                    List<Object> seen = new ArrayList<>();
                    for (int i = 0; i < 30; i++) {
                        seen.add(summaries ? summary(t) : fingerprint(margin(t, one)));
                    }
                    return seen;
                }));
            }
            int reads = 0;
            for (Future<List<Object>> reader : readers) {
                for (Object seen : reader.get(300, TimeUnit.SECONDS)) {
                    reads++;
                    assertThat(seen).as("a summary of all accounts, or one account's margin")
                            .isIn(stateBefore, stateAfter, oneBefore, oneAfter);
                }
            }
            flipping.set(false);
            assertThat(flips.get(300, TimeUnit.SECONDS)).isPositive();
            assertThat(reads).isEqualTo(150);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Object> snapshot(List<String> accounts, String usdt, String quantity) {
        List<Map<String, Object>> positions = new ArrayList<>();
        List<Map<String, Object>> balances = new ArrayList<>();
        for (String a : accounts) {
            positions.add(Map.of("accountId", a, "instrument", "BTC-PERP", "quantity", quantity,
                    "entryPrice", "60000"));
            balances.add(Map.of("accountId", a, "asset", "USDT", "amount", usdt));
        }
        return Map.of("positions", positions, "balances", balances);
    }

    private static JsonPath margin(Tenant t, String account) {
        return t.asIntegrator().queryParam("from", "database").get("/api/v1/accounts/" + account + "/margin").then()
                .statusCode(200).extract().jsonPath();
    }

    /** Collateral and initial margin of an answer: they move with the balances and the positions respectively. */
    private static String fingerprint(JsonPath m) {
        return String.format("account %.4f|%.4f", m.getDouble("collateralValueUsd"),
                m.getDouble("initialMarginUsd"));
    }

    /** The totals of every account's equity and initial margin, from the database. */
    private static String summary(Tenant t) {
        JsonPath s = t.asIntegrator().queryParam("from", "database").get("/api/v1/margin/summary").then()
                .statusCode(200).extract().jsonPath();
        assertThat(s.getInt("accounts")).isEqualTo(ACCOUNTS);
        return String.format("summary %.4f|%.4f", s.getDouble("totalEquityUsd"),
                s.getDouble("totalInitialMarginUsd"));
    }
}
