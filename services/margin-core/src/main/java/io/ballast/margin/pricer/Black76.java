package io.ballast.margin.pricer;

import io.ballast.margin.product.OptionType;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Black-76 formula for a European option on a forward, with zero interest rates (no discounting).
 *
 * <p>Stateless; use {@link #DEFAULT}. All prices are per one unit of underlying, in USD. Inputs are not validated
 * here (this is the inner loop of the risk-array build); callers validate through the product and market types.
 *
 * <ul>
 *   <li>call = F N(d1) - K N(d2), put = K N(-d2) - F N(-d1),</li>
 *   <li>d1 = (ln(F/K) + sigma^2 T / 2) / (sigma sqrt(T)), d2 = d1 - sigma sqrt(T),</li>
 *   <li>F forward price (USD), K strike (USD), sigma annual volatility (fraction), T year fraction (365-day years).</li>
 * </ul>
 * At T = 0 (an expired option not yet settled) the price is the intrinsic value max(F - K, 0) or max(K - F, 0), delta
 * the payoff's slope (1 or 0 for a call, -1 or 0 for a put, half of it at the money) and gamma, vega and theta 0.
 */
public final class Black76 {

    /** The single stateless instance. */
    public static final Black76 DEFAULT = new Black76();

    /** The standard normal (Apache Commons Statistics: Boost-derived erfc, 3x faster than Hipparchus' series-based one in the liquidation-price search; immutable, so shared by every thread). */
    static final NormalDistribution N = NormalDistribution.of(0.0, 1.0);

    private Black76() {
    }

    /**
     * Option price per unit of underlying.
     *
     * @param type call or put
     * @param forwardUsd forward price F, USD, &gt; 0
     * @param strikeUsd strike K, USD, &gt; 0
     * @param yearFraction time to expiry T, years, &gt;= 0 (0: expired, intrinsic value)
     * @param annualVol volatility sigma, annualised fraction, &gt; 0
     * @return price in USD per unit of underlying
     */
    public double price(OptionType type, double forwardUsd, double strikeUsd, double yearFraction, double annualVol) {
        double sd = annualVol * Math.sqrt(yearFraction);
        if (!(sd > 0)) {
            return type == OptionType.CALL ? Math.max(forwardUsd - strikeUsd, 0.0)
                    : Math.max(strikeUsd - forwardUsd, 0.0);
        }
        double d1 = (Math.log(forwardUsd / strikeUsd) + 0.5 * sd * sd) / sd;
        double d2 = d1 - sd;
        if (type == OptionType.CALL) {
            return forwardUsd * N.cumulativeProbability(d1) - strikeUsd * N.cumulativeProbability(d2);
        }
        return strikeUsd * N.cumulativeProbability(-d2) - forwardUsd * N.cumulativeProbability(-d1);
    }

    /**
     * Delta: derivative of the price with respect to the forward (dimensionless, per unit of underlying).
     *
     * @param type call or put
     * @param forwardUsd forward price, USD
     * @param strikeUsd strike, USD
     * @param yearFraction time to expiry, years
     * @param annualVol annual volatility, fraction
     * @return N(d1) for a call, N(d1) - 1 for a put
     */
    public double delta(OptionType type, double forwardUsd, double strikeUsd, double yearFraction, double annualVol) {
        if (!(annualVol * Math.sqrt(yearFraction) > 0)) {
            double callDelta = forwardUsd > strikeUsd ? 1.0 : forwardUsd < strikeUsd ? 0.0 : 0.5;
            return type == OptionType.CALL ? callDelta : callDelta - 1.0;
        }
        double d1 = d1(forwardUsd, strikeUsd, yearFraction, annualVol);
        double nd1 = N.cumulativeProbability(d1);
        return type == OptionType.CALL ? nd1 : nd1 - 1.0;
    }

    /**
     * Gamma: second derivative of the price with respect to the forward, per USD.
     *
     * @param forwardUsd forward price, USD
     * @param strikeUsd strike, USD
     * @param yearFraction time to expiry, years
     * @param annualVol annual volatility, fraction
     * @return n(d1) / (F sigma sqrt(T)), the same for calls and puts
     */
    public double gamma(double forwardUsd, double strikeUsd, double yearFraction, double annualVol) {
        double sd = annualVol * Math.sqrt(yearFraction);
        if (!(sd > 0)) {
            return 0.0;
        }
        return N.density(d1(forwardUsd, strikeUsd, yearFraction, annualVol)) / (forwardUsd * sd);
    }

    /**
     * Vega: derivative of the price with respect to the annual volatility, USD per 1.00 (100 vol points) of volatility.
     * Divide by 100 for USD per vol point.
     *
     * @param forwardUsd forward price, USD
     * @param strikeUsd strike, USD
     * @param yearFraction time to expiry, years
     * @param annualVol annual volatility, fraction
     * @return F n(d1) sqrt(T), the same for calls and puts
     */
    public double vega(double forwardUsd, double strikeUsd, double yearFraction, double annualVol) {
        if (!(annualVol * Math.sqrt(yearFraction) > 0)) {
            return 0.0;
        }
        return forwardUsd * N.density(d1(forwardUsd, strikeUsd, yearFraction, annualVol))
                * Math.sqrt(yearFraction);
    }

    /**
     * Theta: change of the price as calendar time passes (minus the derivative with respect to time to expiry), USD
     * per year. Divide by 365 for USD per day. With zero rates it is the same for calls and puts.
     *
     * @param forwardUsd forward price, USD
     * @param strikeUsd strike, USD
     * @param yearFraction time to expiry, years
     * @param annualVol annual volatility, fraction
     * @return -F n(d1) sigma / (2 sqrt(T))
     */
    public double theta(double forwardUsd, double strikeUsd, double yearFraction, double annualVol) {
        if (!(annualVol * Math.sqrt(yearFraction) > 0)) {
            return 0.0;
        }
        return -forwardUsd * N.density(d1(forwardUsd, strikeUsd, yearFraction, annualVol)) * annualVol
                / (2.0 * Math.sqrt(yearFraction));
    }

    private static double d1(double forwardUsd, double strikeUsd, double yearFraction, double annualVol) {
        double sd = annualVol * Math.sqrt(yearFraction);
        return (Math.log(forwardUsd / strikeUsd) + 0.5 * sd * sd) / sd;
    }
}
