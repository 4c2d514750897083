package io.ballast.predictive.backtest;

import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Settings of one backtest run.
 *
 * @param coverage target coverage (0.99); the exception probability is 1 - coverage
 * @param oosStart first day margined (forecasts are out of sample from here; the static fraction is calibrated
 *                 before it)
 * @param staticMmf the static policy's MMF; NaN to calibrate it as the empirical {@code coverage} quantile of absolute
 *                  MPOR moves before {@code oosStart}
 * @param mapping mapping settings shared by the EWMA, predictive and guarded policies
 * @param guardrails the guarded policy's guardrails
 * @param seed seed of the synthetic account population
 * @param accounts population size (10,000)
 * @param liquidation liquidation model of the crash replays
 * @param frontierScales multipliers applied to each policy's setting (static fraction, or tail factor) for the
 *                       frontier
 * @param evalFrom first day measured (margins are still computed from {@code oosStart}, so the guardrail state is
 *                 warm); null for {@code oosStart}. The static fraction is calibrated before it.
 * @param evalTo last day measured, inclusive; null for the end of the data
 * @param replaySeeds populations replayed per crash (seeds {@code seed .. seed + replaySeeds - 1}), >= 1; bad debt
 *                    per open interest is averaged over them with a 95 % confidence interval
 */
public record BacktestConfig(double coverage, LocalDate oosStart, double staticMmf, MappingSettings mapping,
                             GuardrailSettings guardrails, long seed, int accounts, LiquidationModel liquidation,
                             double[] frontierScales, LocalDate evalFrom, LocalDate evalTo, int replaySeeds) {

    /** Default number of replay populations (the issue asks for at least 20). */
    public static final int DEFAULT_REPLAY_SEEDS = 20;

    /** Validates and copies. */
    public BacktestConfig {
        if (!(coverage > 0.5 && coverage < 1)) {
            throw new IllegalArgumentException("coverage must be in (0.5, 1), got " + coverage);
        }
        Objects.requireNonNull(oosStart, "oosStart");
        if (!Double.isNaN(staticMmf) && !(staticMmf > 0)) {
            throw new IllegalArgumentException("staticMmf must be > 0 or NaN, got " + staticMmf);
        }
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(guardrails, "guardrails");
        Objects.requireNonNull(liquidation, "liquidation");
        if (accounts < 1) {
            throw new IllegalArgumentException("accounts must be >= 1");
        }
        if (replaySeeds < 1) {
            throw new IllegalArgumentException("replaySeeds must be >= 1, got " + replaySeeds);
        }
        frontierScales = frontierScales.clone();
        mapping = mapping.withCoverage(coverage);
        if (evalFrom != null && evalTo != null && evalTo.isBefore(evalFrom)) {
            throw new IllegalArgumentException("evaluation window ends (" + evalTo + ") before it starts (" + evalFrom
                + ")");
        }
    }

    /** The same settings measured over every margined day (no evaluation window). */
    public BacktestConfig(double coverage, LocalDate oosStart, double staticMmf, MappingSettings mapping,
                          GuardrailSettings guardrails, long seed, int accounts, LiquidationModel liquidation,
                          double[] frontierScales) {
        this(coverage, oosStart, staticMmf, mapping, guardrails, seed, accounts, liquidation, frontierScales, null,
            null, DEFAULT_REPLAY_SEEDS);
    }

    /** The same settings with {@link #DEFAULT_REPLAY_SEEDS} replay populations. */
    public BacktestConfig(double coverage, LocalDate oosStart, double staticMmf, MappingSettings mapping,
                          GuardrailSettings guardrails, long seed, int accounts, LiquidationModel liquidation,
                          double[] frontierScales, LocalDate evalFrom, LocalDate evalTo) {
        this(coverage, oosStart, staticMmf, mapping, guardrails, seed, accounts, liquidation, frontierScales, evalFrom,
            evalTo, DEFAULT_REPLAY_SEEDS);
    }

    /** @param seeds replay populations @return a copy with that many */
    public BacktestConfig withReplaySeeds(int seeds) {
        return new BacktestConfig(coverage, oosStart, staticMmf, mapping, guardrails, seed, accounts, liquidation,
            frontierScales, evalFrom, evalTo, seeds);
    }

    /**
     * @param from first measured day, or null
     * @param to last measured day, or null
     * @return a copy measured over [from, to]
     */
    public BacktestConfig withWindow(LocalDate from, LocalDate to) {
        return new BacktestConfig(coverage, oosStart, staticMmf, mapping, guardrails, seed, accounts, liquidation,
            frontierScales, from, to, replaySeeds);
    }

    /** @param g guardrails @return a copy with other guardrails */
    public BacktestConfig withGuardrails(GuardrailSettings g) {
        return new BacktestConfig(coverage, oosStart, staticMmf, mapping, g, seed, accounts, liquidation,
            frontierScales, evalFrom, evalTo, replaySeeds);
    }

    /** @return the day before which the static fraction is calibrated: {@code evalFrom} if set, else oosStart */
    public LocalDate calibrationEnd() {
        return evalFrom != null && evalFrom.isAfter(oosStart) ? evalFrom : oosStart;
    }

    /**
     * The documented defaults: 99 %, out of sample from 2020-01-01, static calibrated before it, default mapping and
     * guardrails, seed 42, 10,000 accounts, default liquidation model, frontier scales 0.6 .. 1.6.
     *
     * @return the defaults
     */
    public static BacktestConfig defaults() {
        MappingSettings m = MappingSettings.defaults();
        return new BacktestConfig(0.99, LocalDate.of(2020, 1, 1), Double.NaN, m, GuardrailSettings.defaults(), 42L,
            10_000, LiquidationModel.defaults(m.imMultiplier()),
            new double[] {0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.6});
    }

    /** @return a copy of the frontier scales */
    @Override
    public double[] frontierScales() {
        return frontierScales.clone();
    }
}
