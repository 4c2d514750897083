package io.ballast.margin.engine;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.Scenario;
import io.ballast.margin.param.ScenarioGrid;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;

/**
 * Per unit of an instrument, bounds of |d/dS| at any index S of its underlying, for the market's valuation time,
 * smile and forward factors and the given parameters (Black-76 with zero rates, as
 * {@link io.ballast.margin.pricer.InstrumentPricer}). They are Lipschitz constants, valid for any move, not only a
 * small one. The bulk book's screen ({@link BulkMarginBook}) and the liquidation-price search ({@link PoolSurplus})
 * use them to skip valuations that cannot change an answer.
 * <ul>
 *   <li>mark: a linear instrument's is g = mark / S (1, or F / S with a basis); an option's value V(F, vol(k))
 *       with F = g S and k = ln(K / F) has dV/dF = N(+-d1) - F phi(d1) sqrt(T) vol'(k) / F, so
 *       |dV/dS| &lt;= g (1 + sqrt(T) kappa / sqrt(2 pi)), kappa the surface's bound of |vol'(k)|;</li>
 *   <li>a portfolio scenario's P&amp;L per unit, weight x (V(F (1 + x), c vol) - V(F, vol)): at most
 *       |weight| (g |1 + x| (1 + |c| sqrt(T) kappa / sqrt(2 pi)) + mark bound) (|c| bounds the vol shock's
 *       factor, the floor only flattens it); a linear one's |weight| g |x|; the worst-loss of a sum is Lipschitz
 *       with the largest such sum; plus the contingency per unit, fraction x S;</li>
 *   <li>a standard short option's line per unit: IM max((base - OTM / S) S, floor S) + mark has slope at most
 *       max(base + 1, floor) + mark bound (OTM moves one for one); MM frac S + mark, or for a put
 *       max(frac S, frac mark) + mark, at most frac max(1, mark bound) + mark bound;</li>
 *   <li>a standard linear line, size S fraction(size) with the size in units of underlying: size |fraction|.</li>
 * </ul>
 * An inverse instrument's bounds are +infinity (its standard size and its P&amp;L in USD depend on its mark).
 */
final class SlopeBounds {

    private static final double SQRT_2PI = Math.sqrt(2.0 * Math.PI);

    private SlopeBounds() {
    }

    /**
     * @param ins     the instrument
     * @param market  the market
     * @param markUsd its mark price in that market
     * @param s0      its underlying's index price in that market
     * @return the bound of |d mark / dS| per unit
     */
    static double mark(Instrument ins, MarketSnapshot market, double markUsd, double s0) {
        if (ins.inverse()) {
            return Double.POSITIVE_INFINITY;
        }
        if (ins instanceof EuropeanOption o) {
            return market.forwardPrice(o.underlying(), o.expiry()) / s0 * (1.0 + vega(o, market));
        }
        return markUsd / s0;
    }

    /**
     * @param ins       the instrument
     * @param market    the market
     * @param markUsd   its mark price in that market
     * @param s0        its underlying's index price in that market
     * @param grid      the portfolio scenarios
     * @param pm        its underlying's parameters
     * @return the bound of |d (worst scenario loss + contingency) / dS| per unit held in a portfolio pool
     */
    static double portfolio(Instrument ins, MarketSnapshot market, double markUsd, double s0, ScenarioGrid grid,
            MarketRiskParameters pm) {
        if (ins.inverse()) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0.0;
        if (ins instanceof EuropeanOption o) {
            double g = market.forwardPrice(o.underlying(), o.expiry()) / s0;
            double vega = vega(o, market);
            double lm = g * (1.0 + vega);
            double scale = pm.volShockScale(market.yearFraction(o.expiry()) * 365.0);
            for (int j = 0; j < grid.size(); j++) {
                Scenario sc = grid.get(j);
                double c = switch (sc.volShock()) {
                    case NONE -> 1.0;
                    case UP -> Math.abs(1.0 + pm.volShockUpFraction() * scale);
                    case DOWN -> Math.abs(1.0 - pm.volShockDownFraction() * scale);
                };
                double x = sc.priceMoveFraction(pm);
                worst = Math.max(worst, Math.abs(sc.weight(pm)) * (g * Math.abs(1.0 + x) * (1.0 + c * vega) + lm));
            }
            return worst + Math.abs(pm.shortOptionContingencyFraction());
        }
        double g = markUsd / s0;
        for (int j = 0; j < grid.size(); j++) {
            Scenario sc = grid.get(j);
            worst = Math.max(worst, Math.abs(sc.weight(pm)) * g * Math.abs(sc.priceMoveFraction(pm)));
        }
        return worst + Math.abs(pm.linearContingencyFraction());
    }

    /**
     * @param m         the parameters of the position's line
     * @param markBound the option's {@link #mark} bound
     * @return the bound of |d line / dS| per unit of a short option's standard line (IM or MM)
     */
    static double shortOption(MarketRiskParameters m, double markBound) {
        if (Double.isInfinite(markBound)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(Math.max(Math.abs(m.shortOptionImBase()) + 1.0, Math.abs(m.shortOptionImFloor())),
                Math.abs(m.shortOptionMmFraction()) * Math.max(1.0, markBound)) + markBound;
    }

    /**
     * @param sizeUnits the position's size in units of underlying (|quantity| for a linear, non-inverse instrument)
     * @param m         the parameters of the position's line
     * @return the bound of |d line / dS| of a standard linear line (IM or MM)
     */
    static double linearLine(double sizeUnits, MarketRiskParameters m) {
        return sizeUnits * Math.max(Math.abs(m.imf(sizeUnits)), Math.abs(m.mmf(sizeUnits)));
    }

    /** sqrt(T) kappa / sqrt(2 pi): the smile's part of an option's mark bound, relative to g. */
    private static double vega(EuropeanOption o, MarketSnapshot market) {
        return Math.sqrt(market.yearFraction(o.expiry()))
                * market.volSurface(o.underlying()).maxAbsVolSlope(o.expiry()) / SQRT_2PI;
    }
}
