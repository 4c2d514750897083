package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.RandomBooks;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.measure.PositionLine;
import io.ballast.margin.measure.TenantSummary;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random books under both methods give finite numbers everywhere, and the tenant summary adds them up. */
class ResultsAreFiniteTest {

    @Test
    void randomBooksGiveFiniteResultsAndTheSummaryCountsThem() {
        SplittableRandom rnd = new SplittableRandom(99);
        List<Instrument> universe = RandomBooks.universe();
        List<MarginResult> results = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            MarginMethod method = t % 2 == 0 ? MarginMethod.STANDARD : MarginMethod.PORTFOLIO;
            String usdc = String.valueOf(rnd.nextInt(200_000));
            AccountInput account = AccountInput.cross("acct-" + t, method, RandomBooks.portfolio(rnd, universe),
                    List.of(CollateralBalance.of("USDC", usdc), CollateralBalance.of("BTC", "0.25")));
            MarginResult r = MarginEngine.DEFAULT.compute(account, Fixtures.market(), Fixtures.params());
            results.add(r);
            for (PoolMargin p : r.pools()) {
                assertThat(List.of(p.collateralValueUsd(), p.unrealizedPnlUsd(), p.equityUsd(), p.initialMarginUsd(),
                        p.maintenanceMarginUsd(), p.freeCollateralUsd())).allMatch(Double::isFinite);
                assertThat(p.marginRatio()).isNotNaN();
                assertThat(p.initialMarginUsd()).isGreaterThanOrEqualTo(p.maintenanceMarginUsd());
                assertThat(p.maintenanceMarginUsd()).isGreaterThanOrEqualTo(0);
                for (PositionLine l : p.breakdown().positions()) {
                    assertThat(List.of(l.markPriceUsd(), l.unrealizedPnlUsd(), l.initialUsd(), l.maintenanceUsd()))
                            .allMatch(Double::isFinite);
                }
                p.liquidationPrice().ifPresent(lp -> {
                    lp.belowUsd().ifPresent(x -> assertThat(x).isFinite().isPositive());
                    lp.aboveUsd().ifPresent(x -> assertThat(x).isFinite().isPositive());
                });
            }
        }
        TenantSummary summary = TenantSummary.of(results);
        assertThat(summary.accounts()).isEqualTo(60);
        assertThat(summary.healthy() + summary.marginCallAccountIds().size()
                + summary.liquidatableAccountIds().size()).isEqualTo(60);
        assertThat(summary.liquidatableAccountIds()).containsExactlyElementsOf(results.stream()
                .filter(r -> r.status() == HealthStatus.LIQUIDATABLE).map(MarginResult::accountId).toList());
        double mm = results.stream().mapToDouble(MarginResult::maintenanceMarginUsd).sum();
        assertThat(summary.totalMaintenanceMarginUsd()).isCloseTo(mm, within(1e-9 * mm));
        assertThat(summary.healthy()).isPositive();
        assertThat(summary.marginCallAccountIds().size() + summary.liquidatableAccountIds().size()).isPositive();
    }
}
