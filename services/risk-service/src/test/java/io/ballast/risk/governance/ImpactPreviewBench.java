package io.ballast.risk.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.ParameterSource;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.domain.SettingsScope;
import io.ballast.risk.governance.service.Evidence;
import io.ballast.risk.governance.service.GovernanceService;
import io.ballast.risk.governance.service.LiveParameters;
import io.ballast.risk.live.LiveSettings;
import io.ballast.risk.service.MarginService;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How long the impact preview of a proposal takes (a measurement, not a test: run on demand with
 * {@code -Dballast.bench=impact -Dtest=ImpactPreviewBench}). Per size, one tenant whose accounts (half CROSS, half
 * PORTFOLIO, each long one BTC-PERP, every third short a BTC future, every fourth short a BTC call) are inserted with
 * set-based SQL; the rows are read from PostgreSQL as the preview reads them when this instance does not own the
 * tenant, and the preview of IMF 0.10 to 0.15, MMF 0.05 to 0.08 and scan range 15 % to 20 % is computed five times.
 * Prints one line per size: the read and the preview (two bulk books and the per-account remainder), median ms.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
@EnabledIfSystemProperty(named = "ballast.bench", matches = ".*impact.*")
class ImpactPreviewBench {

    @Inject
    Pool pool;
    @Inject
    MarginService margin;
    @Inject
    GovernanceService governance;
    @Inject
    LiveSettings live;

    @Test
    void impactPreviewTimes() throws Throwable {
        for (int n : new int[] {7, 1_000, 5_000}) {
            measure(n);
        }
    }

    private void measure(int accounts) throws Throwable {
        Tenant t = TestTenants.onboard("bench-impact");
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        String perp = TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String future = TestTenants.future(t, "BTC-27MAR27", "BTC", "2027-03-27T08:00:00Z");
        String call = TestTenants.call(t, "BTC-27MAR27-60000-C", "BTC", "2027-03-27T08:00:00Z", 60000);
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", new Object[] {60000, 0.5}));
        TenantId tenant = TenantId.of(UUID.fromString(t.id()));
        UUID tid = tenant.value();
        RowSecurity.inTenant(pool, tenant, c -> c.preparedQuery("insert into account (id, tenant_id, external_id, "
                        + "margin_mode, status) select gen_random_uuid(), $1, 'bench-' || g, case when g % 2 = 0 "
                        + "then 'CROSS' else 'PORTFOLIO' end, 'ACTIVE' from generate_series(1, $2) g")
                .execute(Tuple.of(tid, accounts))
                .flatMap(x -> c.preparedQuery("insert into balance (tenant_id, account_id, asset_id, amount) "
                        + "select $1, id, $2, 15000 + (abs(hashtext(id::text)) % 20000) from account where "
                        + "tenant_id = $1").execute(Tuple.of(tid, UUID.fromString(usdt))))
                .flatMap(x -> c.preparedQuery("insert into position (tenant_id, account_id, instrument_id, "
                        + "quantity, entry_price) select $1, id, $2, 1, 60000 from account where tenant_id = $1")
                        .execute(Tuple.of(tid, UUID.fromString(perp))))
                .flatMap(x -> c.preparedQuery("insert into position (tenant_id, account_id, instrument_id, "
                        + "quantity, entry_price) select $1, id, $2, -1, 60000 from (select id, row_number() over "
                        + "(order by id) r from account where tenant_id = $1) a where r % 3 = 0")
                        .execute(Tuple.of(tid, UUID.fromString(future))))
                .flatMap(x -> c.preparedQuery("insert into position (tenant_id, account_id, instrument_id, "
                        + "quantity, entry_price) select $1, id, $2, -1, 3000 from (select id, row_number() over "
                        + "(order by id) r from account where tenant_id = $1) a where r % 4 = 0")
                        .execute(Tuple.of(tid, UUID.fromString(call))))).await().indefinitely();

        LiveParameters.InForce base = VertxContextSupport.subscribeAndAwait(() -> governance.inForce(tenant,
                UUID.fromString(btc)));
        RiskParameter p = copy(base.parameters());
        p.initialMarginFraction = new BigDecimal("0.15");
        p.maintenanceMarginFraction = new BigDecimal("0.08");
        RiskSettings s = base.settings().nextVersion(SettingsScope.ASSET, UUID.fromString(btc), 0,
                OffsetDateTime.now(ZoneOffset.UTC), ParameterSource.PROPOSAL, new Actor("bench", null, "bench"), null);
        s.scanRangeFraction = 0.2;
        long[] reads = new long[5];
        long[] previews = new long[5];
        Evidence.Impact last = null;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            MarginService.Loaded l = VertxContextSupport.subscribeAndAwait(() -> margin.load(tenant, null));
            reads[i] = (System.nanoTime() - t0) / 1_000_000;
            last = Evidence.impact(l, p, s, live);
            previews[i] = last.computeMillis();
        }
        assertThat(last.bulkAccounts()).isEqualTo(accounts);
        java.util.Arrays.sort(reads);
        java.util.Arrays.sort(previews);
        System.out.printf("impact-bench accounts=%d positions=%d read-from-postgres median %d ms (min %d, max %d); "
                        + "preview median %d ms (min %d, max %d); bulk %d, per-account %d, +IM %.0f USD%n",
                accounts, accounts + accounts / 3 + accounts / 4, reads[2], reads[0], reads[4], previews[2],
                previews[0], previews[4], last.bulkAccounts(), last.perAccountAccounts(),
                last.additionalInitialMarginUsd());
    }

    private static RiskParameter copy(RiskParameter x) {
        RiskParameter p = new RiskParameter();
        p.id = UUID.randomUUID();
        p.tenantId = x.tenantId;
        p.scope = x.scope;
        p.targetId = x.targetId;
        p.version = 0;
        p.effectiveFrom = OffsetDateTime.now(ZoneOffset.UTC);
        p.initialMarginFraction = x.initialMarginFraction;
        p.maintenanceMarginFraction = x.maintenanceMarginFraction;
        p.collateralHaircut = x.collateralHaircut;
        p.liquidationFeeFraction = x.liquidationFeeFraction;
        p.maxPositionNotional = x.maxPositionNotional;
        p.createdAt = p.effectiveFrom;
        return p;
    }
}
