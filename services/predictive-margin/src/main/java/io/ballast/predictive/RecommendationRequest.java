package io.ballast.predictive;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the engine needs to recommend parameters for one tenant and asset on one day.
 *
 * @param tenantId tenant identifier (from the verified token, passed explicitly)
 * @param asset asset symbol
 * @param date evaluation day (forecasts made at this day's close are fresh)
 * @param modelForecasts the champion model's forecasts keyed by horizon in days (the MPORs); may miss horizons
 * @param ewmaForecasts EWMA forecasts keyed by horizon in days, the fallback; may miss horizons
 * @param floorDailySigma daily log-return volatility for the anti-procyclicality floor (long-lookback or stressed,
 *                        see {@link FloorVolatility}); NaN when not available, then no floor applies
 * @param mapping the tenant's mapping settings
 * @param guardrails the tenant's guardrail settings
 * @param previous the state left by the previous recommendation, or null for the first one
 * @param realised what the market did since the forecasts were made (regime trigger, intraday update), or null when
 *                 unknown (no trigger, no intraday update)
 */
public record RecommendationRequest(String tenantId, String asset, LocalDate date, Map<Integer, VolForecast> modelForecasts,
                                    Map<Integer, VolForecast> ewmaForecasts, double floorDailySigma,
                                    MappingSettings mapping, GuardrailSettings guardrails, GuardrailState previous,
                                    Realised realised) {

    /** Checks required fields and copies the maps. */
    public RecommendationRequest {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(date, "date");
        modelForecasts = Map.copyOf(Objects.requireNonNull(modelForecasts, "modelForecasts"));
        ewmaForecasts = Map.copyOf(Objects.requireNonNull(ewmaForecasts, "ewmaForecasts"));
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(guardrails, "guardrails");
        if (previous != null && previous.date().isAfter(date)) {
            throw new IllegalArgumentException("previous state " + previous.date() + " is after " + date);
        }
        if (realised != null && realised.intraday() && previous == null) {
            throw new IllegalArgumentException("an intraday update needs the state of the last close");
        }
    }

    /** The same request without realised figures (no regime trigger, no intraday update). */
    public RecommendationRequest(String tenantId, String asset, LocalDate date, Map<Integer, VolForecast> modelForecasts,
                                 Map<Integer, VolForecast> ewmaForecasts, double floorDailySigma,
                                 MappingSettings mapping, GuardrailSettings guardrails, GuardrailState previous) {
        this(tenantId, asset, date, modelForecasts, ewmaForecasts, floorDailySigma, mapping, guardrails, previous,
            null);
    }
}
