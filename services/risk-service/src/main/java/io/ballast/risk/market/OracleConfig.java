package io.ballast.risk.market;

import java.math.BigDecimal;
import java.util.List;

/**
 * A tenant's oracle settings for one underlying: which sources make its index price and how ticks are guarded.
 *
 * @param version               the stored version in force, 0 for the documented default (no row stored)
 * @param sources               source names whose ticks count (e.g. {@code feed}, {@code replay}), at least one
 * @param stalenessSeconds      a tick older than this (by its source time) is stale; an oracle without a fresh
 *                              price is UNHEALTHY
 * @param maxDeviationFraction  fresh sources further apart than this (fraction of the median, 0.02 = 2 %) make the
 *                              oracle UNHEALTHY; a second source within it confirms a jump
 * @param maxJumpFraction       a tick moving the index by more than this fraction (0.25 = 25 %) is rejected unless
 *                              a second source confirms it
 * @param minPriceUsd           lowest accepted price, USD per unit, positive
 * @param maxPriceUsd           highest accepted price, USD per unit, above {@code minPriceUsd}
 */
public record OracleConfig(int version, List<String> sources, int stalenessSeconds, BigDecimal maxDeviationFraction,
        BigDecimal maxJumpFraction, BigDecimal minPriceUsd, BigDecimal maxPriceUsd) {

    /** A source's name (compiled once: every price batch builds the configurations it reads). */
    private static final java.util.regex.Pattern SOURCE_NAME = java.util.regex.Pattern.compile("[a-z0-9_-]{1,32}");

    /** Default staleness limit, seconds. */
    public static final int DEFAULT_STALENESS_SECONDS = 300;
    /** Default maximum deviation between sources (5 %). */
    public static final BigDecimal DEFAULT_MAX_DEVIATION = new BigDecimal("0.05");
    /** Default maximum jump of one tick against the index (25 %). */
    public static final BigDecimal DEFAULT_MAX_JUMP = new BigDecimal("0.25");
    /** Default lowest price, USD (the smallest positive value the price columns hold). */
    public static final BigDecimal DEFAULT_MIN_PRICE = new BigDecimal("1E-18");
    /** Default and absolute highest price, USD (the price columns hold below 1e20). */
    public static final BigDecimal DEFAULT_MAX_PRICE = new BigDecimal("1E+15");

    /**
     * A configuration as {@code oracle_config} stores it: the sources as one comma-separated text.
     *
     * @param version              the version
     * @param sources              the source names, comma-separated
     * @param stalenessSeconds     the staleness limit, seconds
     * @param maxDeviationFraction the maximum deviation between sources
     * @param maxJumpFraction      the maximum jump of one tick
     * @param minPriceUsd          the lowest accepted price, USD
     * @param maxPriceUsd          the highest accepted price, USD
     * @return the configuration
     */
    public static OracleConfig stored(int version, String sources, int stalenessSeconds,
            BigDecimal maxDeviationFraction, BigDecimal maxJumpFraction, BigDecimal minPriceUsd,
            BigDecimal maxPriceUsd) {
        return new OracleConfig(version, List.of(sources.split(",")), stalenessSeconds, maxDeviationFraction,
                maxJumpFraction, minPriceUsd, maxPriceUsd);
    }

    /** Copies the list and checks ranges; throws {@link IllegalArgumentException} naming the field. */
    public OracleConfig {
        if (sources == null || sources.isEmpty()) {
            throw new IllegalArgumentException("sources must name at least one source");
        }
        for (String s : sources) {
            if (s == null || !SOURCE_NAME.matcher(s).matches()) {
                throw new IllegalArgumentException("sources must be lower-case names of [a-z0-9_-], at most 32 "
                        + "characters: " + s);
            }
        }
        sources = List.copyOf(sources);
        if (sources.stream().distinct().count() != sources.size()) {
            throw new IllegalArgumentException("sources must not repeat a name");
        }
        if (stalenessSeconds <= 0 || stalenessSeconds > 86_400 * 7) {
            throw new IllegalArgumentException("stalenessSeconds must be in 1 .. 604800");
        }
        checkFraction("maxDeviationFraction", maxDeviationFraction);
        checkFraction("maxJumpFraction", maxJumpFraction);
        if (minPriceUsd == null || minPriceUsd.compareTo(DEFAULT_MIN_PRICE) < 0) {
            throw new IllegalArgumentException("minPriceUsd must be at least 1E-18");
        }
        if (maxPriceUsd == null || maxPriceUsd.compareTo(minPriceUsd) <= 0
                || maxPriceUsd.compareTo(DEFAULT_MAX_PRICE) > 0) {
            throw new IllegalArgumentException("maxPriceUsd must be above minPriceUsd and at most 1E+15");
        }
    }

    private static void checkFraction(String name, BigDecimal f) {
        if (f == null || f.signum() <= 0 || f.compareTo(BigDecimal.TEN) > 0) {
            throw new IllegalArgumentException(name + " must be in (0, 10]");
        }
    }

    /**
     * The default of an underlying without a stored configuration.
     *
     * @param sources the platform's default sources ({@code ballast.oracle.default-sources})
     * @return version 0 with the documented defaults
     */
    public static OracleConfig defaults(List<String> sources) {
        return new OracleConfig(0, sources, DEFAULT_STALENESS_SECONDS, DEFAULT_MAX_DEVIATION, DEFAULT_MAX_JUMP,
                DEFAULT_MIN_PRICE, DEFAULT_MAX_PRICE);
    }

    /** @return the sources as stored ({@code feed,replay}) */
    public String sourcesText() {
        return String.join(",", sources);
    }
}
