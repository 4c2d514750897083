package io.ballast.risk.support;

import static io.restassured.RestAssured.given;

import io.ballast.devstack.DevStack;
import io.ballast.devstack.KeycloakServer;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test helpers: real client-credentials tokens from the test Keycloak, and tenants onboarded through the API as the
 * platform admin. Tokens are cached for less than their lifetime.
 */
public final class TestTenants {

    private record CachedToken(String token, long fetchedAtNanos) {
    }

    private static final Map<String, CachedToken> TOKENS = new ConcurrentHashMap<>();
    private static final long TOKEN_REUSE_NANOS = 60_000_000_000L;

    private TestTenants() {
    }

    /**
     * An onboarded tenant.
     *
     * @param id               tenant id
     * @param slug             slug
     * @param integratorId     integrator client id
     * @param integratorSecret its secret
     * @param adminId          tenant-admin client id
     * @param adminSecret      its secret
     */
    public record Tenant(String id, String slug, String integratorId, String integratorSecret, String adminId,
            String adminSecret) {

        /** A request as this tenant's integrator. */
        public RequestSpecification asIntegrator() {
            return bearer(token(integratorId, integratorSecret));
        }

        /** A request as this tenant's admin. */
        public RequestSpecification asAdmin() {
            return bearer(token(adminId, adminSecret));
        }
    }

    /** The token endpoint of the test realm. */
    public static String tokenUrl() {
        return BallastServersResource.tokenUrl();
    }

    /** A fresh client-credentials token response (status unchecked). */
    public static Response tokenResponse(String clientId, String secret) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .post(tokenUrl());
    }

    /**
     * Sets the access-token lifespan of the tenant's integrator client (through Keycloak's admin API) and returns a
     * fresh token of that client, whose {@code expires_in} it checks.
     */
    public static String integratorTokenLiving(Tenant t, int seconds) {
        String internalId = asRealmManager().queryParam("clientId", t.integratorId())
                .get(adminUrl() + "/clients").then().statusCode(200).extract().path("[0].id");
        Map<String, Object> rep = asRealmManager().get(adminUrl() + "/clients/" + internalId)
                .then().statusCode(200).extract().as(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = (Map<String, Object>) rep.get("attributes");
        attributes.put("access.token.lifespan", Integer.toString(seconds));
        asRealmManager().body(rep).put(adminUrl() + "/clients/" + internalId).then().statusCode(204);
        return tokenResponse(t.integratorId(), t.integratorSecret()).then().statusCode(200)
                .body("expires_in", org.hamcrest.Matchers.lessThanOrEqualTo(seconds)).extract().path("access_token");
    }

    /** A client-credentials access token, reused for a minute. */
    public static String token(String clientId, String secret) {
        String cacheKey = clientId + ":" + secret;
        CachedToken cached = TOKENS.get(cacheKey);
        if (cached != null && System.nanoTime() - cached.fetchedAtNanos < TOKEN_REUSE_NANOS) {
            return cached.token;
        }
        Response r = tokenResponse(clientId, secret);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token for " + clientId + ": " + r.statusCode() + " " + r.asString());
        }
        String token = r.jsonPath().getString("access_token");
        TOKENS.put(cacheKey, new CachedToken(token, System.nanoTime()));
        return token;
    }

    /** The dev realm's public client for the password grant (never in a production realm). */
    public static final String CLI_CLIENT_ID = "ballast-cli";

    /**
     * A request as a real human user of the tenant with that role (tenant-admin, risk-committee or viewer): the user
     * is created once per tenant and role through {@code POST /api/v1/tenants/{id}/users} as the platform admin, and
     * its token comes from the password grant of the {@value #CLI_CLIENT_ID} client.
     */
    public static RequestSpecification user(Tenant tenant, String role) {
        return bearer(userToken(tenant, role));
    }

    /** A password-grant access token of the tenant's user with that role (created on first use). */
    public static String userToken(Tenant tenant, String role) {
        String username = (tenant.slug() + "-" + role).toLowerCase(java.util.Locale.ROOT);
        String password = PASSWORDS.computeIfAbsent(username, u -> {
            Response r = asPlatformAdmin().body(Map.of("username", u, "role", role))
                    .post("/api/v1/tenants/" + tenant.id() + "/users");
            if (r.statusCode() != 201) {
                throw new IllegalStateException("user " + u + ": " + r.statusCode() + " " + r.asString());
            }
            return r.jsonPath().getString("password");
        });
        return passwordToken(username, password);
    }

    /** A password-grant access token through {@value #CLI_CLIENT_ID}, reused for a minute. */
    public static String passwordToken(String username, String password) {
        String cacheKey = "user:" + username + ":" + password;
        CachedToken cached = TOKENS.get(cacheKey);
        if (cached != null && System.nanoTime() - cached.fetchedAtNanos < TOKEN_REUSE_NANOS) {
            return cached.token;
        }
        Response r = given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("client_id", CLI_CLIENT_ID).formParam("username", username)
                .formParam("password", password).post(tokenUrl());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("password grant for " + username + ": " + r.statusCode() + " "
                    + r.asString());
        }
        String token = r.jsonPath().getString("access_token");
        TOKENS.put(cacheKey, new CachedToken(token, System.nanoTime()));
        return token;
    }

    private static final Map<String, String> PASSWORDS = new ConcurrentHashMap<>();

    /** A JSON request with a bearer token. */
    public static RequestSpecification bearer(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    /** A request as the platform admin. */
    public static RequestSpecification asPlatformAdmin() {
        return bearer(token(DevStack.PLATFORM_ADMIN_CLIENT_ID, DevStack.PLATFORM_ADMIN_CLIENT_SECRET));
    }

    /**
     * A request as Keycloak's bootstrap administrator (master realm, {@code admin-cli} password grant), for tests that
     * look inside or change the realm. The risk service's own client ({@code ballast-service}) holds no admin-API
     * right any more (docs/security.md "Onboarding client").
     */
    public static RequestSpecification asRealmManager() {
        String token = given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("client_id", "admin-cli").formParam("username", KeycloakServer.ADMIN_USER)
                .formParam("password", KeycloakServer.ADMIN_PASSWORD)
                .post(BallastServersResource.servers().keycloak().serverUrl()
                        + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        return bearer(token);
    }

    /** A request with the risk service's own token ({@code ballast-service}, realm role ballast-onboarding). */
    public static RequestSpecification asOnboardingService() {
        return bearer(token(DevStack.SERVICE_CLIENT_ID, DevStack.SERVICE_CLIENT_SECRET));
    }

    /** Keycloak's admin API base URL of the test realm. */
    public static String adminUrl() {
        return BallastServersResource.servers().keycloak().serverUrl() + "/admin/realms/ballast";
    }

    /** A unique slug with this prefix. */
    public static String slug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Onboards a tenant through the API (asserting 201) and returns its credentials. */
    public static Tenant onboard(String prefix) {
        String slug = slug(prefix);
        Response r = asPlatformAdmin().body(Map.of("name", "Tenant " + slug, "slug", slug)).post("/api/v1/tenants");
        if (r.statusCode() != 201) {
            throw new IllegalStateException("onboarding " + slug + ": " + r.statusCode() + " " + r.asString());
        }
        return new Tenant(r.jsonPath().getString("tenant.id"), slug, r.jsonPath().getString("integrator.clientId"),
                r.jsonPath().getString("integrator.clientSecret"), r.jsonPath().getString("tenantAdmin.clientId"),
                r.jsonPath().getString("tenantAdmin.clientSecret"));
    }

    /** Creates an asset as the tenant admin and returns its id. */
    public static String asset(Tenant t, String symbol) {
        return t.asAdmin().body(Map.of("symbol", symbol, "decimals", 8, "priceSource", "test:" + symbol))
                .post("/api/v1/assets").then().statusCode(201).extract().path("id");
    }

    /** Creates a perpetual on {@code underlying}, settled in {@code settlement}, and returns its id. */
    public static String perpetual(Tenant t, String symbol, String underlying, String settlement) {
        return t.asAdmin().body(Map.of("symbol", symbol, "kind", "PERPETUAL", "underlying", underlying,
                        "settlement", settlement, "contractSize", 1))
                .post("/api/v1/instruments").then().statusCode(201).extract().path("id");
    }

    /** Creates a dated future on {@code underlying}, settled in USDT, contract size 1; returns its id. */
    public static String future(Tenant t, String symbol, String underlying, String expiry) {
        return t.asAdmin().body(Map.of("symbol", symbol, "kind", "FUTURE", "underlying", underlying,
                        "settlement", "USDT", "contractSize", 1, "expiry", expiry))
                .post("/api/v1/instruments").then().statusCode(201).extract().path("id");
    }

    /** Creates a European call on {@code underlying}, settled in USDT, contract size 1; returns its id. */
    public static String call(Tenant t, String symbol, String underlying, String expiry, int strike) {
        return t.asAdmin().body(Map.of("symbol", symbol, "kind", "OPTION", "underlying", underlying,
                        "settlement", "USDT", "contractSize", 1, "expiry", expiry, "strike", strike,
                        "optionType", "CALL"))
                .post("/api/v1/instruments").then().statusCode(201).extract().path("id");
    }

    /**
     * Opens an account in a margin mode as the integrator, deposits USDT and opens positions entered at 60,000.
     *
     * @param quantities contracts by instrument symbol
     * @return the account id
     */
    public static String account(Tenant t, String externalId, String mode, String usdt,
            Map<String, String> quantities) {
        String id = t.asIntegrator().body(Map.of("externalId", externalId, "marginMode", mode))
                .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", usdt, "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + id + "/deposits")
                .then().statusCode(201);
        quantities.forEach((instrument, q) -> t.asIntegrator().body(Map.of("quantity", q, "entryPrice", "60000"))
                .put("/api/v1/accounts/" + id + "/positions/" + instrument).then().statusCode(200));
        return id;
    }

    /** An account's margin as the integrator (asserting 200). */
    public static io.restassured.path.json.JsonPath margin(Tenant t, String account) {
        return t.asIntegrator().get("/api/v1/accounts/" + account + "/margin").then().statusCode(200).extract()
                .jsonPath();
    }

    /** Opens an account as the integrator and returns its id. */
    public static String account(Tenant t, String externalId) {
        return t.asIntegrator().body(Map.of("externalId", externalId, "marginMode", "CROSS"))
                .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
    }

    /**
     * A fresh external reference for a deposit or withdrawal (each needs one, or an Idempotency-Key, so that a blind
     * retry cannot book it twice).
     */
    public static String ref() {
        return "0x" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * The usual one-underlying market: USDT and underlying {@code u} (at 60,000 with vol 0.5) as assets, the
     * perpetual {@code u-PERP} settled in USDT, initial margin 10 % and maintenance 5 % throughout, a 10 % haircut
     * on {@code u} as collateral.
     */
    public static void perpetualMarket(Tenant t, String u) {
        String usdt = asset(t, "USDT");
        String underlying = asset(t, u);
        String perp = perpetual(t, u + "-PERP", u, "USDT");
        riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        riskParameters(t, "assets", underlying, "0.1", "0.05", "0.1");
        riskParameters(t, "instruments", perp, "0.1", "0.05", "0");
        prices(t, Map.of("USDT", 1, u, new Object[] {60000, 0.5}));
    }

    /** Versions risk parameters (in force since 2026-01-01) of an asset or instrument as the tenant admin. */
    public static void riskParameters(Tenant t, String kind, String id, String im, String mm, String haircut) {
        t.asAdmin().body(Map.of("effectiveFrom", "2026-01-01T00:00:00Z", "initialMarginFraction", im,
                        "maintenanceMarginFraction", mm, "collateralHaircut", haircut, "liquidationFeeFraction", "0"))
                .post("/api/v1/" + kind + "/" + id + "/risk-parameters").then().statusCode(201);
    }

    /** Records index prices (USD) and, when the value is an array {price, vol}, vols, as the integrator. */
    public static void prices(Tenant t, Map<String, Object> pricesBySymbol) {
        java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
        pricesBySymbol.forEach((symbol, v) -> rows.add(v instanceof Object[] pv
                ? Map.of("underlying", symbol, "indexPriceUsd", pv[0], "annualVol", pv[1])
                : Map.of("underlying", symbol, "indexPriceUsd", v)));
        t.asIntegrator().body(Map.of("prices", rows)).put("/api/v1/market/prices").then().statusCode(200);
    }
}
