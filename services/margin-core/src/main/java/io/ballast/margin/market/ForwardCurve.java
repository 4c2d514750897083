package io.ballast.margin.market;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The basis of one underlying's dated futures: the forward of expiry {@code T} is
 * {@code F(T) = index * (1 + basisFraction(T))}, with the basis fraction stored per expiry pillar (from the tenant's
 * feed: a future's mark divided by the index, minus one). Between the valuation time (where the basis is zero, the
 * forward being the index) and the first pillar, and between two pillars, the basis fraction is linear in time; after
 * the last pillar it stays at the last pillar's value. Because the basis is a fraction of the index, a price scenario
 * moves every forward by the same relative amount as the index (the basis itself is not shocked).
 *
 * @param basisByExpiry basis fraction per expiry pillar (0.01 = the future trades 1 % above the index), each &gt; -1;
 *        at least one pillar
 */
public record ForwardCurve(NavigableMap<Instant, Double> basisByExpiry) {

    /** Validates and copies the pillars into an unmodifiable sorted map. */
    public ForwardCurve {
        Checks.present("basisByExpiry", basisByExpiry);
        if (basisByExpiry.isEmpty()) {
            throw new MarginInputException("basisByExpiry", "needs at least one pillar");
        }
        TreeMap<Instant, Double> copy = new TreeMap<>();
        for (Map.Entry<Instant, Double> e : basisByExpiry.entrySet()) {
            Checks.present("expiry", e.getKey());
            double b = Checks.finite("basisFraction", Checks.present("basisFraction", e.getValue()));
            if (!(b > -1.0)) {
                throw new MarginInputException("basisFraction", "must be greater than -1 (a positive forward), was "
                        + b + " at " + e.getKey());
            }
            copy.put(e.getKey(), b);
        }
        basisByExpiry = Collections.unmodifiableNavigableMap(copy);
    }

    /**
     * A curve from basis pillars.
     *
     * @param basisByExpiry basis fraction per expiry
     * @return the curve
     */
    public static ForwardCurve of(Map<Instant, Double> basisByExpiry) {
        return new ForwardCurve(new TreeMap<>(Checks.present("basisByExpiry", basisByExpiry)));
    }

    /**
     * Basis fraction at an expiry: the stored value at a pillar, linear in time between the valuation time (0) and
     * the first pillar and between pillars, flat after the last pillar.
     *
     * @param expiry expiry instant, after {@code valuationTime}
     * @param valuationTime valuation instant
     * @return basis fraction, &gt; -1
     */
    public double basisFraction(Instant expiry, Instant valuationTime) {
        Map.Entry<Instant, Double> hi = basisByExpiry.ceilingEntry(expiry);
        if (hi == null) {
            return basisByExpiry.lastEntry().getValue();
        }
        if (hi.getKey().equals(expiry)) {
            return hi.getValue();
        }
        Map.Entry<Instant, Double> lo = basisByExpiry.lowerEntry(expiry);
        Instant loTime = valuationTime;
        double loBasis = 0.0;
        if (lo != null && lo.getKey().isAfter(valuationTime)) {
            loTime = lo.getKey();
            loBasis = lo.getValue();
        }
        double span = seconds(loTime, hi.getKey());
        if (span <= 0) {
            return hi.getValue();
        }
        double w = Math.max(0.0, seconds(loTime, expiry)) / span;
        return loBasis + w * (hi.getValue() - loBasis);
    }

    private static double seconds(Instant from, Instant to) {
        return (double) (to.getEpochSecond() - from.getEpochSecond()) + (to.getNano() - from.getNano()) * 1e-9;
    }
}
