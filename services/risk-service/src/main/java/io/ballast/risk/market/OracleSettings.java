package io.ballast.risk.market;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Typed configuration of the price path under {@code ballast.oracle.*}. */
@ConfigMapping(prefix = "ballast.oracle")
public interface OracleSettings {

    /** Sources of an underlying without a stored oracle configuration ({@code feed,replay}). */
    @WithDefault("feed,replay")
    List<String> defaultSources();

    /** How far a tick's source time may be ahead of this service's clock. */
    @WithDefault("PT2S")
    Duration futureTolerance();
}
