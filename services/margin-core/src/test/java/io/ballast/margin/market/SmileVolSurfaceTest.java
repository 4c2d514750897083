package io.ballast.margin.market;

import static io.ballast.margin.Fixtures.IN_30_DAYS;
import static io.ballast.margin.Fixtures.IN_90_DAYS;
import static io.ballast.margin.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.engine.NaiveRevaluation;
import io.ballast.margin.measure.UnderlyingRisk;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.Scenario;
import io.ballast.margin.param.ScenarioGrid;
import io.ballast.margin.pricer.Black76;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Volatility smiles (docs/margin.md, "Volatility smiles"). */
class SmileVolSurfaceTest {

    private static final double T30 = 30 / 365.0;
    private static final double T90 = 90 / 365.0;

    /** A BTC skew: 80 % at the 80,000 strike, 60 % at the money, 55 % at 120,000 (30 days); 75/62/58 % at 90 days. */
    static SmileVolSurface skew() {
        return SmileVolSurface.of(NOW, List.of(
                new SmileVolSurface.Quote(IN_30_DAYS, 80_000, 0.80),
                new SmileVolSurface.Quote(IN_30_DAYS, 100_000, 0.60),
                new SmileVolSurface.Quote(IN_30_DAYS, 120_000, 0.55),
                new SmileVolSurface.Quote(IN_90_DAYS, 80_000, 0.75),
                new SmileVolSurface.Quote(IN_90_DAYS, 100_000, 0.62),
                new SmileVolSurface.Quote(IN_90_DAYS, 120_000, 0.58)),
                Map.of(IN_30_DAYS, 100_000.0, IN_90_DAYS, 100_000.0));
    }

    /**
     * The bound of |d vol / d k| the bulk book's screen relies on holds at every log-moneyness and is attained (the
     * steepest piece's low end), at a pillar, between pillars and beyond them.
     */
    @Test
    void theVolSlopeBoundHoldsAndIsTight() {
        SmileVolSurface s = skew();
        for (Instant expiry : List.of(IN_30_DAYS, NOW.plus(Duration.ofDays(55)), IN_90_DAYS,
                NOW.plus(Duration.ofDays(200)), NOW.plus(Duration.ofDays(5)))) {
            double bound = s.maxAbsVolSlope(expiry);
            double steepest = 0;
            double h = 1e-5;
            for (double k = -0.6; k <= 0.6; k += 0.001) {
                double d = Math.abs(s.annualVol(expiry, Math.exp(k + h), 1) - s.annualVol(expiry, Math.exp(k), 1)) / h;
                steepest = Math.max(steepest, d);
            }
            assertThat(steepest).as("at %s", expiry).isLessThanOrEqualTo(bound * (1 + 1e-6));
            assertThat(steepest).as("at %s", expiry).isGreaterThan(bound * 0.99);
        }
        assertThat(FlatSmileVolSurface.flat(0.6).maxAbsVolSlope(IN_30_DAYS)).isZero();
    }

    @Test
    void quotedPointsComeBackExactly() {
        assertThat(skew().annualVol(IN_30_DAYS, 80_000, 100_000)).isCloseTo(0.80, within(1e-12));
        assertThat(skew().annualVol(IN_90_DAYS, 120_000, 100_000)).isCloseTo(0.58, within(1e-12));
    }

    @Test
    void betweenStrikesTotalVarianceIsLinearInLogMoneyness() {
        double x = (Math.log(0.9) - Math.log(0.8)) / (0 - Math.log(0.8));
        double w = 0.64 * T30 + x * (0.36 * T30 - 0.64 * T30);
        assertThat(skew().annualVol(IN_30_DAYS, 90_000, 100_000)).isCloseTo(Math.sqrt(w / T30), within(1e-12));
    }

    @Test
    void beyondTheOutermostStrikesTheVolIsFlat() {
        assertThat(skew().annualVol(IN_30_DAYS, 50_000, 100_000)).isCloseTo(0.80, within(1e-12));
        assertThat(skew().annualVol(IN_30_DAYS, 250_000, 100_000)).isCloseTo(0.55, within(1e-12));
    }

    @Test
    void betweenExpiriesTotalVarianceIsLinearInTimeAndOutsideTheVolIsKept() {
        Instant in60 = NOW.plus(Duration.ofDays(60));
        double t60 = 60 / 365.0;
        double w = 0.36 * T30 + 0.5 * (0.62 * 0.62 * T90 - 0.36 * T30);
        assertThat(skew().annualVol(in60, 100_000, 100_000)).isCloseTo(Math.sqrt(w / t60), within(1e-12));
        assertThat(skew().annualVol(NOW.plus(Duration.ofDays(7)), 100_000, 100_000)).isCloseTo(0.60, within(1e-12));
        assertThat(skew().annualVol(NOW.plus(Duration.ofDays(300)), 80_000, 100_000)).isCloseTo(0.75,
                within(1e-12));
    }

    @Test
    void calendarArbitrageIsRefused() {
        // 30 % at 90 days is less total variance (0.0222) than 60 % at 30 days (0.0296)
        assertThatThrownBy(() -> SmileVolSurface.of(NOW, List.of(
                new SmileVolSurface.Quote(IN_30_DAYS, 100_000, 0.60),
                new SmileVolSurface.Quote(IN_90_DAYS, 100_000, 0.30)),
                Map.of(IN_30_DAYS, 100_000.0, IN_90_DAYS, 100_000.0)))
                .isInstanceOf(MarginInputException.class).hasMessageContaining("calendar arbitrage");
    }

    @Test
    void aSingleQuoteIsAFlatSmileForItsExpiry() {
        SmileVolSurface one = SmileVolSurface.of(NOW, List.of(new SmileVolSurface.Quote(IN_30_DAYS, 100_000, 0.5)),
                Map.of(IN_30_DAYS, 100_000.0));
        assertThat(one.annualVol(IN_90_DAYS, 70_000, 100_000)).isCloseTo(0.5, within(1e-12));
    }

    /** Worst weighted loss of one unit short, recomputed by hand from Black-76 and the vol shocks. */
    private static double shortPutLoss(double vol) {
        MarketRiskParameters m = Fixtures.params().market("BTC");
        Black76 black = Black76.DEFAULT;
        double base = black.price(OptionType.PUT, 100_000, 80_000, T30, vol);
        double worst = 0;
        for (Scenario sc : ScenarioGrid.of(Fixtures.params()).scenarios()) {
            double v = sc.volShock().apply(vol, m, 30, 0.01);
            double pnl = -(black.price(OptionType.PUT, 100_000 * (1 + sc.priceMoveFraction(m)), 80_000, T30, v)
                    - base);
            worst = Math.max(worst, -sc.weight(m) * pnl);
        }
        return worst;
    }

    @Test
    void workedExampleASmileMovesAnOptionsScenarioLoss() {
        EuropeanOption put = EuropeanOption.of("BTC", IN_30_DAYS, 80_000, OptionType.PUT);
        List<Position> book = List.of(Position.of(put, -1, 0));
        MarketSnapshot flat = Fixtures.market();
        MarketSnapshot smile = flat.withVolSurface("BTC", skew());
        UnderlyingRisk flatRisk = risk(book, flat);
        UnderlyingRisk smileRisk = risk(book, smile);
        // flat: the 80,000 put is priced at 60 %; on the skew at 80 %, and the vol-up shock applies to 80 %
        assertThat(flat.annualVol(put)).isEqualTo(0.60);
        assertThat(smile.annualVol(put)).isCloseTo(0.80, within(1e-12));
        assertThat(flatRisk.worstLossUsd()).isCloseTo(shortPutLoss(0.60), within(1e-6));
        assertThat(smileRisk.worstLossUsd()).isCloseTo(shortPutLoss(0.80), within(1e-6));
        assertThat(Math.abs(smileRisk.worstLossUsd() - flatRisk.worstLossUsd())).isGreaterThan(100);
        assertThat(NaiveRevaluation.maintenanceUsd(book, smile, Fixtures.params())).isCloseTo(
                MarginEngine.DEFAULT.compute(AccountInput.cross("A", MarginMethod.PORTFOLIO, book, List.of()), smile,
                        Fixtures.params()).maintenanceMarginUsd(), within(1e-6));
        System.out.printf("smile example: flat %.2f (%s), smile %.2f (%s)%n", flatRisk.worstLossUsd(),
                flatRisk.worstScenario(), smileRisk.worstLossUsd(), smileRisk.worstScenario());
    }

    private static UnderlyingRisk risk(List<Position> book, MarketSnapshot market) {
        return MarginEngine.DEFAULT.compute(AccountInput.cross("A", MarginMethod.PORTFOLIO, book, List.of()), market,
                Fixtures.params()).pool("cross").breakdown().underlyings().get(0);
    }
}
