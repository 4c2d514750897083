package io.ballast.risk.live;

/** The live state of an account's margin, from the best to the worst. */
public enum MarginStatus {
    /** Equity at or above initial margin and no early warning. */
    HEALTHY,
    /** Healthy now, but an adverse move of the MPOR under the current vol would take equity below maintenance. */
    EARLY_WARNING,
    /** Equity below initial margin, at or above maintenance. */
    MARGIN_CALL,
    /** Equity below maintenance. */
    LIQUIDATABLE;

    /**
     * The next status, with hysteresis on the way back: LIQUIDATABLE holds until equity reaches maintenance x
     * (1 + h); MARGIN_CALL (or worse) is left for HEALTHY or EARLY_WARNING only once equity reaches initial x (1 + h).
     * A worse status applies at once.
     *
     * @param previous      the stored status
     * @param equityUsd     equity, USD
     * @param initialUsd    initial requirement, USD
     * @param maintenanceUsd maintenance requirement, USD
     * @param earlyWarning  whether the MPOR stress takes equity below maintenance
     * @param hysteresis    the fraction h
     * @return the next status
     */
    public static MarginStatus next(MarginStatus previous, double equityUsd, double initialUsd, double maintenanceUsd,
            boolean earlyWarning, double hysteresis) {
        MarginStatus raw = equityUsd < maintenanceUsd ? LIQUIDATABLE
                : equityUsd < initialUsd ? MARGIN_CALL : earlyWarning ? EARLY_WARNING : HEALTHY;
        if (raw.ordinal() >= previous.ordinal()) {
            return raw;
        }
        if (previous == LIQUIDATABLE && equityUsd < maintenanceUsd * (1 + hysteresis)) {
            return LIQUIDATABLE;
        }
        if (previous.ordinal() >= MARGIN_CALL.ordinal() && raw.ordinal() < MARGIN_CALL.ordinal()
                && equityUsd < initialUsd * (1 + hysteresis)) {
            return MARGIN_CALL;
        }
        return raw;
    }

    /**
     * The event type of a change: the new status when it is worse, {@code RECOVERED} when it is better.
     *
     * @param previous the stored status
     * @param next     the new one (different)
     * @return MARGIN_CALL, LIQUIDATABLE, EARLY_WARNING or RECOVERED
     */
    public static String eventType(MarginStatus previous, MarginStatus next) {
        return next.ordinal() > previous.ordinal() ? next.name() : "RECOVERED";
    }
}
