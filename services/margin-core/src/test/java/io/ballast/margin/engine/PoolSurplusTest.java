package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.RandomBooks;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The liquidation-price search's surplus, which prices only the moving underlying, against the pool's full margin at
 * the moved market: books on both underlyings with options, inverse contracts, a futures basis and a smile, and
 * collateral in stablecoin, BTC and ETH (the moving underlying's collateral moves with it).
 */
class PoolSurplusTest {

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.6})
    void theSurplusAtATrialPriceIsTheFullMarginsEquityMinusMaintenance(double correlation) {
        RiskParameterSet base = Fixtures.params();
        RiskParameterSet params = RiskParameterSet.of(11, 1.3, correlation, 0.01,
                Map.of("BTC", MarketRiskParameters.defaults().toBuilder().imf(0.05, 0.0002).mmf(0.03, 0.0001).build(),
                        "ETH", MarketRiskParameters.defaults()),
                Map.of("USDC", base.collateral("USDC"), "BTC", base.collateral("BTC"), "ETH", base.collateral("ETH")));
        List<Instrument> universe = new ArrayList<>(RandomBooks.universe());
        universe.addAll(Fixtures.inverseInstruments());
        MarketSnapshot market = Fixtures.marketWithBasisAndSmile();
        SplittableRandom rnd = new SplittableRandom(41);
        int compared = 0;
        for (int a = 0; a < 120; a++) {
            List<Position> positions = new ArrayList<>();
            for (Position p : RandomBooks.portfolio(rnd, universe)) {
                Instrument ins = p.instrument();
                double s = market.indexPrice(ins.underlying());
                positions.add(ins.inverse() && ins.kind().isLinear()
                        ? Position.of(ins, p.quantity() * s, s * (0.8 + 0.4 * rnd.nextDouble()))
                        : Position.of(ins, p.quantity(), rnd.nextDouble() * 100));
            }
            // the same instrument twice: P&L per position, requirement on the netted quantity
            positions.add(Position.of(positions.get(0).instrument(), positions.get(0).quantity() / 3, 99));
            List<CollateralBalance> collateral = new ArrayList<>();
            collateral.add(CollateralBalance.of("USDC", BigDecimal.valueOf(rnd.nextInt(400_000))));
            collateral.add(CollateralBalance.of("BTC", BigDecimal.valueOf(rnd.nextInt(4))));
            collateral.add(CollateralBalance.of("ETH", BigDecimal.valueOf(rnd.nextInt(40))));
            MarginMethod method = a % 2 == 0 ? MarginMethod.PORTFOLIO : MarginMethod.STANDARD;
            AccountInput account = AccountInput.cross("a" + a, method, positions, collateral);
            NettedPositions net = NettedPositions.of(positions, market);
            for (String u : List.of("BTC", "ETH")) {
                if (positions.stream().noneMatch(p -> p.instrument().underlying().equals(u))) {
                    continue;
                }
                PoolSurplus surplus = new PoolSurplus(account.pools().get(0), method, net, market, params, u);
                double s0 = market.indexPrice(u);
                for (double f : new double[] {1.3, 0.5, 0.97, 1.01, 2.2, 0.12}) {
                    PoolMargin full = MarginEngine.DEFAULT.computeRequirements(account, market.withPrice(u, s0 * f),
                            params).pools().get(0);
                    double expected = full.equityUsd() - full.maintenanceMarginUsd();
                    double tolerance = 1e-9 * Math.max(1, Math.abs(full.equityUsd()) + full.maintenanceMarginUsd());
                    assertThat(surplus.at(s0 * f)).as("account %d, %s x %s", a, u, f).isCloseTo(expected,
                            within(tolerance));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(1_000);
    }
}
