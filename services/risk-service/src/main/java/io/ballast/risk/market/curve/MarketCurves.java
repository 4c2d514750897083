package io.ballast.risk.market.curve;

import io.ballast.margin.MarginInputException;
import io.ballast.margin.market.ForwardCurve;
import io.ballast.margin.market.SmileVolSurface;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A tenant's stored curves, by underlying asset id, turned into margin-core market data. Plain Java; immutable.
 * Points whose expiry is not after the valuation time are left out (an expired pillar says nothing about the
 * future); an underlying left without points has no curve of that kind (forwards at the index, flat vol).
 */
public final class MarketCurves {

    /** No curves at all. */
    public static final MarketCurves NONE = new MarketCurves(List.of());

    private final Map<UUID, List<CurvePoint>> basis = new HashMap<>();
    private final Map<UUID, List<CurvePoint>> vols = new HashMap<>();

    /**
     * Groups stored points.
     *
     * @param points the tenant's curve points
     */
    public MarketCurves(Collection<CurvePoint> points) {
        for (CurvePoint p : points) {
            (CurvePoint.BASIS.equals(p.kind) ? basis : vols).computeIfAbsent(p.underlyingId, k -> new ArrayList<>())
                    .add(p);
        }
    }

    /**
     * The forward curve of an underlying at a valuation time.
     *
     * @param underlyingId asset id
     * @param valuationTime valuation time
     * @return the curve, or null when no basis point lies after the valuation time
     */
    public ForwardCurve forwardCurve(UUID underlyingId, Instant valuationTime) {
        Map<Instant, Double> pillars = new TreeMap<>();
        for (CurvePoint p : basis.getOrDefault(underlyingId, List.of())) {
            if (p.expiry.toInstant().isAfter(valuationTime)) {
                pillars.put(p.expiry.toInstant(), p.value.doubleValue());
            }
        }
        return pillars.isEmpty() ? null : ForwardCurve.of(pillars);
    }

    /**
     * The volatility smile surface of an underlying: strikes read against the forward of each quoted expiry (the
     * index times one plus the basis there).
     *
     * @param underlyingId asset id
     * @param valuationTime valuation time
     * @param indexPriceUsd the underlying's index price, USD
     * @param forwards the underlying's forward curve, or null
     * @return the surface, or null when no vol point lies after the valuation time
     * @throws MarginInputException when the points make calendar arbitrage at these forwards
     */
    public SmileVolSurface volSurface(UUID underlyingId, Instant valuationTime, double indexPriceUsd,
            ForwardCurve forwards) {
        List<SmileVolSurface.Quote> quotes = new ArrayList<>();
        Map<Instant, Double> forwardByExpiry = new HashMap<>();
        for (CurvePoint p : vols.getOrDefault(underlyingId, List.of())) {
            Instant expiry = p.expiry.toInstant();
            if (expiry.isAfter(valuationTime)) {
                quotes.add(new SmileVolSurface.Quote(expiry, p.strike.doubleValue(), p.value.doubleValue()));
                forwardByExpiry.computeIfAbsent(expiry, e -> indexPriceUsd
                        * (1.0 + (forwards == null ? 0.0 : forwards.basisFraction(e, valuationTime))));
            }
        }
        return quotes.isEmpty() ? null : SmileVolSurface.of(valuationTime, quotes, forwardByExpiry);
    }
}
