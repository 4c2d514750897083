package io.ballast.margin.engine;

import static io.ballast.margin.Fixtures.IN_30_DAYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Position;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inverse (coin-margined) contracts (docs/margin.md, "Inverse contracts"). */
class InverseContractTest {

    private static final PerpetualFuture INVERSE = PerpetualFuture.inverseOf("BTC");

    private static PoolMargin pool(MarginMethod method, List<Position> positions, MarketSnapshot market) {
        return MarginEngine.DEFAULT.compute(AccountInput.cross("A", method, positions,
                List.of(CollateralBalance.of("BTC", "1"))), market, Fixtures.params()).pool("cross");
    }

    @Test
    void workedExampleInversePerpMarginInBtc() {
        // long 100,000 USD of face value (10,000 contracts of 10 USD) at 100,000, index 100,000
        List<Position> book = List.of(Position.of(INVERSE, 100_000, 100_000));
        double s = 100_000;
        PoolMargin portfolio = pool(MarginMethod.PORTFOLIO, book, Fixtures.market());
        // worst: extreme -45 %: 0.35 * 100,000 * (1/100,000 - 1/55,000) BTC = -0.286364 BTC (a linear 1 BTC: -0.1575)
        double worstBtc = 0.35 * 100_000 * (1 / 55_000.0 - 1 / 100_000.0);
        assertThat(portfolio.breakdown().underlyings().get(0).worstLossUsd() / s).isCloseTo(worstBtc, within(1e-12));
        assertThat(worstBtc).isCloseTo(0.2863636, within(1e-7));
        // contingency on 1 BTC of delta-one exposure: 0.005 BTC
        assertThat(portfolio.breakdown().contingencyUsd() / s).isCloseTo(0.005, within(1e-12));
        assertThat(portfolio.maintenanceMarginUsd() / s).isCloseTo(0.2913636, within(1e-7));
        assertThat(portfolio.initialMarginUsd() / s).isCloseTo(1.3 * 0.2913636, within(1e-6));
        // standard: size 1 BTC, IM = 2 % + 0.005 % = 0.02005 BTC, MM = 0.01005 BTC
        PoolMargin standard = pool(MarginMethod.STANDARD, book, Fixtures.market());
        assertThat(standard.initialMarginUsd() / s).isCloseTo(0.02005, within(1e-12));
        assertThat(standard.maintenanceMarginUsd() / s).isCloseTo(0.01005, within(1e-12));
        // at 110,000 the position has made 100,000 * (1/100,000 - 1/110,000) = 0.0909 BTC, valued at 110,000
        PoolMargin up = pool(MarginMethod.STANDARD, book, Fixtures.market().withPrice("BTC", 110_000));
        assertThat(up.unrealizedPnlUsd() / 110_000).isCloseTo(1 - 100_000 / 110_000.0, within(1e-12));
        assertThat(NaiveRevaluation.maintenanceUsd(book, Fixtures.market(), Fixtures.params())).isCloseTo(
                portfolio.maintenanceMarginUsd(), within(1e-6));
    }

    @Test
    void aCoinSettledOptionIsWorthTheUsdOptionInCoinsAndItsScenariosAreInCoins() {
        EuropeanOption coin = new EuropeanOption("BTC-C-INV", "BTC", IN_30_DAYS, 100_000, OptionType.CALL, true);
        EuropeanOption usd = EuropeanOption.of("BTC", IN_30_DAYS, 100_000, OptionType.CALL);
        MarketSnapshot m = Fixtures.market();
        assertThat(InstrumentPricer.DEFAULT.markPrice(coin, m)).isCloseTo(InstrumentPricer.DEFAULT.markPrice(usd, m),
                within(1e-9));
        List<Position> book = List.of(Position.of(coin, -1, 0));
        PoolMargin pm = pool(MarginMethod.PORTFOLIO, book, m);
        assertThat(pm.maintenanceMarginUsd()).isCloseTo(NaiveRevaluation.maintenanceUsd(book, m, Fixtures.params()),
                within(1e-6));
        // short call in coins: the worst is the extreme up move, where the coin payoff grows less than the USD one
        assertThat(pm.maintenanceMarginUsd()).isLessThan(pool(MarginMethod.PORTFOLIO,
                List.of(Position.of(usd, -1, 0)), m).maintenanceMarginUsd());
    }

    @Test
    void inverseInstrumentsHaveTheirOwnArrays() {
        RiskArrays arrays = RiskArrays.build(List.of(Fixtures.BTC_PERP, INVERSE), Fixtures.market(),
                Fixtures.params());
        assertThat(arrays.sharesLinearArray(0)).isTrue();
        assertThat(arrays.sharesLinearArray(1)).isFalse();
        assertThat(arrays.isInverseDeltaOne(1)).isTrue();
        assertThat(arrays.linearUnitsPerUnit(1)).isCloseTo(1e-5, within(1e-18));
    }
}
