package io.ballast.margin.market;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hipparchus.analysis.interpolation.LinearInterpolator;
import org.hipparchus.analysis.polynomials.PolynomialSplineFunction;

/**
 * Implied volatility by expiry and strike (a smile per expiry), interpolated in total implied variance
 * {@code w = vol^2 * t} ({@code t} in 365-day years):
 * <ul>
 *   <li>across strikes, linear in {@code w} against log-moneyness {@code k = ln(K / F)} ({@code F} the forward of the
 *       pillar's expiry when the surface was built), flat in {@code w} (so flat in vol) beyond the outermost strikes;
 *       the flat wings keep the large-strike slope of {@code w} at 0, inside Lee's moment bound of 2;</li>
 *   <li>across expiries, linear in {@code w} at the same log-moneyness between two pillars; before the first pillar
 *       and after the last, the pillar's vol at that moneyness is kept (w proportional to t).</li>
 * </ul>
 * Linear interpolation in total variance keeps {@code w} non-decreasing in {@code t} at fixed moneyness whenever the
 * pillars are, which is the condition for no calendar-spread arbitrage (Gatheral, The Volatility Surface, 2006,
 * ch. 3; Gatheral and Jacquier, Arbitrage-free SVI volatility surfaces, 2014, section 2); the constructor rejects
 * pillars that violate it at any quoted node. Piecewise-linear {@code w} across strikes is continuous but not smooth, so
 * butterfly (density) arbitrage between quoted strikes is not excluded; quotes from a venue's feed are assumed free of
 * it. The piecewise-linear functions are Hipparchus's {@link LinearInterpolator}.
 *
 * <p>Immutable and thread-safe. A query reads the strike's moneyness against the forward it is given (today's forward:
 * the pricer reads the vol once per option and keeps it under price scenarios, i.e. sticky strike).
 */
public final class SmileVolSurface implements VolSurface {

    /** One expiry's quotes. */
    private record Slice(Instant expiry, double years, double[] logMoneyness, double[] totalVariance,
            PolynomialSplineFunction spline) {

        double totalVariance(double k) {
            double[] x = logMoneyness;
            if (spline == null || k <= x[0]) {
                return totalVariance[0];
            }
            if (k >= x[x.length - 1]) {
                return totalVariance[x.length - 1];
            }
            return spline.value(k);
        }
    }

    /**
     * One quoted point of a smile.
     *
     * @param expiry expiry of the quote
     * @param strikeUsd strike, USD, &gt; 0
     * @param annualVol implied volatility, fraction, &gt; 0
     */
    public record Quote(Instant expiry, double strikeUsd, double annualVol) {

        /** Validates. */
        public Quote {
            Checks.present("expiry", expiry);
            Checks.positive("strikeUsd", strikeUsd);
            Checks.positive("annualVol", annualVol);
        }
    }

    private final Instant valuationTime;
    private final Slice[] slices;

    private SmileVolSurface(Instant valuationTime, Slice[] slices) {
        this.valuationTime = valuationTime;
        this.slices = slices;
    }

    /**
     * A surface from quotes.
     *
     * @param valuationTime the instant year fractions are measured from
     * @param quotes implied vols by expiry and strike (expiries after {@code valuationTime}; one quote per expiry and
     *        strike)
     * @param forwardUsdByExpiry forward of each quoted expiry, USD (the index, or the index times one plus the basis)
     * @return the surface
     * @throws MarginInputException for no quotes, an expiry not after the valuation time, a missing forward, a
     *         duplicate strike or calendar arbitrage between two expiries
     */
    public static SmileVolSurface of(Instant valuationTime, List<Quote> quotes, Map<Instant, Double> forwardUsdByExpiry) {
        Checks.present("valuationTime", valuationTime);
        Checks.present("quotes", quotes);
        Checks.present("forwardUsdByExpiry", forwardUsdByExpiry);
        if (quotes.isEmpty()) {
            throw new MarginInputException("quotes", "a smile surface needs at least one quote");
        }
        TreeMap<Instant, TreeMap<Double, Double>> byExpiry = new TreeMap<>();
        for (Quote q : quotes) {
            Checks.present("quote", q);
            if (!q.expiry().isAfter(valuationTime)) {
                throw new MarginInputException("expiry", "quote expiry " + q.expiry() + " is not after "
                        + valuationTime);
            }
            if (byExpiry.computeIfAbsent(q.expiry(), k -> new TreeMap<>()).put(q.strikeUsd(), q.annualVol()) != null) {
                throw new MarginInputException("strikeUsd", "two quotes for strike " + q.strikeUsd() + " at "
                        + q.expiry());
            }
        }
        List<Slice> list = new ArrayList<>(byExpiry.size());
        LinearInterpolator interpolator = new LinearInterpolator();
        for (Map.Entry<Instant, TreeMap<Double, Double>> e : byExpiry.entrySet()) {
            Double forward = forwardUsdByExpiry.get(e.getKey());
            if (forward == null) {
                throw new MarginInputException("forwardUsd", "no forward for quoted expiry " + e.getKey());
            }
            Checks.positive("forwardUsd", forward);
            double t = MarketSnapshot.yearFraction(valuationTime, e.getKey());
            int n = e.getValue().size();
            double[] k = new double[n];
            double[] w = new double[n];
            int j = 0;
            for (Map.Entry<Double, Double> s : e.getValue().entrySet()) {
                k[j] = Math.log(s.getKey() / forward);
                w[j] = s.getValue() * s.getValue() * t;
                j++;
            }
            list.add(new Slice(e.getKey(), t, k, w, n >= 2 ? interpolator.interpolate(k, w) : null));
        }
        for (int i = 1; i < list.size(); i++) {
            checkCalendar(list.get(i - 1), list.get(i));
        }
        return new SmileVolSurface(valuationTime, list.toArray(new Slice[0]));
    }

    private static void checkCalendar(Slice near, Slice far) {
        for (Slice nodes : new Slice[] {near, far}) {
            for (double k : nodes.logMoneyness()) {
                double wNear = near.totalVariance(k);
                double wFar = far.totalVariance(k);
                if (wFar < wNear * (1 - 1e-12)) {
                    throw new MarginInputException("annualVol", "calendar arbitrage: total variance at log-moneyness "
                            + k + " falls from " + wNear + " (" + near.expiry() + ") to " + wFar + " ("
                            + far.expiry() + ")");
                }
            }
        }
    }

    /** @return the instant year fractions are measured from */
    public Instant valuationTime() {
        return valuationTime;
    }

    /**
     * At a fixed time to expiry the total variance {@code w} is piecewise linear in {@code k} between the quoted
     * log-moneyness nodes of the slices (a weighted sum of two slices' piecewise-linear functions, or one slice's
     * scaled), and flat beyond them. On a linear piece {@code vol = sqrt(w / t)} has slope {@code w' / (2 sqrt(w t))},
     * largest in size where {@code w} is smallest, at an end of the piece: so the maximum over the pieces' ends is
     * exact (up to rounding).
     */
    @Override
    public double maxAbsVolSlope(Instant expiry) {
        double t = Math.max(MarketSnapshot.yearFractionUnchecked(valuationTime, expiry), 1e-9);
        java.util.TreeSet<Double> nodes = new java.util.TreeSet<>();
        for (Slice s : slices) {
            for (double k : s.logMoneyness()) {
                nodes.add(k);
            }
        }
        double max = 0.0;
        Double previousK = null;
        double previousW = 0.0;
        for (double k : nodes) {
            double vol = annualVol(expiry, Math.exp(k), 1.0);
            double w = vol * vol * t;
            if (previousK != null) {
                double slope = Math.abs(w - previousW) / (k - previousK);
                max = Math.max(max, slope / (2.0 * Math.sqrt(Math.min(w, previousW) * t)));
            }
            previousK = k;
            previousW = w;
        }
        return max;
    }

    @Override
    public double annualVol(Instant expiry, double strikeUsd, double forwardUsd) {
        double t = Math.max(MarketSnapshot.yearFractionUnchecked(valuationTime, expiry), 1e-9);
        double k = Math.log(strikeUsd / forwardUsd);
        Slice first = slices[0];
        Slice last = slices[slices.length - 1];
        double w;
        if (t <= first.years()) {
            w = first.totalVariance(k) * t / first.years();
        } else if (t >= last.years()) {
            w = last.totalVariance(k) * t / last.years();
        } else {
            int hi = 1;
            while (slices[hi].years() < t) {
                hi++;
            }
            Slice a = slices[hi - 1];
            Slice b = slices[hi];
            double x = (t - a.years()) / (b.years() - a.years());
            double wa = a.totalVariance(k);
            w = wa + x * (b.totalVariance(k) - wa);
        }
        return Math.sqrt(w / t);
    }
}
