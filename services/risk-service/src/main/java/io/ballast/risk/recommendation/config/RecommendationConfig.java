package io.ballast.risk.recommendation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Typed configuration of the recommendation job under {@code ballast.recommendations.*}. The schedules themselves
 * are read by the {@code @Scheduled} annotations from {@code ballast.recommendations.daily-cron},
 * {@code ballast.recommendations.retrain-cron}, {@code ballast.recommendations.intraday-cron} (the hourly intraday
 * re-margining pass) and {@code ballast.recommendations.poll-every} ("off" disables one).
 */
@ConfigMapping(prefix = "ballast.recommendations")
public interface RecommendationConfig {

    /** Threads of the job's own executor (forecasting and training run there, never on the shared worker pool). */
    @WithDefault("1")
    int threads();

    /** How long a claimed run is held before another instance may take it over (the claimer is presumed dead). */
    @WithDefault("PT30M")
    Duration lease();

    /**
     * How often a run's holder renews its lease while it works (a heartbeat on its own connection), so that a run
     * longer than the lease is not taken over; at most a third of the lease (a longer value is shortened to it).
     */
    @WithDefault("PT1M")
    Duration heartbeat();

    /** Claims of one run before it is marked FAILED (a run that keeps killing its instance stops being retried). */
    @WithDefault("3")
    int maxAttempts();

    /** Manual runs a tenant may start per rolling hour (besides never more than one pending or running). */
    @WithDefault("4")
    int manualPerHour();

    /** Identity of this instance in {@code recommendation_run.claimed_by}; a random one when not set. */
    java.util.Optional<String> instanceId();
}
