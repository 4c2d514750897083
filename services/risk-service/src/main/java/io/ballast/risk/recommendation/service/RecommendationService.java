package io.ballast.risk.recommendation.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.recommendation.config.RecommendationConfig;
import io.ballast.risk.recommendation.repository.RecommendationStore;
import io.ballast.risk.recommendation.repository.RecommendationStore.AssetRef;
import io.ballast.risk.recommendation.repository.RunRepository;
import io.ballast.risk.recommendation.repository.RunRepository.Admission;
import io.ballast.risk.recommendation.repository.RunRepository.Run;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Predictive-margin recommendations as the API serves them. Reading never computes nor writes: recommendations are
 * made by {@link RecommendationJob} (daily, or when a tenant-admin starts a run). Nothing here changes live risk
 * parameters.
 */
@ApplicationScoped
public class RecommendationService {

    /**
     * An asset without a recommendation and why.
     *
     * @param asset  asset symbol
     * @param bars   daily bars stored
     * @param reason why nothing was recommended
     */
    public record NotComputed(String asset, long bars, String reason) {
    }

    /**
     * The answer of a read.
     *
     * @param model           where the forecasts come from: "champion" (each asset's registered champion)
     * @param recommendations the latest recommendation per asset that has one, by symbol
     * @param notComputed     assets without one, by symbol
     */
    public record Recommendations(String model, List<AssetRecommendation> recommendations,
            List<NotComputed> notComputed) {
    }

    /** A refused manual run: 429 with how long to wait. */
    public static final class RateLimited extends ApiException {
        private final Duration retryAfter;

        RateLimited(String detail, Duration retryAfter) {
            super(429, "Too Many Requests", detail, List.of());
            this.retryAfter = retryAfter;
        }

        /** How long to wait before asking again. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private final RecommendationStore store;
    private final RunRepository runs;
    private final RecommendationJob job;
    private final RecommendationConfig config;

    /** Wires collaborators. */
    public RecommendationService(RecommendationStore store, RunRepository runs, RecommendationJob job,
            RecommendationConfig config) {
        this.store = store;
        this.runs = runs;
        this.job = job;
        this.config = config;
    }

    /** The latest stored recommendation of every asset of the tenant (or only {@code asset}, 404 if unknown). */
    public Uni<Recommendations> latest(TenantId tenant, String asset) {
        return store.assets(tenant, asset).flatMap(assets -> store.latest(tenant)
                .flatMap(latest -> store.barCounts(tenant).map(bars -> {
                    List<AssetRecommendation> served = new ArrayList<>();
                    List<NotComputed> missing = new ArrayList<>();
                    for (AssetRef a : assets) {
                        var stored = latest.get(a.id());
                        long count = bars.getOrDefault(a.id(), 0L);
                        if (stored != null && stored.served() != null) {
                            served.add(stored.served());
                        } else if (count < RecommendationJob.MIN_BARS) {
                            missing.add(new NotComputed(a.symbol(), count,
                                    RecommendationJob.notEnoughReason(a.symbol(), count)));
                        } else {
                            missing.add(new NotComputed(a.symbol(), count, "no recommendation yet: the daily run "
                                    + "makes one (or POST /api/v1/risk/recommendations/runs)"));
                        }
                    }
                    return new Recommendations("champion", served, missing);
                })));
    }

    /**
     * Queues a manual run for the tenant and starts it on this instance's job executor.
     *
     * @param requestedBy the requester's token subject
     * @throws RateLimited (as a failure) when the tenant has a run in flight or used its hourly allowance
     */
    public Uni<Run> startRun(TenantId tenant, String requestedBy) {
        return runs.admitManual(tenant, requestedBy, config.manualPerHour()).map((Admission a) -> {
            if (a.run() == null) {
                throw new RateLimited(a.refusal(), a.retryAfter());
            }
            job.wake();
            return a.run();
        });
    }

    /** A run of the tenant; 404 when it does not exist or belongs to another tenant. */
    public Uni<Run> run(TenantId tenant, UUID id) {
        return runs.find(tenant, id).map(r -> {
            if (r == null) {
                throw ApiException.notFound("recommendation run", id);
            }
            return r;
        });
    }
}
