package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Accounts, the collateral ledger, balances, positions, idempotency and concurrent balance updates. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class AccountLedgerTest {

    private static BigDecimal balance(Tenant t, String account, String symbol) {
        List<Map<String, Object>> rows = t.asIntegrator().get("/api/v1/accounts/" + account + "/balances")
                .then().statusCode(200).extract().jsonPath().getList("$");
        return rows.stream().filter(r -> symbol.equals(r.get("symbol")))
                .map(r -> new BigDecimal(String.valueOf(r.get("amount")))).findFirst().orElse(BigDecimal.ZERO);
    }

    @Test
    void accountsAreCreatedReadListedAndUpdated() {
        Tenant t = TestTenants.onboard("acct");
        String a = TestTenants.account(t, "0xA1");
        String b = TestTenants.account(t, "0xB2");
        t.asIntegrator().get("/api/v1/accounts/" + a).then().statusCode(200).body("externalId", equalTo("0xA1"))
                .body("marginMode", equalTo("CROSS")).body("status", equalTo("ACTIVE"));
        t.asIntegrator().get("/api/v1/accounts").then().statusCode(200).body("id", contains(a, b));
        t.asIntegrator().queryParam("limit", 1).queryParam("offset", 1).get("/api/v1/accounts").then()
                .statusCode(200).body("id", contains(b));
        // cursor paging: after the last id of a page
        t.asIntegrator().queryParam("limit", 1).queryParam("after", a).get("/api/v1/accounts").then()
                .statusCode(200).body("id", contains(b));
        t.asIntegrator().queryParam("after", b).get("/api/v1/accounts").then().statusCode(200)
                .body("size()", equalTo(0));
        t.asIntegrator().queryParam("after", java.util.UUID.randomUUID().toString()).get("/api/v1/accounts").then()
                .statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("after"));
        t.asIntegrator().queryParam("after", a).queryParam("offset", 1).get("/api/v1/accounts").then()
                .statusCode(400).contentType("application/problem+json");
        t.asIntegrator().body(Map.of("marginMode", "PORTFOLIO")).patch("/api/v1/accounts/" + a).then()
                .statusCode(200).body("marginMode", equalTo("PORTFOLIO"));
        t.asIntegrator().body(Map.of("externalId", "0xA1", "marginMode", "ISOLATED")).post("/api/v1/accounts")
                .then().statusCode(409).contentType("application/problem+json");
        t.asIntegrator().body(Map.of("status", "CLOSED")).patch("/api/v1/accounts/" + b).then().statusCode(200);
        t.asIntegrator().body(Map.of("status", "ACTIVE")).patch("/api/v1/accounts/" + b).then().statusCode(409);
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", 1, "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + b + "/deposits")
                .then().statusCode(409);
    }

    @Test
    void depositsAndWithdrawalsAreBookedAndAnOverdrawIsRefusedChangingNothing() {
        Tenant t = TestTenants.onboard("ledger");
        TestTenants.asset(t, "USDT");
        String a = TestTenants.account(t, "0xL");
        String path = "/api/v1/accounts/" + a;
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "1000.125", "reference", "tx1",
                "externalRef", TestTenants.ref()))
                .post(path + "/deposits").then().statusCode(201).body("kind", equalTo("DEPOSIT"))
                .body("balanceAfter", equalTo(1000.125f));
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "250.125", "externalRef", TestTenants.ref()))
                .post(path + "/withdrawals").then()
                .statusCode(201).body("kind", equalTo("WITHDRAWAL")).body("amount", equalTo(-250.125f))
                .body("balanceAfter", equalTo(750.0f));
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "750.000000000000000001",
                "externalRef", TestTenants.ref()))
                .post(path + "/withdrawals").then().statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Insufficient Balance")).body("errors.field", hasItem("amount"));
        assertThat(balance(t, a, "USDT")).isEqualByComparingTo("750");
        List<String> ids = t.asIntegrator().get(path + "/ledger").then().statusCode(200)
                .body("kind", contains("DEPOSIT", "WITHDRAWAL")).body("reference", contains("tx1", null))
                .extract().path("id");
        t.asIntegrator().queryParam("after", ids.get(0)).get(path + "/ledger").then().statusCode(200)
                .body("id", contains(ids.get(1)));
        t.asIntegrator().queryParam("after", ids.get(1)).get(path + "/ledger").then().statusCode(200)
                .body("size()", equalTo(0));
        t.asIntegrator().queryParam("after", a).get(path + "/ledger").then().statusCode(400)
                .contentType("application/problem+json");
        // withdrawing an asset never deposited is an overdraw too
        TestTenants.asset(t, "BTC");
        t.asIntegrator().body(Map.of("asset", "BTC", "amount", 1, "externalRef", TestTenants.ref()))
                .post(path + "/withdrawals").then().statusCode(409);
        t.asIntegrator().body(Map.of("asset", "DOGE", "amount", 1, "externalRef", TestTenants.ref()))
                .post(path + "/deposits").then().statusCode(404)
                .body("errors.field", hasItem("asset"));
    }

    /** Sends all bodies at once as deposits to the account and returns the answers. */
    private static List<HttpResponse<String>> depositConcurrently(Tenant t, String account, String idempotencyKey,
            List<String> bodies) throws Exception {
        String token = TestTenants.token(t.integratorId(), t.integratorSecret());
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/accounts/" + account
                + "/deposits");
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (String body : bodies) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (idempotencyKey != null) {
                b.header("Idempotency-Key", idempotencyKey);
            }
            all.add(http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : all) {
            answers.add(f.get());
        }
        return answers;
    }

    @Test
    void fiftyConcurrentDepositsToOneBalanceLoseNoUpdate() throws Exception {
        Tenant t = TestTenants.onboard("race");
        TestTenants.asset(t, "USDT");
        String a = TestTenants.account(t, "0xRACE");
        List<String> bodies = new ArrayList<>();
        BigDecimal expected = BigDecimal.ZERO;
        for (int i = 1; i <= 50; i++) {
            BigDecimal amount = new BigDecimal(i).add(new BigDecimal("0.01"));
            expected = expected.add(amount);
            bodies.add("{\"asset\":\"USDT\",\"amount\":" + amount + ",\"externalRef\":\"0xrace" + i + "\"}");
        }
        for (HttpResponse<String> r : depositConcurrently(t, a, null, bodies)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        assertThat(balance(t, a, "USDT")).isEqualByComparingTo(expected);
        t.asIntegrator().queryParam("limit", 1000).get("/api/v1/accounts/" + a + "/ledger").then()
                .body("size()", equalTo(50));
    }

    /**
     * A deposit or withdrawal sent with neither an externalRef nor an Idempotency-Key could be booked twice by a blind
     * retry: it is a 422 naming both, and books nothing; either one alone is enough.
     */
    @Test
    void aMovementWithNeitherExternalRefNorIdempotencyKeyIs422AndBooksNothing() {
        Tenant t = TestTenants.onboard("unidentified");
        TestTenants.asset(t, "USDT");
        String path = "/api/v1/accounts/" + TestTenants.account(t, "0xUNID");
        for (String kind : List.of("/deposits", "/withdrawals")) {
            t.asIntegrator().body(Map.of("asset", "USDT", "amount", "5")).post(path + kind).then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItems("externalRef", "Idempotency-Key"));
            t.asIntegrator().header("Idempotency-Key", " ").body(Map.of("asset", "USDT", "amount", "5"))
                    .post(path + kind).then().statusCode(422);
        }
        t.asIntegrator().get(path + "/ledger").then().statusCode(200).body("size()", equalTo(0));
        t.asIntegrator().header("Idempotency-Key", "unid-1").body(Map.of("asset", "USDT", "amount", "5"))
                .post(path + "/deposits").then().statusCode(201);
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "2", "externalRef", "0xunid-2"))
                .post(path + "/withdrawals").then().statusCode(201);
        t.asIntegrator().get(path + "/ledger").then().statusCode(200).body("size()", equalTo(2));
        assertThat(balance(t, path.substring(path.lastIndexOf('/') + 1), "USDT")).isEqualByComparingTo("3");
    }

    /**
     * A deposit or withdrawal is identified by its externalRef, unique per tenant: a retry without an
     * Idempotency-Key (also many at once) answers the booked entry and books nothing; other content is a 409.
     */
    @Test
    void aRetryWithTheSameExternalRefBooksOnceAndOtherContentIs409() throws Exception {
        Tenant t = TestTenants.onboard("extref");
        TestTenants.asset(t, "USDT");
        String a = TestTenants.account(t, "0xEXT");
        String b = TestTenants.account(t, "0xEXT2");
        String path = "/api/v1/accounts/" + a;
        Map<String, Object> deposit = Map.of("asset", "USDT", "amount", "100", "externalRef", "0xdep1");
        String id = t.asIntegrator().body(deposit).post(path + "/deposits").then().statusCode(201)
                .body("externalRef", equalTo("0xdep1")).extract().path("id");
        t.asIntegrator().body(deposit).post(path + "/deposits").then().statusCode(201).body("id", equalTo(id))
                .body("balanceAfter", equalTo(100.0f));
        // other content under the same reference: other amount, other account, a withdrawal
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "101", "externalRef", "0xdep1"))
                .post(path + "/deposits").then().statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("External Reference Used")).body("errors.field", hasItem("externalRef"));
        t.asIntegrator().body(deposit).post("/api/v1/accounts/" + b + "/deposits").then().statusCode(409)
                .contentType("application/problem+json");
        t.asIntegrator().body(deposit).post(path + "/withdrawals").then().statusCode(409)
                .contentType("application/problem+json");
        Map<String, Object> withdrawal = Map.of("asset", "USDT", "amount", "10", "externalRef", "0xwd1");
        String w = t.asIntegrator().body(withdrawal).post(path + "/withdrawals").then().statusCode(201).extract()
                .path("id");
        t.asIntegrator().body(withdrawal).post(path + "/withdrawals").then().statusCode(201).body("id", equalTo(w));
        assertThat(balance(t, a, "USDT")).isEqualByComparingTo("90");
        assertThat(balance(t, b, "USDT")).isEqualByComparingTo("0");
        t.asIntegrator().get(path + "/ledger").then().statusCode(200).body("externalRef", contains("0xdep1", "0xwd1"));
        // twenty concurrent first attempts with one reference book once and all answer that entry
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bodies.add("{\"asset\":\"USDT\",\"amount\":5,\"externalRef\":\"0xrace\"}");
        }
        List<String> ids = new ArrayList<>();
        for (HttpResponse<String> r : depositConcurrently(t, a, null, bodies)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            ids.add(io.restassured.path.json.JsonPath.from(r.body()).getString("id"));
        }
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(balance(t, a, "USDT")).isEqualByComparingTo("95");
        t.asIntegrator().get(path + "/ledger").then().statusCode(200).body("size()", equalTo(3));
        // the reference is unique per tenant only
        Tenant other = TestTenants.onboard("extref2");
        TestTenants.asset(other, "USDT");
        String c = TestTenants.account(other, "0xEXT");
        other.asIntegrator().body(deposit).post("/api/v1/accounts/" + c + "/deposits").then().statusCode(201)
                .body("id", org.hamcrest.Matchers.not(equalTo(id)));
    }

    /** An account that holds a position or collateral cannot be closed; emptied, it can. */
    @Test
    void anAccountThatHoldsAnythingCannotBeClosed() {
        Tenant t = TestTenants.onboard("close");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String a = TestTenants.account(t, "0xCLOSE");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "10", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a + "/deposits")
                .then().statusCode(201);
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "100"))
                .put("/api/v1/accounts/" + a + "/positions/BTC-PERP").then().statusCode(200);
        t.asIntegrator().body(Map.of("status", "CLOSED")).patch("/api/v1/accounts/" + a).then().statusCode(409)
                .contentType("application/problem+json").body("title", equalTo("Account Not Empty"))
                .body("detail", org.hamcrest.Matchers.containsString("1 open position(s) and 1 non-zero balance"));
        t.asIntegrator().get("/api/v1/accounts/" + a).then().statusCode(200).body("status", equalTo("ACTIVE"));
        t.asIntegrator().delete("/api/v1/accounts/" + a + "/positions/BTC-PERP").then().statusCode(204);
        t.asIntegrator().body(Map.of("status", "CLOSED")).patch("/api/v1/accounts/" + a).then().statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("0 open position(s) and 1 non-zero balance"));
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "10", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a + "/withdrawals")
                .then().statusCode(201);
        t.asIntegrator().body(Map.of("status", "CLOSED")).patch("/api/v1/accounts/" + a).then().statusCode(200)
                .body("status", equalTo("CLOSED"));
    }

    /** Concurrent edits of one account: each answer is 200 or a 409 problem (a stale write), never a 500. */
    @Test
    void concurrentEditsOfOneAccountAreAppliedOrRefusedWith409() throws Exception {
        Tenant t = TestTenants.onboard("edit-race");
        String a = TestTenants.account(t, "0xEDIT");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<io.restassured.response.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String mode = i % 2 == 0 ? "ISOLATED" : "CROSS";
                answers.add(pool.submit(() -> t.asIntegrator().body(java.util.Map.of("marginMode", mode))
                        .patch("/api/v1/accounts/" + a)));
            }
            int applied = 0;
            for (var f : answers) {
                var r = f.get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.asString()).isIn(200, 409);
                if (r.statusCode() == 409) {
                    assertThat(r.contentType()).startsWith("application/problem+json");
                } else {
                    applied++;
                }
            }
            assertThat(applied).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRetriedWriteWithTheSameIdempotencyKeyIsAppliedOnceAndAnswersTheSame() {
        Tenant t = TestTenants.onboard("idem");
        TestTenants.asset(t, "USDT");
        String a = TestTenants.account(t, "0xI");
        String path = "/api/v1/accounts/" + a + "/deposits";
        Map<String, Object> body = Map.of("asset", "USDT", "amount", "10");
        String first = t.asIntegrator().header("Idempotency-Key", "dep-1").body(body).post(path).then()
                .statusCode(201).header("Idempotent-Replayed", "false").extract().asString();
        String second = t.asIntegrator().header("Idempotency-Key", "dep-1").body(body).post(path).then()
                .statusCode(201).header("Idempotent-Replayed", "true").extract().asString();
        assertThat(second).isEqualTo(first);
        assertThat(balance(t, a, "USDT")).isEqualByComparingTo("10");
        t.asIntegrator().header("Idempotency-Key", "dep-1").body(Map.of("asset", "USDT", "amount", "11")).post(path)
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("Idempotency-Key"));
        assertThat(balance(t, a, "USDT")).isEqualByComparingTo("10");
        // account creation too: the retry returns the same account
        String acc1 = t.asIntegrator().header("Idempotency-Key", "open-7")
                .body(Map.of("externalId", "0xSEVEN", "marginMode", "ISOLATED")).post("/api/v1/accounts").then()
                .statusCode(201).extract().path("id");
        String acc2 = t.asIntegrator().header("Idempotency-Key", "open-7")
                .body(Map.of("externalId", "0xSEVEN", "marginMode", "ISOLATED")).post("/api/v1/accounts").then()
                .statusCode(201).extract().path("id");
        assertThat(acc2).isEqualTo(acc1);
        // a failed first attempt is not stored: the retry runs again (and fails again)
        t.asIntegrator().header("Idempotency-Key", "wd-1").body(Map.of("asset", "USDT", "amount", "99"))
                .post("/api/v1/accounts/" + a + "/withdrawals").then().statusCode(409);
        t.asIntegrator().header("Idempotency-Key", "wd-1").body(Map.of("asset", "USDT", "amount", "99"))
                .post("/api/v1/accounts/" + a + "/withdrawals").then().statusCode(409);
    }

    @Test
    void concurrentFirstAttemptsWithOneIdempotencyKeyApplyOnce() throws Exception {
        Tenant t = TestTenants.onboard("idemrace");
        TestTenants.asset(t, "USDT");
        String a = TestTenants.account(t, "0xIR");
        int created = 0;
        for (HttpResponse<String> r : depositConcurrently(t, a, "same-key",
                java.util.Collections.nCopies(10, "{\"asset\":\"USDT\",\"amount\":7}"))) {
            assertThat(r.statusCode()).as(r.body()).isIn(201, 409);
            created += r.statusCode() == 201 ? 1 : 0;
        }
        assertThat(created).isPositive();
        assertThat(balance(t, a, "USDT")).isEqualByComparingTo("7");
    }

    @Test
    void positionsAreSetReadAndClosed() {
        Tenant t = TestTenants.onboard("pos");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String a = TestTenants.account(t, "0xP");
        String path = "/api/v1/accounts/" + a + "/positions";
        t.asIntegrator().body(Map.of("quantity", "-2.5", "entryPrice", "64000.5")).put(path + "/BTC-PERP").then()
                .statusCode(200).body("instrument", equalTo("BTC-PERP")).body("quantity", equalTo(-2.5f));
        t.asIntegrator().body(Map.of("quantity", "3", "entryPrice", "65000")).put(path + "/BTC-PERP").then()
                .statusCode(200);
        t.asIntegrator().get(path).then().statusCode(200).body("instrument", contains("BTC-PERP"))
                .body("quantity", contains(3.0f));
        t.asIntegrator().body(Map.of("quantity", "0", "entryPrice", "65000")).put(path + "/BTC-PERP").then()
                .statusCode(400).body("errors.field", hasItem("quantity"));
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "-1")).put(path + "/BTC-PERP").then()
                .statusCode(400).body("errors.field", hasItem("entryPrice"));
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "1")).put(path + "/ETH-PERP").then()
                .statusCode(404);
        t.asIntegrator().delete(path + "/BTC-PERP").then().statusCode(204);
        t.asIntegrator().delete(path + "/BTC-PERP").then().statusCode(404);
        t.asIntegrator().get(path).then().statusCode(200).body("size()", equalTo(0));
    }
}
