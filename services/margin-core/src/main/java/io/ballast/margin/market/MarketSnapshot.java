package io.ballast.margin.market;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.product.EuropeanOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable view of the market at one instant: the index price of each underlying (and of each collateral asset),
 * the implied volatility surface of each underlying that has options, and the forward curve (basis per expiry) of each
 * underlying whose dated futures trade away from the index.
 *
 * <p>Rates are zero. An underlying without a forward curve has every forward equal to its index price (its dated
 * futures trade at the index); one with a curve has {@code F(T) = index * (1 + basisFraction(T))} for its dated
 * futures and options ({@link ForwardCurve}). Perpetuals and spot are always at the index (funding is outside the
 * engine).
 *
 * @param valuationTime the instant the snapshot describes
 * @param indexPriceUsd index price per symbol (underlyings and collateral assets, e.g. {@code USDC -> 1.0}), USD, &gt; 0
 * @param volSurfaces implied volatility per underlying
 * @param forwardCurves basis per expiry of the underlyings that have one (may be empty)
 */
public record MarketSnapshot(Instant valuationTime, Map<String, Double> indexPriceUsd,
        Map<String, VolSurface> volSurfaces, Map<String, ForwardCurve> forwardCurves) {

    /** Seconds in a 365-day year: the year-fraction convention of the engine. */
    public static final double SECONDS_PER_YEAR = 365.0 * 86_400.0;

    /** Validates and copies the maps. */
    public MarketSnapshot {
        Checks.present("valuationTime", valuationTime);
        Checks.present("indexPriceUsd", indexPriceUsd);
        Checks.present("volSurfaces", volSurfaces);
        Checks.present("forwardCurves", forwardCurves);
        for (Map.Entry<String, Double> e : indexPriceUsd.entrySet()) {
            Checks.text("underlying", e.getKey());
            Checks.positive("indexPriceUsd[" + e.getKey() + "]", Checks.present("indexPriceUsd", e.getValue()));
        }
        for (Map.Entry<String, VolSurface> e : volSurfaces.entrySet()) {
            Checks.text("underlying", e.getKey());
            Checks.present("volSurfaces[" + e.getKey() + "]", e.getValue());
        }
        for (Map.Entry<String, ForwardCurve> e : forwardCurves.entrySet()) {
            Checks.text("underlying", e.getKey());
            Checks.present("forwardCurves[" + e.getKey() + "]", e.getValue());
        }
        indexPriceUsd = Map.copyOf(indexPriceUsd);
        volSurfaces = Map.copyOf(volSurfaces);
        forwardCurves = Map.copyOf(forwardCurves);
    }

    /**
     * A snapshot without forward curves (every forward at the index).
     *
     * @param valuationTime valuation instant
     * @param indexPriceUsd prices
     * @param volSurfaces vol surfaces
     */
    public MarketSnapshot(Instant valuationTime, Map<String, Double> indexPriceUsd,
            Map<String, VolSurface> volSurfaces) {
        this(valuationTime, indexPriceUsd, volSurfaces, Map.of());
    }

    /**
     * Creates a snapshot.
     *
     * @param valuationTime valuation instant
     * @param indexPriceUsd prices
     * @param volSurfaces vol surfaces
     * @return the snapshot
     */
    public static MarketSnapshot of(Instant valuationTime, Map<String, Double> indexPriceUsd,
            Map<String, VolSurface> volSurfaces) {
        return new MarketSnapshot(valuationTime, indexPriceUsd, volSurfaces);
    }

    /**
     * Creates a snapshot with forward curves.
     *
     * @param valuationTime valuation instant
     * @param indexPriceUsd prices
     * @param volSurfaces vol surfaces
     * @param forwardCurves basis per expiry, per underlying
     * @return the snapshot
     */
    public static MarketSnapshot of(Instant valuationTime, Map<String, Double> indexPriceUsd,
            Map<String, VolSurface> volSurfaces, Map<String, ForwardCurve> forwardCurves) {
        return new MarketSnapshot(valuationTime, indexPriceUsd, volSurfaces, forwardCurves);
    }

    /**
     * Whether an underlying's dated instruments have their own forwards (a forward curve is stored for it).
     *
     * @param underlying underlying symbol
     * @return true when a basis curve exists
     */
    public boolean hasBasis(String underlying) {
        return forwardCurves.containsKey(underlying);
    }

    /**
     * Basis fraction of an underlying at an expiry: 0 without a forward curve.
     *
     * @param underlying underlying symbol
     * @param expiry expiry instant
     * @return {@code F / index - 1}, &gt; -1
     */
    public double basisFraction(String underlying, Instant expiry) {
        ForwardCurve c = forwardCurves.get(underlying);
        return c == null ? 0.0 : c.basisFraction(expiry, valuationTime);
    }

    /**
     * Forward price of an underlying for an expiry: {@code index * (1 + basisFraction)}.
     *
     * @param underlying underlying symbol
     * @param expiry expiry instant
     * @return USD per unit of underlying
     * @throws MarginInputException naming {@code underlying} if the snapshot has no price for it
     */
    public double forwardPrice(String underlying, Instant expiry) {
        return indexPrice(underlying) * (1.0 + basisFraction(underlying, expiry));
    }

    /**
     * Index price of a symbol.
     *
     * @param symbol underlying or collateral asset
     * @return price in USD
     * @throws MarginInputException naming {@code underlying} if the snapshot has no price for it
     */
    public double indexPrice(String symbol) {
        Double p = indexPriceUsd.get(symbol);
        if (p == null) {
            throw new MarginInputException("underlying", "no index price for unknown underlying " + symbol);
        }
        return p;
    }

    /**
     * Volatility surface of an underlying.
     *
     * @param underlying underlying symbol
     * @return the surface
     * @throws MarginInputException naming {@code underlying} if there is none
     */
    public VolSurface volSurface(String underlying) {
        VolSurface s = volSurfaces.get(underlying);
        if (s == null) {
            throw new MarginInputException("underlying", "no volatility surface for underlying " + underlying);
        }
        return s;
    }

    /**
     * Implied volatility for an option at the current forward of its expiry.
     *
     * @param option the option
     * @return annual volatility, fraction
     * @throws MarginInputException if the surface gives a non-positive or non-finite volatility
     */
    public double annualVol(EuropeanOption option) {
        double vol = volSurface(option.underlying()).annualVol(option.expiry(), option.strikeUsd(),
                forwardPrice(option.underlying(), option.expiry()));
        if (!(Double.isFinite(vol) && vol > 0)) {
            throw new MarginInputException("annualVol", "vol surface of " + option.underlying() + " gave " + vol
                    + " for " + option.id());
        }
        return vol;
    }

    /**
     * Time from the valuation time to an expiry in 365-day years; 0 for an instrument that has expired (expiry at or
     * before the valuation time) but is still held because it has not been settled yet: such an option is worth its
     * intrinsic value at the index ({@link io.ballast.margin.pricer.Black76}), such a future the index, so that margin
     * never fails because an instrument has expired.
     *
     * @param expiry expiry instant
     * @return year fraction, &gt;= 0
     */
    public double yearFraction(Instant expiry) {
        if (!expiry.isAfter(valuationTime)) {
            return 0.0;
        }
        return yearFractionUnchecked(valuationTime, expiry);
    }

    /**
     * Time between two instants in 365-day years.
     *
     * @param from start
     * @param to end, after {@code from}
     * @return year fraction, &gt; 0
     * @throws MarginInputException naming {@code expiry} if {@code to} is not after {@code from}
     */
    public static double yearFraction(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new MarginInputException("expiry", to + " is not after " + from);
        }
        return yearFractionUnchecked(from, to);
    }

    /**
     * Time between two instants in 365-day years, negative when {@code to} is before {@code from}.
     *
     * @param from start
     * @param to end
     * @return year fraction
     */
    public static double yearFractionUnchecked(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return (d.getSeconds() + d.getNano() * 1e-9) / SECONDS_PER_YEAR;
    }

    /**
     * A copy with a new index price for one symbol (other symbols unchanged).
     *
     * @param symbol underlying or asset
     * @param priceUsd new price, USD, &gt; 0
     * @return the new snapshot
     */
    public MarketSnapshot withPrice(String symbol, double priceUsd) {
        Map<String, Double> copy = new HashMap<>(indexPriceUsd);
        copy.put(Checks.text("underlying", symbol), priceUsd);
        return new MarketSnapshot(valuationTime, copy, volSurfaces, forwardCurves);
    }

    /**
     * A copy with a new volatility surface for one underlying.
     *
     * @param underlying underlying symbol
     * @param surface new surface
     * @return the new snapshot
     */
    public MarketSnapshot withVolSurface(String underlying, VolSurface surface) {
        Map<String, VolSurface> copy = new HashMap<>(volSurfaces);
        copy.put(Checks.text("underlying", underlying), surface);
        return new MarketSnapshot(valuationTime, indexPriceUsd, copy, forwardCurves);
    }

    /**
     * A copy with a new forward curve for one underlying.
     *
     * @param underlying underlying symbol
     * @param curve new curve
     * @return the new snapshot
     */
    public MarketSnapshot withForwardCurve(String underlying, ForwardCurve curve) {
        Map<String, ForwardCurve> copy = new HashMap<>(forwardCurves);
        copy.put(Checks.text("underlying", underlying), Checks.present("curve", curve));
        return new MarketSnapshot(valuationTime, indexPriceUsd, volSurfaces, copy);
    }

    /**
     * A copy at another valuation time (prices and vols unchanged).
     *
     * @param time new valuation time
     * @return the new snapshot
     */
    public MarketSnapshot withValuationTime(Instant time) {
        return new MarketSnapshot(time, indexPriceUsd, volSurfaces, forwardCurves);
    }
}
