package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The size add-on in the service (docs/margin.md "Size add-on"): a market's stored settings (slopes and threshold)
 * make the standard IM grow beyond the threshold, and the margin breakdown lists the add-on.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class SizeAddOnApiTest {

    @Inject
    Pool pool;

    /**
     * BTC 60,000, BTC-PERP IM 10 % / MM 5 %, BTC's settings slope 0.0001 per BTC beyond 2 BTC. Long 5: excess 3,
     * IMF 0.1003, IM 5 x 60,000 x 0.1003 = 30,090 of which the add-on is 5 x 60,000 x 0.0003 = 90; MMF 0.0503, MM
     * 15,090. Long 2: no add-on, IM 12,000.
     */
    @Test
    void aMarketsSizeAddOnShowsInTheBreakdown() {
        Tenant t = TestTenants.onboard("size");
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        String perp = TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.riskParameters(t, "instruments", perp, "0.1", "0.05", "0");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", 60000));
        // BTC's own settings version: the tenant's with the size slopes and a 2 BTC threshold
        RowSecurity.query(pool, TenantId.of(UUID.fromString(t.id())), "insert into risk_settings select "
                        + "(jsonb_populate_record(r, jsonb_build_object('id', gen_random_uuid(), 'scope', 'ASSET', "
                        + "'target_id', $2::uuid, 'version', 1, 'imf_slope_per_unit', 0.0001, 'mmf_slope_per_unit', "
                        + "0.0001, 'size_threshold_units', 2, 'source', 'MANUAL', 'actor', 'test'))).* from "
                        + "risk_settings r where r.tenant_id = $1 and r.scope = 'TENANT' and r.version = 1",
                        Tuple.of(UUID.fromString(t.id()), UUID.fromString(btc)))
                .await().atMost(Duration.ofSeconds(30));
        String a = TestTenants.account(t, "0xBIG");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "50000", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a + "/deposits")
                .then().statusCode(201);
        t.asIntegrator().body(Map.of("quantity", "5", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + a + "/positions/BTC-PERP").then().statusCode(200);

        JsonPath m = t.asIntegrator().get("/api/v1/accounts/" + a + "/margin?from=database").then().statusCode(200)
                .extract().jsonPath();
        assertThat(m.getDouble("initialMarginUsd")).isCloseTo(30_090, within(1e-6));
        assertThat(m.getDouble("maintenanceMarginUsd")).isCloseTo(15_090, within(1e-6));
        assertThat(m.getList("breakdown.charges.kind")).isEqualTo(List.of("SIZE_ADD_ON"));
        assertThat(m.getString("breakdown.charges[0].subject")).isEqualTo("BTC-PERP");
        assertThat(m.getDouble("breakdown.charges[0].amountUsd")).isCloseTo(90, within(1e-6));
        assertThat(m.getList("parameterVersions.findAll { it.kind == 'settings' }.target")).contains("BTC");

        t.asIntegrator().body(Map.of("quantity", "2", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + a + "/positions/BTC-PERP").then().statusCode(200);
        JsonPath small = t.asIntegrator().get("/api/v1/accounts/" + a + "/margin?from=database").then()
                .statusCode(200).extract().jsonPath();
        assertThat(small.getDouble("initialMarginUsd")).isCloseTo(12_000, within(1e-6));
        assertThat(small.getList("breakdown.charges")).isEmpty();
    }
}
