package io.ballast.risk.market;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The oracle guard and index rules, plain Java (no database): which ticks are accepted, the index price (median of
 * the fresh latest ticks of the configured sources) and the oracle's health. Stateless; thread-safe.
 *
 * <p>Rejection reasons are stable strings (metric tags and dead-letter headers): {@code non-positive},
 * {@code rounds-to-zero}, {@code out-of-range}, {@code future}, {@code stale}, {@code out-of-order}, {@code jump},
 * {@code negative-vol}.
 */
public final class OracleGuard {

    /** Prices and vols are stored with 18 decimals: a value that rounds to 0 there is refused. */
    public static final int STORED_SCALE = 18;

    /**
     * The latest accepted tick of one source.
     *
     * @param source     source name
     * @param priceUsd   price, USD per unit
     * @param annualVol  annualised implied vol (fraction) or null
     * @param sourceTime the source's observation time
     */
    public record SourceTick(String source, BigDecimal priceUsd, BigDecimal annualVol, Instant sourceTime) {
    }

    /**
     * A guard's verdict.
     *
     * @param accepted whether the tick is accepted
     * @param reason   the rejection reason (one of the class's stable strings) or null
     * @param detail   human-readable detail or null
     * @param confirmedBy for an accepted jump, the other source's tick that confirmed it; else null
     */
    public record Verdict(boolean accepted, String reason, String detail, SourceTick confirmedBy) {
        static final Verdict ACCEPTED = new Verdict(true, null, null, null);

        static Verdict reject(String reason, String detail) {
            return new Verdict(false, reason, detail, null);
        }
    }

    /**
     * The index of a tenant's underlying after a tick.
     *
     * @param priceUsd   median of the fresh sources' latest prices, USD
     * @param annualVol  median of the fresh sources' vols (those that gave one), or null
     * @param observedAt the newest source time among the fresh sources
     * @param health     HEALTHY unless fresh sources disagree beyond the maximum deviation
     * @param sources    how many fresh sources made it
     */
    public record Index(BigDecimal priceUsd, BigDecimal annualVol, Instant observedAt, OracleHealth health,
            int sources) {
    }

    private final Duration futureTolerance;

    /** @param futureTolerance how far a source time may be ahead of this clock (clock skew) */
    public OracleGuard(Duration futureTolerance) {
        this.futureTolerance = futureTolerance;
    }

    /**
     * The checks that do not depend on a tenant: positive, non-zero once stored, below the absolute cap, a vol that
     * is not negative, not from the future beyond the tolerance.
     *
     * @param tick the tick
     * @param now  this clock
     * @return the verdict
     */
    public Verdict checkTick(Tick tick, Instant now) {
        if (tick.priceUsd().signum() <= 0) {
            return Verdict.reject("non-positive", "priceUsd " + tick.priceUsd().toPlainString() + " is not positive");
        }
        if (tick.priceUsd().setScale(STORED_SCALE, RoundingMode.HALF_UP).signum() == 0) {
            return Verdict.reject("rounds-to-zero", "priceUsd " + tick.priceUsd() + " rounds to 0 at 18 decimals");
        }
        if (tick.priceUsd().compareTo(OracleConfig.DEFAULT_MAX_PRICE) > 0) {
            return Verdict.reject("out-of-range", "priceUsd " + tick.priceUsd() + " is above the absolute cap 1E+15");
        }
        if (tick.annualVol() != null && (tick.annualVol().signum() < 0
                || tick.annualVol().compareTo(BigDecimal.valueOf(100)) > 0)) {
            return Verdict.reject("negative-vol", "annualVol " + tick.annualVol() + " is not in [0, 100]");
        }
        if (tick.sourceTime().isAfter(now.plus(futureTolerance))) {
            return Verdict.reject("future", "sourceTime " + tick.sourceTime() + " is ahead of " + now + " by more than "
                    + futureTolerance);
        }
        return Verdict.ACCEPTED;
    }

    /**
     * The tenant's checks of a tick that passed {@link #checkTick}: within the tenant's bounds, fresh, newer than
     * the source's latest accepted tick, and not a jump beyond the limit against the current index unless another
     * configured source confirms the new level: its latest accepted tick, or a tick of it that was itself rejected
     * as a jump ({@code jumpCandidates}), fresh and within the maximum deviation of this tick's price.
     *
     * @param tick          the tick
     * @param config        the tenant's oracle configuration of the underlying
     * @param latest        latest accepted tick per source (any source), by source name
     * @param jumpCandidates ticks of any source rejected as a jump, not yet confirmed
     * @param indexPriceUsd the tenant's index price in force, or null
     * @param now           this clock
     * @return the verdict
     */
    public Verdict checkForTenant(Tick tick, OracleConfig config, Map<String, SourceTick> latest,
            Collection<SourceTick> jumpCandidates, BigDecimal indexPriceUsd, Instant now) {
        if (tick.priceUsd().compareTo(config.minPriceUsd()) < 0 || tick.priceUsd().compareTo(config.maxPriceUsd()) > 0) {
            return Verdict.reject("out-of-range", "priceUsd " + tick.priceUsd().toPlainString() + " is outside ["
                    + config.minPriceUsd().toPlainString() + ", " + config.maxPriceUsd().toPlainString() + "]");
        }
        if (isStale(tick.sourceTime(), config, now)) {
            return Verdict.reject("stale", "sourceTime " + tick.sourceTime() + " is older than "
                    + config.stalenessSeconds() + " s");
        }
        SourceTick previous = latest.get(tick.source());
        if (previous != null && !tick.sourceTime().isAfter(previous.sourceTime())) {
            return Verdict.reject("out-of-order", "sourceTime " + tick.sourceTime() + " is not after the source's "
                    + "latest accepted " + previous.sourceTime());
        }
        if (indexPriceUsd != null && relativeMove(tick.priceUsd(), indexPriceUsd).compareTo(config.maxJumpFraction()) > 0) {
            Optional<SourceTick> confirmed = java.util.stream.Stream.concat(latest.values().stream(),
                            jumpCandidates.stream())
                    .filter(s -> !s.source().equals(tick.source()) && config.sources().contains(s.source()))
                    .filter(s -> !isStale(s.sourceTime(), config, now))
                    .filter(s -> relativeMove(s.priceUsd(), tick.priceUsd())
                            .compareTo(config.maxDeviationFraction()) <= 0)
                    .findFirst();
            if (confirmed.isPresent()) {
                return new Verdict(true, null, "jump confirmed by " + confirmed.get().source(), confirmed.get());
            }
            {
                return Verdict.reject("jump", "priceUsd " + tick.priceUsd().toPlainString() + " moves the index "
                        + indexPriceUsd.toPlainString() + " by more than " + config.maxJumpFraction().toPlainString()
                        + " and no second source confirms it");
            }
        }
        return Verdict.ACCEPTED;
    }

    /**
     * The index from the latest accepted tick of each configured source that is fresh.
     *
     * @param config the oracle configuration
     * @param latest latest accepted tick per source
     * @param now    this clock
     * @return the index, or empty when no configured source is fresh
     */
    public Optional<Index> index(OracleConfig config, Collection<SourceTick> latest, Instant now) {
        List<SourceTick> fresh = new ArrayList<>();
        for (SourceTick s : latest) {
            if (config.sources().contains(s.source()) && !isStale(s.sourceTime(), config, now)) {
                fresh.add(s);
            }
        }
        if (fresh.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal median = median(fresh.stream().map(SourceTick::priceUsd).toList());
        List<BigDecimal> vols = fresh.stream().map(SourceTick::annualVol).filter(v -> v != null).toList();
        Instant observed = fresh.stream().map(SourceTick::sourceTime).max(Instant::compareTo).orElseThrow();
        boolean agree = fresh.stream().allMatch(s -> relativeMove(s.priceUsd(), median)
                .compareTo(config.maxDeviationFraction()) <= 0);
        return Optional.of(new Index(median, vols.isEmpty() ? null : median(vols), observed,
                agree ? OracleHealth.HEALTHY : OracleHealth.UNHEALTHY, fresh.size()));
    }

    /**
     * Health of an oracle from the age of the price in force and the agreement of the fresh sources.
     *
     * @param config         the configuration
     * @param priceObservedAt observation time of the price in force, or null when there is none
     * @param latest          latest accepted tick per source
     * @param now             this clock
     * @return UNHEALTHY when the price is missing or older than the staleness limit, or fresh sources disagree
     */
    public OracleHealth health(OracleConfig config, Instant priceObservedAt, Collection<SourceTick> latest,
            Instant now) {
        if (priceObservedAt == null || isStale(priceObservedAt, config, now)) {
            return OracleHealth.UNHEALTHY;
        }
        return index(config, latest, now).map(Index::health).orElse(OracleHealth.HEALTHY);
    }

    /** @return whether a time is older than the configuration's staleness limit */
    public static boolean isStale(Instant sourceTime, OracleConfig config, Instant now) {
        return sourceTime.isBefore(now.minusSeconds(config.stalenessSeconds()));
    }

    /** |a / b - 1|, b positive. */
    static BigDecimal relativeMove(BigDecimal a, BigDecimal b) {
        return a.divide(b, MathContext.DECIMAL64).subtract(BigDecimal.ONE).abs();
    }

    /** Median of non-empty values (mean of the middle two for an even count). */
    static BigDecimal median(List<BigDecimal> values) {
        List<BigDecimal> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), MathContext.DECIMAL128);
    }
}
