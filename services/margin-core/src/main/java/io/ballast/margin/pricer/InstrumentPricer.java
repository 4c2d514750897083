package io.ballast.margin.pricer;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.param.Scenario;
import io.ballast.margin.param.ScenarioGrid;
import io.ballast.margin.param.VolShock;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;

/**
 * Values any instrument per unit, at the market and under a portfolio-margin scenario. Stateless; use
 * {@link #DEFAULT}.
 *
 * <p>Spot, perpetuals and dated futures are worth the index price (zero rates, no basis). Options are priced with
 * Black-76 on the forward (= index). Under a scenario the index moves by the scenario's fraction and the option's
 * volatility (read from the surface at today's forward, i.e. sticky strike) is shocked.
 */
public final class InstrumentPricer {

    /** The single stateless instance. */
    public static final InstrumentPricer DEFAULT = new InstrumentPricer();

    private static final Black76 BLACK = Black76.DEFAULT;

    private InstrumentPricer() {
    }

    /**
     * Mark price per unit.
     *
     * @param instrument the instrument
     * @param market the market
     * @return USD per unit of underlying
     * @throws io.ballast.margin.MarginInputException for an unknown underlying or an expired option/future
     */
    public double markPrice(Instrument instrument, MarketSnapshot market) {
        double s = market.indexPrice(instrument.underlying());
        if (instrument instanceof EuropeanOption o) {
            return BLACK.price(o.type(), s, o.strikeUsd(), market.yearFraction(o.expiry()), market.annualVol(o));
        }
        if (instrument instanceof io.ballast.margin.product.DatedFuture f) {
            market.yearFraction(f.expiry());
        }
        return s;
    }

    /**
     * Value of one unit in one scenario (not weighted): the instrument repriced with the index moved by the
     * scenario's fraction and, for an option, the volatility shocked. This is the naive full-revaluation path:
     * everything is read from the market on every call.
     *
     * @param instrument the instrument
     * @param market the market
     * @param params the risk parameters
     * @param scenario the scenario
     * @return USD per unit
     */
    public double scenarioValue(Instrument instrument, MarketSnapshot market, RiskParameterSet params,
            Scenario scenario) {
        MarketRiskParameters m = params.market(instrument.underlying());
        double s = market.indexPrice(instrument.underlying());
        double shifted = s * (1.0 + scenario.priceMoveFraction(m));
        if (instrument instanceof EuropeanOption o) {
            double t = market.yearFraction(o.expiry());
            double shockedVol = scenario.volShock().apply(market.annualVol(o), m, t * 365.0, params.minAnnualVol());
            return BLACK.price(o.type(), shifted, o.strikeUsd(), t, shockedVol);
        }
        markPrice(instrument, market);
        return shifted;
    }

    /**
     * Risk array of an instrument: the weighted P&amp;L of one unit in every scenario of the grid, written to
     * {@code out[offset .. offset + grid.size())}. Reads the market once and prices the scenarios in a tight loop;
     * element i equals weight_i * ({@link #scenarioValue} - {@link #markPrice}).
     *
     * @param instrument the instrument
     * @param market the market
     * @param params the risk parameters
     * @param grid the scenario grid of {@code params}
     * @param out destination array
     * @param offset first index written
     */
    public void riskArray(Instrument instrument, MarketSnapshot market, RiskParameterSet params, ScenarioGrid grid,
            double[] out, int offset) {
        MarketRiskParameters m = params.market(instrument.underlying());
        double s = market.indexPrice(instrument.underlying());
        int n = grid.size();
        if (instrument instanceof EuropeanOption o) {
            double t = market.yearFraction(o.expiry());
            double vol = market.annualVol(o);
            double base = BLACK.price(o.type(), s, o.strikeUsd(), t, vol);
            double dte = t * 365.0;
            VolShock[] shocks = VolShock.values();
            double[] shockedVols = new double[shocks.length];
            for (VolShock v : shocks) {
                shockedVols[v.ordinal()] = v.apply(vol, m, dte, params.minAnnualVol());
            }
            for (int i = 0; i < n; i++) {
                Scenario sc = grid.get(i);
                double shifted = s * (1.0 + sc.priceMoveFraction(m));
                double shockedVol = shockedVols[sc.volShock().ordinal()];
                out[offset + i] = sc.weight(m) * (BLACK.price(o.type(), shifted, o.strikeUsd(), t, shockedVol) - base);
            }
            return;
        }
        markPrice(instrument, market);
        for (int i = 0; i < n; i++) {
            Scenario sc = grid.get(i);
            out[offset + i] = sc.weight(m) * (s * (1.0 + sc.priceMoveFraction(m)) - s);
        }
    }
}
