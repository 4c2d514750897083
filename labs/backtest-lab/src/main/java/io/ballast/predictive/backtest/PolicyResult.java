package io.ballast.predictive.backtest;

import java.time.LocalDate;
import java.util.Map;

/**
 * Everything measured for one policy over the backtest days.
 *
 * @param name policy key: static, ewma, predictive, guarded
 * @param dates the margined days (margin set at each day's close)
 * @param margin MMF per day (fraction of notional)
 * @param absMove absolute relative move over the MPOR after each day
 * @param exception whether that move exceeded the margin
 * @param coverage Kupiec and Christoffersen statistics
 * @param greenWindowShare share of rolling 250-day windows in the green zone
 * @param avgMargin average MMF
 * @param medianMargin median MMF (the calm-market level)
 * @param staticEquivalent smallest static MMF with no more exceptions over the same days
 * @param peakToTrough max / min margin
 * @param maxIncrease1d largest 1-day margin ratio
 * @param maxIncrease5d largest 5-day margin ratio
 * @param maxIncrease30d largest 30-day margin ratio
 * @param fallbackDays days on which the guardrails fell back to EWMA (0 for other policies)
 * @param proposalDays days whose recommendation was a proposal rather than an auto-apply (guarded only)
 * @param clippedDays days on which the champion's forecast was above the sanity bound and clipped to it (guarded only)
 * @param crashes replay results keyed by event key
 * @param optionBook the short ATM straddle book margined with the policy's scan range and vol shocks
 * @param imfMaxIncrease5d largest 5-day ratio of the initial margin fraction (reported apart from maintenance: new
 *                         risk may be repriced at once)
 * @param stressDays days on which the regime trigger released the daily cap (guarded only)
 * @param intradayRaisedDays days on which an intraday update raised the margin in force (guarded, with hourly bars)
 */
public record PolicyResult(String name, LocalDate[] dates, double[] margin, double[] absMove, boolean[] exception,
                           CoverageTest coverage, double greenWindowShare, double avgMargin, double medianMargin,
                           double staticEquivalent, double peakToTrough, double maxIncrease1d, double maxIncrease5d,
                           double maxIncrease30d, int fallbackDays, int proposalDays, int clippedDays,
                           Map<String, ReplayResult> crashes, OptionBookResult optionBook, double imfMaxIncrease5d,
                           int stressDays, int intradayRaisedDays) {

    /** @return average margin over the static-equivalent fraction */
    public double staticEquivalentRatio() {
        return avgMargin / staticEquivalent;
    }

    /** @return median margin over the static-equivalent fraction */
    public double medianStaticRatio() {
        return medianMargin / staticEquivalent;
    }

    /** @return summed bad debt over all replays, USD */
    public double totalBadDebt() {
        return crashes.values().stream().mapToDouble(ReplayResult::badDebtUsd).sum();
    }

    /** @return summed bad debt per unit of open interest over the crash replays (means over the seeds) */
    public double totalBadDebtPerOpenInterest() {
        return crashes.values().stream().mapToDouble(ReplayResult::badDebtPerOpenInterest).sum();
    }
}
