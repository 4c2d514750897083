package io.ballast.margin.measure;

/**
 * The worst scenario of one underlying in portfolio margin.
 *
 * @param underlying underlying symbol
 * @param worstScenarioIndex index in the scenario grid
 * @param worstScenario description, e.g. {@code "price -15.00 %, vol UP"}
 * @param worstLossUsd weighted loss in that scenario, USD, &gt;= 0 (0 when no scenario loses)
 */
public record UnderlyingRisk(String underlying, int worstScenarioIndex, String worstScenario, double worstLossUsd) {
}
