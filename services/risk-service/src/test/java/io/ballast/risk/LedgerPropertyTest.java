package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever mix of deposits, withdrawals (each sometimes retried without an Idempotency-Key, by its
 * externalRef) and snapshots runs concurrently across accounts and assets, after each round every balance equals the
 * sum of its ledger entries, every booked entry is in the ledger exactly once, and no externalRef is booked twice.
 *
 * <p>The operations are generated from a seed (random per run, logged; {@code -Dballast.property.seed=N} replays
 * one). jqwik, the usual property-testing library, is not used: it runs as a JUnit Platform 1.x engine, while the
 * Quarkus test framework here is on JUnit 6, and a {@code @QuarkusTest} cannot be a jqwik property.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class LedgerPropertyTest {

    private static final Logger LOG = Logger.getLogger(LedgerPropertyTest.class);
    private static final List<String> ASSETS = List.of("USDT", "BTC");
    private static final int ACCOUNTS = 4;
    private static final int ROUNDS = 6;

    /** One generated request and what it answered. */
    private record Sent(String kind, String account, String externalRef, int status, String body) {
    }

    @Test
    void afterEveryRoundOfConcurrentMovementsAndSnapshotsEachBalanceIsItsLedgerSumAndNothingIsBookedTwice()
            throws Exception {
        long seed = Long.getLong("ballast.property.seed", new Random().nextLong());
        LOG.infof("ledger property seed %d (replay with -Dballast.property.seed=%d)", seed, seed);
        Random random = new Random(seed);
        Tenant t = TestTenants.onboard("prop");
        ASSETS.forEach(a -> TestTenants.asset(t, a));
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(TestTenants.account(t, "0xPROP" + i));
        }
        Set<String> bookedIds = new HashSet<>();
        Map<String, String> entryOfRef = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                List<Callable<Sent>> ops = new ArrayList<>();
                int n = 8 + random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    ops.addAll(operation(t, accounts, random, seed + "-" + round + "-" + i));
                }
                java.util.Collections.shuffle(ops, random);
                List<Future<Sent>> answers = new ArrayList<>();
                for (Callable<Sent> op : ops) {
                    answers.add(pool.submit(op));
                }
                for (Future<Sent> f : answers) {
                    Sent s = f.get(120, TimeUnit.SECONDS);
                    assertThat(s.status()).as("seed %d: %s %s", seed, s.kind(), s.body()).isIn(200, 201, 409);
                    if (s.status() == 201) {
                        String id = JsonPath.from(s.body()).getString("id");
                        bookedIds.add(id);
                        if (s.externalRef() != null) {
                            String earlier = entryOfRef.putIfAbsent(s.externalRef(), id);
                            assertThat(earlier == null ? id : earlier).as("seed %d: one entry per externalRef %s",
                                    seed, s.externalRef()).isEqualTo(id);
                        }
                    }
                }
                check(t, accounts, bookedIds, seed, round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A deposit, a withdrawal (each possibly sent twice with one externalRef) or a snapshot of some balances. */
    private static List<Callable<Sent>> operation(Tenant t, List<String> accounts, Random random, String ref) {
        String account = accounts.get(random.nextInt(accounts.size()));
        String asset = ASSETS.get(random.nextInt(ASSETS.size()));
        BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(100_000), 3);
        int kind = random.nextInt(10);
        if (kind < 7) {
            String path = kind < 4 ? "/deposits" : "/withdrawals";
            String externalRef = random.nextInt(3) == 0 ? null : "0x" + ref;
            Map<String, Object> body = new HashMap<>(Map.of("asset", asset, "amount", amount.toPlainString()));
            if (externalRef != null) {
                body.put("externalRef", externalRef);
            }
            // without an externalRef, an Idempotency-Key identifies the movement (one of the two is required)
            String key = externalRef == null ? "key-" + ref : null;
            Callable<Sent> send = () -> {
                Response r = (key == null ? t.asIntegrator() : t.asIntegrator().header("Idempotency-Key", key))
                        .body(body).post("/api/v1/accounts/" + account + path);
                return new Sent(path, account, externalRef, r.statusCode(), r.asString());
            };
            return externalRef != null && random.nextBoolean() ? List.of(send, send) : List.of(send);
        }
        List<Map<String, Object>> balances = new ArrayList<>();
        int first = random.nextInt(accounts.size());
        for (int i = 0; i < accounts.size(); i++) {
            String a = accounts.get(i);
            if (i == first || random.nextBoolean()) {
                balances.add(Map.of("accountId", a, "asset", ASSETS.get(random.nextInt(ASSETS.size())),
                        "amount", BigDecimal.valueOf(random.nextInt(200_000), 3).toPlainString()));
            }
        }
        return List.of(() -> {
            Response r = t.asIntegrator().body(Map.of("balances", balances)).post("/api/v1/snapshots");
            return new Sent("snapshot", null, null, r.statusCode(), r.asString());
        });
    }

    /** A JSON document whose numbers are read as BigDecimal (RestAssured's default is float). */
    private static JsonPath exact(String json) {
        return JsonPath.from(json).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL));
    }

    /** Every balance is its ledger's sum; every booked entry appears once; no externalRef twice. */
    private static void check(Tenant t, List<String> accounts, Set<String> bookedIds, long seed, int round) {
        Set<String> ledgerIds = new HashSet<>();
        Set<String> refs = new HashSet<>();
        for (String a : accounts) {
            JsonPath ledger = exact(t.asIntegrator().queryParam("limit", 1000)
                    .get("/api/v1/accounts/" + a + "/ledger").then().statusCode(200).extract().asString());
            JsonPath balances = exact(t.asIntegrator().get("/api/v1/accounts/" + a + "/balances").then()
                    .statusCode(200).extract().asString());
            for (String id : ledger.getList("id", String.class)) {
                assertThat(ledgerIds.add(id)).as("seed %d round %d: entry %s listed once", seed, round, id).isTrue();
            }
            for (String ref : ledger.getList("externalRef", String.class)) {
                if (ref != null) {
                    assertThat(refs.add(ref)).as("seed %d round %d: externalRef %s booked once", seed, round, ref)
                            .isTrue();
                }
            }
            for (String asset : ASSETS) {
                BigDecimal sum = ledger.getList("findAll { it.asset == '" + asset + "' }.amount", BigDecimal.class)
                        .stream().reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal balance = balances.getObject("find { it.symbol == '" + asset + "' }.amount",
                        BigDecimal.class);
                assertThat(sum).as("seed %d round %d: ledger sum of %s on %s", seed, round, asset, a)
                        .isEqualByComparingTo(balance == null ? BigDecimal.ZERO : balance);
            }
        }
        assertThat(ledgerIds).as("seed %d round %d: every booked entry is in the ledger", seed, round)
                .containsAll(bookedIds);
    }
}
