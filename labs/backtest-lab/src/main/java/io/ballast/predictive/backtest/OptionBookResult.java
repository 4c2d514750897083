package io.ballast.predictive.backtest;

/**
 * Coverage and efficiency of one policy's margin on the short ATM straddle book ({@link OptionBook}), over the days
 * whose option MPOR end exists. Overlapping MPOR windows (2 days, tested daily) make neighbouring exceptions
 * correlated, which weighs against the independence test.
 *
 * @param coverage Kupiec and Christoffersen statistics
 * @param greenWindowShare share of rolling 250-day windows in the green zone
 * @param avgMargin average requirement, fraction of spot
 * @param medianMargin median requirement, fraction of spot
 * @param staticEquivalent smallest constant requirement with no more exceptions over the same days
 * @param maxIncrease5d largest 5-day requirement ratio
 */
public record OptionBookResult(CoverageTest coverage, double greenWindowShare, double avgMargin, double medianMargin,
                               double staticEquivalent, double maxIncrease5d) {
}
