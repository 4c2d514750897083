package io.ballast.risk.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of the live margin loop under {@code ballast.live.*}. */
@ConfigMapping(prefix = "ballast.live")
public interface LiveSettings {

    /**
     * Hysteresis of recoveries, fraction (0.02 = 2 %): an account leaves LIQUIDATABLE only once equity reaches
     * maintenance x (1 + this), and leaves MARGIN_CALL only once equity reaches initial x (1 + this).
     */
    @WithDefault("0.02")
    double hysteresisFraction();

    /** Margin period of risk of the early warning, days. */
    @WithDefault("2")
    double mporDays();

    /** Standard deviations of the early warning's adverse move over the MPOR (2.33 = one-sided 99 %). */
    @WithDefault("2.33")
    double earlyWarningSigmas();

    /** Annualised vol (fraction) the early warning assumes for an underlying without a vol. */
    @WithDefault("0.8")
    double defaultAnnualVol();

    /** Buffer of a liquidation plan above maintenance, fraction (0.1: equity at least maintenance x 1.1 after). */
    @WithDefault("0.1")
    double liquidationBufferFraction();

    /**
     * How old an underlying's arrays in the bulk book may get before a tick of another underlying re-prices them at
     * the current time, with their exposed accounts (so that options' time to expiry does not drift where no tick
     * comes), and the least time between two rebuilds of the bulk book after account changes.
     */
    @WithDefault("PT1M")
    java.time.Duration fullRecomputeInterval();

    /**
     * How far back an instance that takes tenants over replays the platform ticks it received (and skipped for
     * them) before it owned them: at least the consumer group's session timeout, the longest time a dead owner's
     * tenants stay unowned. Ticks the previous owner applied are refused again as out of order, so the replay
     * applies exactly the ticks nobody applied.
     */
    @WithDefault("PT2M")
    java.time.Duration replayWindow();

    /**
     * How much of a takeover's replay one move of a gained book takes at most, in time of receipt: the polls received
     * within it are applied as one move, at their last levels, as a live book busy for that long takes the moves that
     * waited for it; zero replays poll by poll. A replay costs a move of the book per step, whatever the step's size,
     * and the gained tenants wait for it (a 57 s gap at 1,000 ticks/s: 25,000 polls). A price that crosses a
     * threshold and comes back within it publishes nothing, as on a busy live book.
     */
    @WithDefault("PT0.1S")
    java.time.Duration replayConflation();

    /**
     * How long one step of a takeover (the build of one gained tenant's book, or the replay of one tick to the gained
     * tenants) may take before the takeover gives it up, says so in a WARN and goes on: the price consumer waits for
     * the takeover, so a step that never completes would otherwise stop the price stream of every tenant. The
     * reconciler waits as long for each book it builds before it starts the next tenant's. Far above
     * any step's real duration (a 100,000-account build takes 15-40 s, a replayed tick a few ms to a second).
     */
    @WithDefault("PT2M")
    java.time.Duration takeoverStepLimit();
}
