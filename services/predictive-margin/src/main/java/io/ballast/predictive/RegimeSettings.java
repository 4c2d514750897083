package io.ballast.predictive;

import io.ballast.margin.MarginInputException;

/**
 * The regime-aware part of the guardrails (docs/predictive-margin.md, "Margin that leads"): when the market is in
 * stress the daily increase cap on maintenance is released, and within a day the forecast is updated with the
 * variance realised since the last close.
 *
 * <p>Stress is declared for one recommendation when either trigger fires:
 * <ul>
 *   <li>intraday: the variance realised since the last close, at a daily rate ({@code variance * 24 / hours}), is above
 *       {@code stressTriggerRatio}^2 times the forecast's daily variance (realised volatility above k times the
 *       forecast);</li>
 *   <li>exception: the move over the perp MPOR up to the latest price exceeded the maintenance fraction in force
 *       (only when {@code exceptionTrigger}).</li>
 * </ul>
 * In stress the maintenance parameters may rise by up to {@code stressMaxDailyIncrease} in that step instead of the
 * normal daily cap, and the art. 28(a) buffer is released; afterwards they fall back under the normal decrease cap.
 *
 * @param stressTriggerRatio k: intraday trigger when realised daily volatility exceeds k times the forecast daily
 *                           volatility (> 0; infinite = off)
 * @param exceptionTrigger whether an exception (MPOR move beyond the maintenance fraction in force) declares stress
 * @param stressMaxDailyIncrease largest relative rise of a maintenance parameter in one step under stress (1.0 =
 *                               +100 %; infinite = fully released), >= 0
 * @param intradayHalfWeightHours intraday update weight: the forecast variance moves towards the realised daily-rate
 *                                variance (only upwards) by {@code hours / (hours + intradayHalfWeightHours)}, so
 *                                half way after this many hours (> 0; infinite = no intraday update)
 * @param capInitialMargin whether the daily increase cap also holds the initial margin fraction; false (the default)
 *                         lets IMF (new risk) move to its target at once while MMF, haircut and scan parameters
 *                         (existing positions) stay capped
 */
public record RegimeSettings(double stressTriggerRatio, boolean exceptionTrigger, double stressMaxDailyIncrease,
                             double intradayHalfWeightHours, boolean capInitialMargin) {

    /**
     * Validates ranges; throws {@link MarginInputException} (an {@link IllegalArgumentException}) whose
     * {@link MarginInputException#field() field} is the component's name, so that a service can name it in a 4xx.
     */
    public RegimeSettings {
        if (!(stressTriggerRatio > 0)) {
            throw new MarginInputException("stressTriggerRatio", "must be > 0, got " + stressTriggerRatio);
        }
        if (!(stressMaxDailyIncrease >= 0)) {
            throw new MarginInputException("stressMaxDailyIncrease", "must be >= 0, got " + stressMaxDailyIncrease);
        }
        if (!(intradayHalfWeightHours > 0)) {
            throw new MarginInputException("intradayHalfWeightHours", "must be > 0, got " + intradayHalfWeightHours);
        }
    }

    /**
     * The crypto defaults, frozen on BTC and ETH up to 2023-12-31 (docs/predictive-margin.md, "Clean evaluation"):
     * k = 2, exceptions trigger stress, +100 % in one stressed step, intraday half weight after 6 hours, IMF uncapped.
     *
     * @return the defaults
     */
    public static RegimeSettings defaults() {
        return new RegimeSettings(2.0, true, 1.0, 6.0, false);
    }

    /**
     * Every regime feature off: no trigger, no intraday update, IMF capped like the rest (the v1 behaviour).
     *
     * @return the neutral settings
     */
    public static RegimeSettings off() {
        return new RegimeSettings(Double.POSITIVE_INFINITY, false, 0.0, Double.POSITIVE_INFINITY, true);
    }
}
