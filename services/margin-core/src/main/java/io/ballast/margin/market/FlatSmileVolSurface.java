package io.ballast.margin.market;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Implied volatility that depends on expiry only (flat smile). Between two expiry pillars the volatility is linear in
 * time; before the first and after the last pillar it is flat.
 *
 * @param annualVolByExpiry annual volatility (fraction, &gt; 0) per expiry pillar; at least one pillar
 */
public record FlatSmileVolSurface(NavigableMap<Instant, Double> annualVolByExpiry) implements VolSurface {

    /** Validates and copies the pillars into an unmodifiable sorted map. */
    public FlatSmileVolSurface {
        Checks.present("annualVolByExpiry", annualVolByExpiry);
        if (annualVolByExpiry.isEmpty()) {
            throw new MarginInputException("annualVolByExpiry", "needs at least one pillar");
        }
        TreeMap<Instant, Double> copy = new TreeMap<>();
        for (Map.Entry<Instant, Double> e : annualVolByExpiry.entrySet()) {
            Checks.present("expiry", e.getKey());
            copy.put(e.getKey(), Checks.positive("annualVol", Checks.present("annualVol", e.getValue())));
        }
        annualVolByExpiry = java.util.Collections.unmodifiableNavigableMap(copy);
    }

    /**
     * One volatility for every expiry and strike.
     *
     * @param annualVol annual volatility, fraction, &gt; 0
     * @return the surface
     */
    public static FlatSmileVolSurface flat(double annualVol) {
        return new FlatSmileVolSurface(new TreeMap<>(Map.of(Instant.EPOCH, annualVol)));
    }

    /**
     * A term structure of volatilities by expiry.
     *
     * @param annualVolByExpiry volatility per expiry pillar
     * @return the surface
     */
    public static FlatSmileVolSurface of(Map<Instant, Double> annualVolByExpiry) {
        return new FlatSmileVolSurface(new TreeMap<>(Checks.present("annualVolByExpiry", annualVolByExpiry)));
    }

    /** A flat smile: the vol does not depend on the strike or the forward. @return 0 */
    @Override
    public double maxAbsVolSlope(Instant expiry) {
        return 0.0;
    }

    @Override
    public double annualVol(Instant expiry, double strikeUsd, double forwardUsd) {
        Map.Entry<Instant, Double> lo = annualVolByExpiry.floorEntry(expiry);
        Map.Entry<Instant, Double> hi = annualVolByExpiry.ceilingEntry(expiry);
        if (lo == null) {
            return hi.getValue();
        }
        if (hi == null || lo.getKey().equals(hi.getKey())) {
            return lo.getValue();
        }
        double w = (double) (expiry.getEpochSecond() - lo.getKey().getEpochSecond())
                / (hi.getKey().getEpochSecond() - lo.getKey().getEpochSecond());
        return lo.getValue() + w * (hi.getValue() - lo.getValue());
    }

    /**
     * The same surface with every volatility multiplied by a factor.
     *
     * @param factor multiplier, &gt; 0
     * @return a shifted copy
     */
    public FlatSmileVolSurface scaled(double factor) {
        Checks.positive("factor", factor);
        TreeMap<Instant, Double> copy = new TreeMap<>();
        annualVolByExpiry.forEach((k, v) -> copy.put(k, v * factor));
        return new FlatSmileVolSurface(copy);
    }
}
