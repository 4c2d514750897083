package io.ballast.margin.pricer;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.param.Scenario;
import io.ballast.margin.param.ScenarioGrid;
import io.ballast.margin.param.VolShock;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.Position;

/**
 * Values any instrument per unit, at the market and under a portfolio-margin scenario. Stateless; use
 * {@link #DEFAULT}.
 *
 * <p>Spot and perpetuals are worth the index price; a dated future is worth the forward of its expiry (the index
 * without a basis, {@code index * (1 + basis)} with one, {@link MarketSnapshot#forwardPrice}). Options are priced with
 * Black-76 on that forward. Under a scenario the index, and with it every forward, moves by the scenario's fraction
 * and the option's volatility (read from the surface at today's forward, i.e. sticky strike) is shocked
 * ({@link VolShock#apply}): the shock applies to the surface point the option is priced off.
 *
 * <p>Inverse (coin-settled) instruments ({@link Instrument#inverse()}): the P&amp;L of one USD of face value of an
 * inverse perpetual or future is {@code 1/F0 - 1/F1} coins when its price goes from {@code F0} to {@code F1}; an
 * inverse option's value is {@code black(F) / F} coins per coin of underlying. Coin amounts are valued in USD at
 * today's index {@code S0} (cross-collateral), so every figure this class returns stays in USD; the settlement-coin
 * figure is the USD figure divided by {@code S0}.
 */
public final class InstrumentPricer {

    /** The single stateless instance. */
    public static final InstrumentPricer DEFAULT = new InstrumentPricer();

    private static final Black76 BLACK = Black76.DEFAULT;

    private InstrumentPricer() {
    }

    /**
     * Mark price per unit: for spot, perpetuals and futures (linear or inverse) the quoted price in USD per unit of
     * underlying (index or forward); for an option its value in USD per unit of underlying (an inverse option's coin
     * premium times the index).
     *
     * @param instrument the instrument
     * @param market the market
     * @return USD per unit of underlying
     * @throws io.ballast.margin.MarginInputException for an unknown underlying or an expired option/future
     */
    public double markPrice(Instrument instrument, MarketSnapshot market) {
        double s = market.indexPrice(instrument.underlying());
        if (instrument instanceof EuropeanOption o) {
            double f = market.forwardPrice(o.underlying(), o.expiry());
            double usd = BLACK.price(o.type(), f, o.strikeUsd(), market.yearFraction(o.expiry()), market.annualVol(o));
            return o.inverse() ? usd / f * s : usd;
        }
        if (instrument instanceof DatedFuture f) {
            market.yearFraction(f.expiry());
            return market.forwardPrice(f.underlying(), f.expiry());
        }
        return s;
    }

    /**
     * Unrealized P&amp;L of a position in USD: {@code q * (mark - entry)} for a linear instrument or an option (an
     * inverse option's entry premium is taken in USD at trade); {@code q * S0 * (1/entry - 1/mark)} for an inverse
     * perpetual or future (its coin P&amp;L valued at today's index {@code S0}).
     *
     * @param position the position
     * @param markPriceUsd the instrument's {@link #markPrice}
     * @param market the market
     * @return USD
     */
    public double unrealizedPnlUsd(Position position, double markPriceUsd, MarketSnapshot market) {
        Instrument ins = position.instrument();
        if (ins.inverse() && ins.kind().isLinear()) {
            return position.quantity() * market.indexPrice(ins.underlying())
                    * (1.0 / position.entryPriceUsd() - 1.0 / markPriceUsd);
        }
        return position.quantity() * (markPriceUsd - position.entryPriceUsd());
    }

    /**
     * Delta-one exposure of one unit in units of underlying (coins), for contingency charges and size-dependent
     * margin fractions: 1 for linear spot, perpetuals and futures; {@code 1 / mark} for an inverse perpetual or future
     * (one USD of face value); 0 for options.
     *
     * @param instrument the instrument
     * @param markPriceUsd the instrument's {@link #markPrice}
     * @return units of underlying per unit
     */
    public double linearUnits(Instrument instrument, double markPriceUsd) {
        if (!instrument.kind().isLinear()) {
            return 0.0;
        }
        return instrument.inverse() ? 1.0 / markPriceUsd : 1.0;
    }

    /**
     * Whether an instrument's risk array is the underlying's shared delta-one array: true for linear spot and
     * perpetuals, and for linear dated futures on an underlying without a basis; false for options, inverse
     * instruments and dated futures with a basis, which have arrays of their own.
     *
     * @param instrument the instrument
     * @param market the market
     * @return whether the shared linear array applies
     */
    public boolean sharesLinearArray(Instrument instrument, MarketSnapshot market) {
        if (!instrument.kind().isLinear() || instrument.inverse()) {
            return false;
        }
        return !(instrument instanceof DatedFuture) || !market.hasBasis(instrument.underlying());
    }

    /**
     * P&amp;L of one unit in one scenario (not weighted), USD: the instrument repriced with the index (and every
     * forward) moved by the scenario's fraction and, for an option, the volatility shocked, minus its value today. This
     * is the naive full-revaluation path: everything is read from the market on every call.
     *
     * @param instrument the instrument
     * @param market the market
     * @param params the risk parameters
     * @param scenario the scenario
     * @return USD per unit
     */
    public double scenarioPnl(Instrument instrument, MarketSnapshot market, RiskParameterSet params,
            Scenario scenario) {
        MarketRiskParameters m = params.market(instrument.underlying());
        double s = market.indexPrice(instrument.underlying());
        double move = scenario.priceMoveFraction(m);
        if (instrument instanceof EuropeanOption o) {
            double t = market.yearFraction(o.expiry());
            double f = market.forwardPrice(o.underlying(), o.expiry());
            double vol = market.annualVol(o);
            double shockedVol = scenario.volShock().apply(vol, m, t * 365.0, params.minAnnualVol());
            double base = BLACK.price(o.type(), f, o.strikeUsd(), t, vol);
            double shifted = f * (1.0 + move);
            double moved = BLACK.price(o.type(), shifted, o.strikeUsd(), t, shockedVol);
            return o.inverse() ? s * (moved / shifted - base / f) : moved - base;
        }
        double mark = markPrice(instrument, market);
        return instrument.inverse() ? s * (1.0 / mark - 1.0 / (mark * (1.0 + move))) : mark * move;
    }

    /**
     * Risk array of an instrument: the weighted P&amp;L of one unit in every scenario of the grid, written to
     * {@code out[offset .. offset + grid.size())}. Reads the market once and prices the scenarios in a tight loop;
     * element i equals weight_i * {@link #scenarioPnl}.
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
            double f = market.forwardPrice(o.underlying(), o.expiry());
            double vol = market.annualVol(o);
            double base = BLACK.price(o.type(), f, o.strikeUsd(), t, vol);
            double dte = t * 365.0;
            VolShock[] shocks = VolShock.values();
            double[] shockedVols = new double[shocks.length];
            for (VolShock v : shocks) {
                shockedVols[v.ordinal()] = v.apply(vol, m, dte, params.minAnnualVol());
            }
            boolean inverse = o.inverse();
            double baseCoin = base / f;
            for (int i = 0; i < n; i++) {
                Scenario sc = grid.get(i);
                double shifted = f * (1.0 + sc.priceMoveFraction(m));
                double moved = BLACK.price(o.type(), shifted, o.strikeUsd(), t, shockedVols[sc.volShock().ordinal()]);
                double pnl = inverse ? s * (moved / shifted - baseCoin) : moved - base;
                out[offset + i] = sc.weight(m) * pnl;
            }
            return;
        }
        double mark = markPrice(instrument, market);
        if (instrument.inverse()) {
            for (int i = 0; i < n; i++) {
                Scenario sc = grid.get(i);
                out[offset + i] = sc.weight(m) * s * (1.0 / mark - 1.0 / (mark * (1.0 + sc.priceMoveFraction(m))));
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            Scenario sc = grid.get(i);
            out[offset + i] = sc.weight(m) * (mark * (1.0 + sc.priceMoveFraction(m)) - mark);
        }
    }
}
