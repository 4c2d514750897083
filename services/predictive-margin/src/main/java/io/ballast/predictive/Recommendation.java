package io.ballast.predictive;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A recommendation with its decision and evidence. It is handed to governance; nothing here writes live parameters.
 *
 * @param tenantId tenant
 * @param asset asset symbol
 * @param date evaluation day
 * @param decision {@link Decision#AUTO_APPLY} or {@link Decision#PROPOSAL}
 * @param recommended the parameters after every guardrail
 * @param raw the parameters mapped from the forecast actually used, before any guardrail
 * @param live the live (previously recommended) parameters compared against, or null for a first recommendation
 * @param forecastModel name of the model whose forecast was used for the perp MPOR ("EWMA" after a fallback)
 * @param sigmaPerp volatility over the perp MPOR that was used (log-return standard deviation)
 * @param sigmaOption volatility over the option MPOR that was used
 * @param fallbackReason why the champion's forecast was not used, or null if it was
 * @param bindingGuardrails names of the guardrails that changed at least one parameter, in the order applied
 * @param evidence human-readable lines: forecasts, each guardrail's before and after, the decision's reason
 * @param nextState the state to store and hand back with the next request
 */
public record Recommendation(String tenantId, String asset, LocalDate date, Decision decision,
                             RecommendedParameters recommended, RecommendedParameters raw, RecommendedParameters live,
                             String forecastModel, double sigmaPerp, double sigmaOption, String fallbackReason,
                             List<String> bindingGuardrails, List<String> evidence, GuardrailState nextState) {

    /** Checks required fields and copies the lists. */
    public Recommendation {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(recommended, "recommended");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(forecastModel, "forecastModel");
        bindingGuardrails = List.copyOf(bindingGuardrails);
        evidence = List.copyOf(evidence);
        Objects.requireNonNull(nextState, "nextState");
    }

    /** @return true when the EWMA fallback (or a hold) replaced the champion's forecast */
    public boolean fellBack() {
        return fallbackReason != null;
    }
}
