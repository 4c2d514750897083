package io.ballast.risk.recommendation.service;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.registry.FittedModel;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.Recommendation;
import io.ballast.predictive.Recommender;
import io.ballast.predictive.VolForecast;
import io.ballast.risk.governance.service.Evidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The coverage of the RECOMMENDING POLICY on the tenant's own history, for a proposal's evidence: the service's own
 * code path replayed day by day, not a constant fraction. For each of the last days (at most
 * {@link Evidence#WINDOWS}' largest window, plus a warm-up), it forecasts with the registered champions exactly as the
 * daily job does ({@link FittedModel#forecastVariance} on the history up to that day), runs
 * {@link Recommender#withForecasts} with the tenant's mapping and guardrails and the guardrail state the previous
 * replayed day left (every recommendation taken as applied), and counts an exception when the realised MPOR-day
 * close-to-close move beyond that day's close exceeds the recommended maintenance fraction (a long losing more than
 * ln(1 - mmf), a short more than ln(1 + mmf)). It also keeps the day-by-day series (recommended and in-force
 * fraction, realised move, forecast sigma, exceptions) that the console draws, and the ratio of realised to
 * forecast variance over the counted days (1 = the forecasts were right on average; above 1 they were too low).
 *
 * <p>What it does NOT show: the champions were fitted on a history that includes the replayed days, so the replay is
 * in-sample for the model's parameters (out-of-sample in time only for the guardrail path); the evidence says so.
 * An honest out-of-sample evaluation of the policy is the predictive-margin backtest (docs/predictive-margin.md).
 */
public final class PolicyReplay {

    /** Replayed days before the counted window, so smoothing and buffer start from a settled state. */
    public static final int WARM_UP_DAYS = 20;

    private PolicyReplay() {
    }

    /**
     * Replays the recommending policy.
     *
     * @param tenant     tenant id (for the engine's evidence lines only)
     * @param asset      asset symbol
     * @param bars       the asset's validated ascending daily bars (the same the run used)
     * @param models     the registered champions, by horizon (days)
     * @param mapping    the tenant's mapping settings
     * @param guardrails the tenant's guardrail settings
     * @param mmfInForce the maintenance fraction in force now (the static policy drawn beside it), or null
     * @return the coverage, or null when the history is too short to replay one counted day
     */
    public static Evidence.PolicyCoverage replay(String tenant, String asset, List<DailyBar> bars,
            Map<Integer, FittedModel> models, MappingSettings mapping, GuardrailSettings guardrails,
            Double mmfInForce) {
        long t0 = System.nanoTime();
        int mpor = mapping.mporPerpDays();
        int largest = Evidence.WINDOWS[Evidence.WINDOWS.length - 1];
        int lastDay = bars.size() - 1 - mpor;
        int firstDay = Math.max(RecommendationJob.MIN_BARS - 1, lastDay - largest - WARM_UP_DAYS + 1);
        if (lastDay - firstDay < WARM_UP_DAYS + 1) {
            return null;
        }
        GuardrailState state = null;
        List<Boolean> exceptions = new ArrayList<>();
        double sumMmf = 0;
        double minMmf = Double.POSITIVE_INFINITY;
        double maxMmf = 0;
        double sumMoveSquared = 0;
        double sumForecastVariance = 0;
        List<Evidence.ReplayDay> days = new ArrayList<>();
        for (int t = firstDay; t <= lastDay; t++) {
            List<DailyBar> upTo = bars.subList(0, t + 1);
            DailySeries series = DailySeries.of(upTo);
            Map<Integer, VolForecast> forecasts = new TreeMap<>();
            for (Map.Entry<Integer, FittedModel> m : models.entrySet()) {
                forecasts.put(m.getKey(), VolForecast.of(asset, m.getValue().name(), m.getKey(),
                        upTo.get(t).date(), m.getValue().forecastVariance(series)));
            }
            Recommendation r = Recommender.withForecasts(tenant, asset, upTo, forecasts, mapping, guardrails, state,
                    upTo.get(t).date().plusDays(1));
            state = r.nextState();
            if (t - firstDay < WARM_UP_DAYS) {
                continue;
            }
            double mmf = r.recommended().mmf();
            double move = Math.log(bars.get(t + mpor).close() / bars.get(t).close());
            boolean exception = move < Math.log(1 - Math.min(mmf, 0.999999)) || move > Math.log(1 + mmf);
            exceptions.add(exception);
            days.add(new Evidence.ReplayDay(bars.get(t).date(), mmf, mmfInForce, Math.abs(move), r.sigmaPerp(),
                    exception));
            sumMoveSquared += move * move;
            sumForecastVariance += r.sigmaPerp() * r.sigmaPerp();
            sumMmf += mmf;
            minMmf = Math.min(minMmf, mmf);
            maxMmf = Math.max(maxMmf, mmf);
        }
        boolean[] exc = new boolean[exceptions.size()];
        for (int i = 0; i < exc.length; i++) {
            exc[i] = exceptions.get(i);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new Evidence.PolicyCoverage("the recommending policy replayed day by day with the registered "
                + "champions, the tenant's mapping and guardrails (every recommendation taken as applied), against "
                + "realised " + mpor + "-day close-to-close moves; in-sample for the models' parameters",
                mapping.coverage(), mpor, exc.length, WARM_UP_DAYS, sumMmf / exc.length, minMmf, maxMmf,
                bars.get(firstDay + WARM_UP_DAYS).date(), bars.get(lastDay).date(),
                Evidence.windows(exc, 1 - mapping.coverage()),
                sumForecastVariance > 0 ? sumMoveSquared / sumForecastVariance : Double.NaN, days, millis);
    }
}
