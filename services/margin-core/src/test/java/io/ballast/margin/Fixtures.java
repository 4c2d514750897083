package io.ballast.margin;

import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.ForwardCurve;
import io.ballast.margin.market.SmileVolSurface;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Spot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shared test market: BTC 100,000 at 60 % vol, ETH 4,000 at 80 % vol, USDC 1, on 2026-01-01. */
public final class Fixtures {

    public static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    public static final Instant IN_30_DAYS = NOW.plus(Duration.ofDays(30));
    public static final Instant IN_90_DAYS = NOW.plus(Duration.ofDays(90));
    public static final PerpetualFuture BTC_PERP = PerpetualFuture.of("BTC");
    public static final PerpetualFuture ETH_PERP = PerpetualFuture.of("ETH");
    public static final Spot BTC_SPOT = Spot.of("BTC");

    private Fixtures() {
    }

    /**
     * {@link #market()} with a BTC futures basis (2 % at 90 days) and an ETH smile at 30 days (forward 4,000).
     *
     * @return the market
     */
    public static MarketSnapshot marketWithBasisAndSmile() {
        return market().withForwardCurve("BTC", ForwardCurve.of(Map.of(IN_90_DAYS, 0.02)))
                .withVolSurface("ETH", SmileVolSurface.of(NOW, List.of(
                        new SmileVolSurface.Quote(IN_30_DAYS, 3_000, 1.0),
                        new SmileVolSurface.Quote(IN_30_DAYS, 4_000, 0.8),
                        new SmileVolSurface.Quote(IN_30_DAYS, 5_000, 0.75)),
                        Map.of(IN_30_DAYS, 4_000.0)));
    }

    /**
     * Inverse contracts to add to a universe: a BTC inverse perpetual, a 45-day ETH inverse future and a 30-day
     * coin-settled BTC call.
     *
     * @return the instruments
     */
    public static List<Instrument> inverseInstruments() {
        return List.of(PerpetualFuture.inverseOf("BTC"),
                new DatedFuture("ETH-45D-INV", "ETH", NOW.plus(Duration.ofDays(45)), true),
                new EuropeanOption("BTC-30D-C-INV", "BTC", IN_30_DAYS, 105_000, OptionType.CALL, true));
    }

    public static MarketSnapshot market() {
        return MarketSnapshot.of(NOW, Map.of("BTC", 100_000.0, "ETH", 4_000.0, "USDC", 1.0),
                Map.of("BTC", FlatSmileVolSurface.flat(0.60), "ETH", FlatSmileVolSurface.flat(0.80)));
    }

    /** Default market parameters for BTC and ETH; USDC no haircut; BTC 5 % + 0.1 % per BTC; ETH 8 % + 0.002 % per ETH. */
    public static RiskParameterSet params() {
        return RiskParameterSet.of(11, 1.3, 1.0, 0.01,
                Map.of("BTC", MarketRiskParameters.defaults(), "ETH", MarketRiskParameters.defaults()),
                Map.of("USDC", CollateralParameters.of(0.0, 0.0), "BTC", CollateralParameters.of(0.05, 0.001),
                        "ETH", CollateralParameters.of(0.08, 0.00002)));
    }

    public static EuropeanOption btcCall(double strike, Instant expiry) {
        return EuropeanOption.of("BTC", expiry, strike, OptionType.CALL);
    }

    public static EuropeanOption btcPut(double strike, Instant expiry) {
        return EuropeanOption.of("BTC", expiry, strike, OptionType.PUT);
    }
}
