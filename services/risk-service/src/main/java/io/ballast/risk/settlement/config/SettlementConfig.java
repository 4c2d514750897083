package io.ballast.risk.settlement.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Typed configuration of expiry settlement under {@code ballast.settlement.*}. The job's period is read by its
 * {@code @Scheduled} annotation from {@code ballast.settlement.interval} (default 30s; "off" disables it).
 */
@ConfigMapping(prefix = "ballast.settlement")
public interface SettlementConfig {

    /**
     * How long after expiry an instrument is settled: index observations stamped before expiry that arrive late
     * still count (default one minute).
     */
    @WithDefault("PT1M")
    Duration delay();

    /** Instruments settled per run at most (earliest expiry first). */
    @WithDefault("100")
    int batch();
}
