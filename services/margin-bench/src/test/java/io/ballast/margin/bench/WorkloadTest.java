package io.ballast.margin.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.engine.NaiveRevaluation;
import io.ballast.margin.engine.PortfolioBook;
import io.ballast.margin.engine.PortfolioMarginEngine;
import org.junit.jupiter.api.Test;

/** A small copy of the benchmark workload has the promised shape and the engine agrees with full revaluation. */
class WorkloadTest {

    @Test
    void workloadHasTheIssueShapeAndTheEngineMatchesNaiveRevaluation() {
        check(new Workload(1_000, 10, 5L));
    }

    @Test
    void withBasisAndSmilesTheFuturesHaveOwnArraysAndTheEngineStillMatchesNaiveRevaluation() {
        Workload w = new Workload(1_000, 10, 5L, true);
        // per underlying the 3 dated futures have their own arrays; the perpetual shares the linear one
        assertThat(w.arrays.sharesLinearArray(0)).isTrue();
        assertThat(w.arrays.sharesLinearArray(1)).isFalse();
        assertThat(w.market.annualVol((io.ballast.margin.product.EuropeanOption) w.arrays.instrument(4)))
                .isGreaterThan(0.55);
        check(w);
    }

    private static void check(Workload w) {
        PortfolioBook book = w.book;
        assertThat(w.positions).isEqualTo(10_000);
        assertThat(w.arrays.underlyings()).hasSize(5);
        assertThat(w.arrays.instrumentCount()).isEqualTo(5 * 404);
        assertThat(w.arrays.scenarioCount()).isGreaterThanOrEqualTo(31);
        long options = 0;
        for (int u = 0; u < book.underlyingCount(); u++) {
            for (int i : book.instr(u)) {
                if (!w.arrays.isLinear(i)) {
                    options++;
                }
            }
        }
        assertThat(options).isEqualTo(3_000);

        PortfolioMarginEngine engine = w.engine(true);
        engine.recomputeAll(w.market);
        engine.onTick(w.tickedMarket, "BTC");
        double[] naive = new double[book.accountCount()];
        NaiveRevaluation.maintenanceUsd(book, w.arrays, w.tickedMarket, w.params, naive);
        for (int a = 0; a < book.accountCount(); a++) {
            assertThat(engine.maintenanceUsd(a)).isPositive()
                    .isCloseTo(naive[a], within(1e-9 * Math.max(1, naive[a])));
        }
    }
}
