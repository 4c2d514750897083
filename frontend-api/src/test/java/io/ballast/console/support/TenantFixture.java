package io.ballast.console.support;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant onboarded through the risk service's API as the platform admin, with one BTC perpetual and three CROSS
 * accounts long 1 BTC-PERP at 60,000 (IM 10 %, MM 5 % = 6,000 and 3,000 USD): {@code 0xOK} with 10,000 USDT
 * (healthy), {@code 0xCALL} with 5,000 (margin call), {@code 0xLIQ} with 2,000 (liquidatable). External ids carry a
 * per-tenant suffix so that pages of different tenants can be told apart.
 *
 * @param id               tenant id
 * @param slug             tenant slug
 * @param adminId          tenant-admin client id
 * @param adminSecret      its secret
 * @param accountIdsByName account ids by external id
 */
public record TenantFixture(String id, String slug, String adminId, String adminSecret,
        Map<String, String> accountIdsByName) {

    /**
     * Onboards and seeds a tenant.
     *
     * @param servers the running servers
     * @param prefix  slug prefix
     * @return the tenant
     */
    public static TenantFixture create(ConsoleServers servers, String prefix) {
        String slug = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Response onboarded = servers.asPlatformAdmin().body(Map.of("name", "Tenant " + slug, "slug", slug))
                .post("/api/v1/tenants");
        if (onboarded.statusCode() != 201) {
            throw new IllegalStateException("onboarding " + slug + ": " + onboarded.asString());
        }
        String tenantId = onboarded.jsonPath().getString("tenant.id");
        String adminId = onboarded.jsonPath().getString("tenantAdmin.clientId");
        String adminSecret = onboarded.jsonPath().getString("tenantAdmin.clientSecret");
        RequestSpecification admin = servers.api(servers.clientToken(adminId, adminSecret));
        String usdt = admin.body(Map.of("symbol", "USDT", "decimals", 6, "priceSource", "test:USDT"))
                .post("/api/v1/assets").then().statusCode(201).extract().path("id");
        String btc = servers.api(servers.clientToken(adminId, adminSecret))
                .body(Map.of("symbol", "BTC", "decimals", 8, "priceSource", "test:BTC"))
                .post("/api/v1/assets").then().statusCode(201).extract().path("id");
        String perp = servers.api(servers.clientToken(adminId, adminSecret))
                .body(Map.of("symbol", "BTC-PERP", "kind", "PERPETUAL", "underlying", "BTC", "settlement", "USDT",
                        "contractSize", 1))
                .post("/api/v1/instruments").then().statusCode(201).extract().path("id");
        parameters(servers, adminId, adminSecret, "instruments", perp, "0.10", "0.05");
        parameters(servers, adminId, adminSecret, "assets", usdt, "0.10", "0.05");
        parameters(servers, adminId, adminSecret, "assets", btc, "0.10", "0.05");
        servers.api(servers.clientToken(adminId, adminSecret))
                .body(Map.of("prices", List.of(Map.of("underlying", "BTC", "indexPriceUsd", 60000, "annualVol", 0.5),
                        Map.of("underlying", "USDT", "indexPriceUsd", 1))))
                .put("/api/v1/market/prices").then().statusCode(200);
        Map<String, String> accounts = new LinkedHashMap<>();
        String suffix = slug.substring(slug.length() - 4);
        for (Map.Entry<String, Integer> account : Map.of("0xOK", 10_000, "0xCALL", 5_000, "0xLIQ", 2_000)
                .entrySet()) {
            String externalId = account.getKey() + "-" + suffix;
            String accountId = servers.api(servers.clientToken(adminId, adminSecret))
                    .body(Map.of("externalId", externalId, "marginMode", "CROSS"))
                    .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
            servers.api(servers.clientToken(adminId, adminSecret))
                    .body(Map.of("asset", "USDT", "amount", account.getValue(), "externalRef",
                            "fixture-" + accountId))
                    .post("/api/v1/accounts/" + accountId + "/deposits").then().statusCode(201);
            servers.api(servers.clientToken(adminId, adminSecret))
                    .body(Map.of("quantity", "1", "entryPrice", "60000"))
                    .put("/api/v1/accounts/" + accountId + "/positions/BTC-PERP").then()
                    .statusCode(org.hamcrest.Matchers.lessThan(300));
            accounts.put(externalId, accountId);
        }
        return new TenantFixture(tenantId, slug, adminId, adminSecret, Map.copyOf(accounts));
    }

    private static void parameters(ConsoleServers servers, String adminId, String adminSecret, String kind,
            String id, String im, String mm) {
        servers.api(servers.clientToken(adminId, adminSecret))
                .body(Map.of("effectiveFrom", "2026-01-01T00:00:00Z", "initialMarginFraction", im,
                        "maintenanceMarginFraction", mm, "collateralHaircut", "0", "liquidationFeeFraction", "0"))
                .post("/api/v1/" + kind + "/" + id + "/risk-parameters").then().statusCode(201);
    }

    /** @return the id of this tenant's account whose external id starts with {@code prefix} */
    public String account(String prefix) {
        return accountIdsByName.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).findFirst()
                .orElseThrow().getValue();
    }

    /** @return the external id of this tenant's account that starts with {@code prefix} */
    public String externalId(String prefix) {
        return accountIdsByName.keySet().stream().filter(k -> k.startsWith(prefix)).findFirst().orElseThrow();
    }
}
