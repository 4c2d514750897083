package io.ballast.margin.market;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.product.EuropeanOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable view of the market at one instant: the index price of each underlying (and of each collateral asset)
 * and the implied volatility surface of each underlying that has options.
 *
 * <p>Rates are zero: forwards equal the index price, and dated futures trade at the index. This is a stated
 * simplification; funding and basis are outside the engine.
 *
 * @param valuationTime the instant the snapshot describes
 * @param indexPriceUsd index price per symbol (underlyings and collateral assets, e.g. {@code USDC -> 1.0}), USD, &gt; 0
 * @param volSurfaces implied volatility per underlying
 */
public record MarketSnapshot(Instant valuationTime, Map<String, Double> indexPriceUsd,
        Map<String, VolSurface> volSurfaces) {

    /** Seconds in a 365-day year: the year-fraction convention of the engine. */
    public static final double SECONDS_PER_YEAR = 365.0 * 86_400.0;

    /** Validates and copies the maps. */
    public MarketSnapshot {
        Checks.present("valuationTime", valuationTime);
        Checks.present("indexPriceUsd", indexPriceUsd);
        Checks.present("volSurfaces", volSurfaces);
        for (Map.Entry<String, Double> e : indexPriceUsd.entrySet()) {
            Checks.text("underlying", e.getKey());
            Checks.positive("indexPriceUsd[" + e.getKey() + "]", Checks.present("indexPriceUsd", e.getValue()));
        }
        for (Map.Entry<String, VolSurface> e : volSurfaces.entrySet()) {
            Checks.text("underlying", e.getKey());
            Checks.present("volSurfaces[" + e.getKey() + "]", e.getValue());
        }
        indexPriceUsd = Map.copyOf(indexPriceUsd);
        volSurfaces = Map.copyOf(volSurfaces);
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
     * Implied volatility for an option at the current forward.
     *
     * @param option the option
     * @return annual volatility, fraction
     * @throws MarginInputException if the surface gives a non-positive or non-finite volatility
     */
    public double annualVol(EuropeanOption option) {
        double vol = volSurface(option.underlying()).annualVol(option.expiry(), option.strikeUsd(),
                indexPrice(option.underlying()));
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
        Duration d = Duration.between(valuationTime, expiry);
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
        return new MarketSnapshot(valuationTime, copy, volSurfaces);
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
        return new MarketSnapshot(valuationTime, indexPriceUsd, copy);
    }

    /**
     * A copy at another valuation time (prices and vols unchanged).
     *
     * @param time new valuation time
     * @return the new snapshot
     */
    public MarketSnapshot withValuationTime(Instant time) {
        return new MarketSnapshot(time, indexPriceUsd, volSurfaces);
    }
}
