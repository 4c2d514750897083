package io.ballast.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seeds the two demo tenants of {@code ./ballast run} through the public REST API of the risk service,
 * exactly as an operator and an integrator would (no database shortcuts).
 *
 * <p>Owned by the risk-service work: it follows the API as that evolves. Re-runnable: a tenant that already exists
 * gets fresh client secrets and its users fresh passwords (the API shows secrets only once), every write carries an
 * {@code Idempotency-Key} or is an upsert (daily history), so a second run answers with the rows of the first instead
 * of duplicating them. Each tenant also gets a tenant-admin and two risk-committee users (Keycloak users with the
 * tenant's {@code tenant_id}, password grant through {@value #CLI_CLIENT_ID}), the last {@value #HISTORY_DAYS} days
 * of real BTC and ETH daily bars (deploy/demo-data) and one recommendation run.
 */
public final class DemoSeeder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String JSON_TYPE = "application/json";
    private static final List<String> SLUGS = List.of("demo-alpha", "demo-beta");
    private static final int ACCOUNTS_PER_TENANT = 4;
    /** The dev realm's public client that allows the password grant for the demo users. */
    public static final String CLI_CLIENT_ID = "ballast-cli";
    /** Days of daily history loaded per asset (the most recent ones of deploy/demo-data). */
    static final int HISTORY_DAYS = 1100;
    /** How long the seeder waits for the first recommendation run before leaving it to finish on its own. */
    private static final Duration RUN_WAIT = Duration.ofMinutes(10);
    /** Demo users per tenant: name suffix and role. */
    private static final List<String[]> USERS = List.of(new String[] {"admin", "tenant-admin"},
            new String[] {"committee-1", "risk-committee"}, new String[] {"committee-2", "risk-committee"});
    /** Leverage of the crash-exposed demo accounts (USDT collateral = 45,000 USD notional / leverage). */
    private static final int[] CRASH_LEVERAGE = {3, 5, 8};

    private DemoSeeder() {
    }

    /**
     * Onboards two demo tenants and gives each accounts, collateral, positions and synthetic demo prices and vols:
     * four mixed accounts, then three crash-exposed ones (long 0.5 BTC-PERP on 3x, 5x and 8x leverage).
     *
     * @param apiUrl              base URL of the risk service, e.g. {@code http://localhost:8080}
     * @param tokenUrl            Keycloak token endpoint of the {@code ballast} realm
     * @param platformAdminClient client id holding the {@code platform-admin} role
     * @param platformAdminSecret its secret
     * @return the content of {@code .ballast/demo-credentials.json} as a JSON-ready tree:
     *     {@code {"apiUrl", "tokenUrl", "cliClientId", "tenants": [{"tenantId", "slug", "clientId", "clientSecret",
     *     "accountIds", "users": [{"username", "password", "roles"}], "recommendationRun": {"id", "status"}}],
     *     "platformAdmin": {"clientId", "clientSecret"}}}
     */
    public static Map<String, Object> seed(String apiUrl, String tokenUrl, String platformAdminClient,
            String platformAdminSecret) throws Exception {
        Api api = new Api(apiUrl, tokenUrl);
        String platform = api.token(platformAdminClient, platformAdminSecret);
        JsonNode existing = api.call(platform, "GET", "/api/v1/tenants", null, null, 200);
        List<Map<String, Object>> tenants = new ArrayList<>();
        for (String slug : SLUGS) {
            tenants.add(seedTenant(api, platform, slug, existing));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiUrl", apiUrl);
        out.put("tokenUrl", tokenUrl);
        out.put("cliClientId", CLI_CLIENT_ID);
        out.put("tenants", tenants);
        out.put("platformAdmin", Map.of("clientId", platformAdminClient, "clientSecret", platformAdminSecret));
        return out;
    }

    private static Map<String, Object> seedTenant(Api api, String platform, String slug, JsonNode existing)
            throws IOException, InterruptedException {
        String tenantId = null;
        for (JsonNode t : existing) {
            if (slug.equals(t.path("slug").asText())) {
                tenantId = t.path("id").asText();
            }
        }
        JsonNode credentials = tenantId == null
                ? api.call(platform, "POST", "/api/v1/tenants", null,
                        Map.of("name", "Demo " + slug.substring(5), "slug", slug), 201)
                : api.call(platform, "POST", "/api/v1/tenants/" + tenantId + "/credentials", null, null, 200);
        tenantId = credentials.path("tenant").path("id").asText();
        String integratorId = credentials.path("integrator").path("clientId").asText();
        String integratorSecret = credentials.path("integrator").path("clientSecret").asText();
        String admin = api.token(credentials.path("tenantAdmin").path("clientId").asText(),
                credentials.path("tenantAdmin").path("clientSecret").asText());
        String integrator = api.token(integratorId, integratorSecret);

        // reference data, as the tenant admin
        Map<String, String> assetIds = new LinkedHashMap<>();
        for (Object[] a : new Object[][] {{"USDT", 6, "chainlink:USDT/USD"}, {"BTC", 8, "pyth:BTC/USD"},
            {"ETH", 18, "pyth:ETH/USD"}}) {
            JsonNode asset = api.call(admin, "POST", "/api/v1/assets", "demo-asset-" + a[0],
                    Map.of("symbol", a[0], "decimals", a[1], "priceSource", a[2]), 201);
            assetIds.put((String) a[0], asset.path("id").asText());
        }
        String expiry = quarterlyExpiry();
        String tag = LocalDate.parse(expiry.substring(0, 10)).format(DateTimeFormatter.ofPattern("ddMMMyy",
                Locale.ROOT)).toUpperCase(Locale.ROOT);
        List<Map<String, Object>> instruments = new ArrayList<>();
        instruments.add(instrument("BTC-PERP", "PERPETUAL", "BTC", 1, null, null, null));
        instruments.add(instrument("ETH-PERP", "PERPETUAL", "ETH", 1, null, null, null));
        instruments.add(instrument("BTC-" + tag, "FUTURE", "BTC", "0.1", expiry, null, null));
        instruments.add(instrument("BTC-" + tag + "-80000-C", "OPTION", "BTC", 1, expiry, 80000, "CALL"));
        instruments.add(instrument("BTC-" + tag + "-80000-P", "OPTION", "BTC", 1, expiry, 80000, "PUT"));
        instruments.add(instrument("BTC-" + tag + "-100000-C", "OPTION", "BTC", 1, expiry, 100000, "CALL"));
        Map<String, String> instrumentIds = new LinkedHashMap<>();
        for (Map<String, Object> i : instruments) {
            JsonNode created = api.call(admin, "POST", "/api/v1/instruments", "demo-instrument-" + i.get("symbol"),
                    i, 201);
            instrumentIds.put((String) i.get("symbol"), created.path("id").asText());
        }

        // risk parameters: one version per asset, in force from the start of the year; perps and futures use their
        // underlying's (so that the daily recommendation and the committee's proposals move them), options have
        // their own wider fractions (an instrument's own parameters win over its underlying's)
        String from = LocalDate.now(ZoneOffset.UTC).withDayOfYear(1) + "T00:00:00Z";
        for (var e : assetIds.entrySet()) {
            String haircut = "USDT".equals(e.getKey()) ? "0.01" : "0.10";
            api.call(admin, "POST", "/api/v1/assets/" + e.getValue() + "/risk-parameters",
                    "demo-params-asset-" + e.getKey(), parameters(from, "0.10", "0.05", haircut), 201);
        }
        for (var e : instrumentIds.entrySet()) {
            if (e.getKey().endsWith("-C") || e.getKey().endsWith("-P")) {
                api.call(admin, "POST", "/api/v1/instruments/" + e.getValue() + "/risk-parameters",
                        "demo-params-instrument-" + e.getKey(), parameters(from, "0.15", "0.10", "0"), 201);
            }
        }

        // market data for margin: SYNTHETIC round numbers (not market quotes), so that the margin endpoints of the
        // demo accounts answer right after ./ballast run; a PUT of the same values again writes nothing
        api.call(admin, "PUT", "/api/v1/market/prices", null, Map.of("prices", List.of(
                Map.of("underlying", "USDT", "indexPriceUsd", 1),
                Map.of("underlying", "BTC", "indexPriceUsd", 90000, "annualVol", "0.55"),
                Map.of("underlying", "ETH", "indexPriceUsd", 3000, "annualVol", "0.70"))), 200);
        // USDT has no platform feed: its price is the tenant's own mark of 1, which must not count as stale after the
        // default 300 s (a stale oracle holds every liquidation alert of the accounts it prices), so its oracle
        // accepts a mark for the longest staleness limit (7 days) within a tight band around the peg
        api.call(admin, "PUT", "/api/v1/market/oracles/USDT", null, Map.of("sources", List.of("feed"),
                "stalenessSeconds", 604_800, "maxDeviationFraction", "0.02", "maxJumpFraction", "0.05",
                "minPriceUsd", "0.9", "maxPriceUsd", "1.1"), 200);

        // accounts with collateral and positions, as the integrator
        List<String> accountIds = new ArrayList<>();
        String[] modes = {"CROSS", "ISOLATED", "PORTFOLIO", "CROSS"};
        for (int n = 0; n < ACCOUNTS_PER_TENANT; n++) {
            String external = String.format("0x%s%04d", slug.substring(5), n + 1);
            JsonNode account = api.call(integrator, "POST", "/api/v1/accounts", "demo-account-" + external,
                    Map.of("externalId", external, "marginMode", modes[n]), 201);
            String id = account.path("id").asText();
            accountIds.add(id);
            String base = "/api/v1/accounts/" + id;
            api.call(integrator, "POST", base + "/deposits", "demo-deposit-usdt-" + external,
                    Map.of("asset", "USDT", "amount", 25_000 * (n + 1), "reference", "demo seed"), 201);
            api.call(integrator, "POST", base + "/deposits", "demo-deposit-btc-" + external,
                    Map.of("asset", "BTC", "amount", "0.5", "reference", "demo seed"), 201);
            api.call(integrator, "PUT", base + "/positions/BTC-PERP", "demo-pos-btc-" + external,
                    Map.of("quantity", n % 2 == 0 ? "0.75" : "-0.4", "entryPrice", "91500"), 200);
            api.call(integrator, "PUT", base + "/positions/ETH-PERP", "demo-pos-eth-" + external,
                    Map.of("quantity", n % 2 == 0 ? "-5" : "8", "entryPrice", "3050"), 200);
            if ("ISOLATED".equals(modes[n])) {
                // an isolated position is margined with the collateral allocated to it (issue 12)
                for (String perp : List.of("BTC-PERP", "ETH-PERP")) {
                    api.call(integrator, "POST", base + "/isolated-pools/" + perp + "/transfers-in",
                            "demo-alloc-" + perp + "-" + external, Map.of("asset", "USDT", "amount", 12_000,
                                    "reference", "demo seed"), 201);
                }
            }
            if (n == 2) {
                api.call(integrator, "PUT", base + "/positions/BTC-" + tag + "-80000-P", "demo-pos-put-" + external,
                        Map.of("quantity", "2", "entryPrice", "4100"), 200);
                api.call(integrator, "PUT", base + "/positions/BTC-" + tag + "-100000-C", "demo-pos-call-" + external,
                        Map.of("quantity", "-1", "entryPrice", "2300"), 200);
            }
        }
        // human users: a tenant admin and two risk-committee members (a rerun gives them fresh passwords)
        List<Map<String, Object>> users = new ArrayList<>();
        for (String[] u : USERS) {
            String username = slug + "-" + u[0];
            HttpResponse<String> created = api.send(platform, "POST", "/api/v1/tenants/" + tenantId + "/users", null,
                    Map.of("username", username, "role", u[1]), JSON_TYPE);
            JsonNode credentialsOfUser = created.statusCode() == 409
                    ? api.call(platform, "POST", "/api/v1/tenants/" + tenantId + "/users/" + username + "/password",
                            null, null, 200)
                    : api.expect(created, "POST", "/api/v1/tenants/" + tenantId + "/users", 201);
            users.add(Map.of("username", username, "password", credentialsOfUser.path("password").asText(),
                    "roles", List.of(u[1])));
        }

        // real daily history (deploy/demo-data, see its PROVENANCE.md) and the first recommendation run
        for (String symbol : List.of("BTC", "ETH")) {
            api.expect(api.send(integrator, "PUT", "/api/v1/market/history/" + symbol, null, history(symbol),
                    "text/csv"), "PUT", "/api/v1/market/history/" + symbol, 200);
        }
        Map<String, Object> run = recommendationRun(api, admin);

        // crash-exposed accounts: long 0.5 BTC-PERP (45,000 USD at the seeded price) on 3x, 5x and 8x leverage in
        // USDT, so that a replayed crash (README demo, ./ballast replay) walks them through margin call and
        // liquidatable at different depths of the fall, and a bounce brings the least levered one back
        for (int leverage : CRASH_LEVERAGE) {
            String external = String.format("0x%s-lev%d", slug.substring(5), leverage);
            JsonNode account = api.call(integrator, "POST", "/api/v1/accounts", "demo-account-" + external,
                    Map.of("externalId", external, "marginMode", "CROSS"), 201);
            String id = account.path("id").asText();
            accountIds.add(id);
            String base = "/api/v1/accounts/" + id;
            api.call(integrator, "POST", base + "/deposits", "demo-deposit-usdt-" + external,
                    Map.of("asset", "USDT", "amount", 45_000 / leverage, "reference", "demo seed"), 201);
            api.call(integrator, "PUT", base + "/positions/BTC-PERP", "demo-pos-btc-" + external,
                    Map.of("quantity", "0.5", "entryPrice", "90000"), 200);
        }
        Map<String, Object> tenant = new LinkedHashMap<>();
        tenant.put("tenantId", tenantId);
        tenant.put("slug", slug);
        tenant.put("clientId", integratorId);
        tenant.put("clientSecret", integratorSecret);
        tenant.put("accountIds", accountIds);
        tenant.put("users", users);
        tenant.put("recommendationRun", run);
        return tenant;
    }

    /** The last {@link #HISTORY_DAYS} rows of deploy/demo-data/{symbol}_1d.csv, as CSV with its header. */
    static String history(String symbol) throws IOException {
        return history(symbol, HISTORY_DAYS);
    }

    /**
     * The last rows of deploy/demo-data/{symbol}_1d.csv (real Binance spot daily bars, see its PROVENANCE.md), as
     * the CSV body of {@code PUT /api/v1/market/history/{symbol}} with its header; also used by the console tests.
     *
     * @param symbol BTC or ETH
     * @param days   how many of the most recent days (all there are when fewer)
     * @return the CSV text
     * @throws IOException when the file cannot be read
     */
    public static String history(String symbol, int days) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(ProjectRoot.locate().resolve("deploy/demo-data")
                .resolve(symbol + "_1d.csv"));
        List<String> rows = lines.subList(Math.max(1, lines.size() - days), lines.size());
        return lines.get(0) + "\n" + String.join("\n", rows) + "\n";
    }

    /**
     * Starts a recommendation run as the tenant admin and waits for it (training the first champions takes a while).
     * A run already in flight or the hourly allowance used (429, a rerun) is reported, not fatal.
     */
    private static Map<String, Object> recommendationRun(Api api, String admin) throws IOException,
            InterruptedException {
        String path = "/api/v1/risk/recommendations/runs";
        HttpResponse<String> started = api.send(admin, "POST", path, null, null, JSON_TYPE);
        if (started.statusCode() == 429) {
            return Map.of("status", "NOT STARTED: " + JSON.readTree(started.body()).path("detail").asText());
        }
        String id = api.expect(started, "POST", path, 202).path("id").asText();
        long deadline = System.nanoTime() + RUN_WAIT.toNanos();
        String status = "PENDING";
        while (System.nanoTime() < deadline) {
            status = api.call(admin, "GET", path + "/" + id, null, null, 200).path("status").asText();
            if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                break;
            }
            Thread.sleep(1000);
        }
        return Map.of("id", id, "status", status);
    }

    /**
     * The body of {@code POST /api/v1/instruments} (also used by the load tool).
     *
     * @param symbol       instrument symbol
     * @param kind         PERPETUAL, FUTURE or OPTION
     * @param underlying   underlying asset symbol
     * @param contractSize units of underlying per contract
     * @param expiry       ISO instant, or null for a perpetual
     * @param strike       USD strike, or null unless an option
     * @param optionType   CALL or PUT, or null unless an option
     * @return the request body, settled in USDT
     */
    public static Map<String, Object> instrument(String symbol, String kind, String underlying, Object contractSize,
            String expiry, Object strike, String optionType) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("symbol", symbol);
        i.put("kind", kind);
        i.put("underlying", underlying);
        i.put("settlement", "USDT");
        i.put("contractSize", contractSize);
        if (expiry != null) {
            i.put("expiry", expiry);
        }
        if (strike != null) {
            i.put("strike", strike);
            i.put("optionType", optionType);
        }
        return i;
    }

    /**
     * The body of a risk-parameter version (also used by the load tool).
     *
     * @param from    effective-from instant
     * @param im      initial margin fraction
     * @param mm      maintenance margin fraction
     * @param haircut collateral haircut fraction
     * @return the request body, liquidation fee 0.5%
     */
    public static Map<String, Object> parameters(String from, String im, String mm, String haircut) {
        return Map.of("effectiveFrom", from, "initialMarginFraction", im, "maintenanceMarginFraction", mm,
                "collateralHaircut", haircut, "liquidationFeeFraction", "0.005");
    }

    /**
     * The last Friday, 08:00 UTC, of the month three months from now (a typical quarterly expiry).
     *
     * @return an ISO instant
     */
    public static String quarterlyExpiry() {
        LocalDate month = LocalDate.now(ZoneOffset.UTC).plusMonths(3);
        LocalDate lastFriday = month.with(TemporalAdjusters.lastInMonth(DayOfWeek.FRIDAY));
        return lastFriday + "T08:00:00Z";
    }

    /** A minimal JSON-over-HTTP client of the risk service and the token endpoint. */
    private static final class Api {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        private final String apiUrl;
        private final String tokenUrl;

        Api(String apiUrl, String tokenUrl) {
            this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
            this.tokenUrl = tokenUrl;
        }

        String token(String clientId, String secret) throws IOException, InterruptedException {
            String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId,
                    StandardCharsets.UTF_8) + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token for " + clientId + " refused: " + r.statusCode() + " "
                        + r.body());
            }
            return JSON.readTree(r.body()).path("access_token").asText();
        }

        JsonNode call(String token, String method, String path, String idempotencyKey, Object body, int expected)
                throws IOException, InterruptedException {
            return expect(send(token, method, path, idempotencyKey, body, JSON_TYPE), method, path, expected);
        }

        /** Sends a request; a String body is sent as is with {@code contentType}, anything else as JSON. */
        HttpResponse<String> send(String token, String method, String path, String idempotencyKey, Object body,
                String contentType) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json");
            if (idempotencyKey != null) {
                b.header("Idempotency-Key", idempotencyKey);
            }
            if (body != null) {
                String text = body instanceof String str ? str : JSON.writeValueAsString(body);
                b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(text));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode expect(HttpResponse<String> r, String method, String path, int expected) throws IOException {
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " (expected "
                        + expected + "): " + r.body());
            }
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        }
    }
}
