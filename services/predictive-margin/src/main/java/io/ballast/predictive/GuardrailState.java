package io.ballast.predictive;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What the guardrails remember between two recommendations for one tenant and asset: the parameters last
 * recommended (taken as live), the smoothed raw parameters, and the current anti-procyclicality buffer level. Store it
 * per tenant, asset and parameter set, and hand it back with the next request.
 *
 * @param date the day the state was produced
 * @param applied the parameters last recommended (treated as the live ones)
 * @param smoothed the smoothed raw parameters (before floor, buffer, change limit and bounds)
 * @param bufferLevel the current art. 28(a) buffer as a fraction of margin (0 when released), >= 0
 */
public record GuardrailState(LocalDate date, RecommendedParameters applied, RecommendedParameters smoothed,
                             double bufferLevel) {

    /** Checks for nulls and a valid buffer level. */
    public GuardrailState {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(applied, "applied");
        Objects.requireNonNull(smoothed, "smoothed");
        if (!(bufferLevel >= 0) || !Double.isFinite(bufferLevel)) {
            throw new IllegalArgumentException("bufferLevel must be >= 0, got " + bufferLevel);
        }
    }
}
