package io.ballast.risk.messaging;

/**
 * The Kafka topics of Ballast. Every topic that carries tenant data is keyed by tenant id; {@link #PRICES} is the
 * platform feed, keyed by underlying. See docs/architecture.md, "Kafka topics".
 */
public final class Topics {

    /** Ledger and account changes (outbox), keyed by tenant: the topic whose partitions decide who owns a tenant. */
    public static final String EVENTS = "ballast.events";
    /** Risk parameter versions that took effect (outbox), keyed by tenant. */
    public static final String PARAMETERS = "ballast.parameters";
    /** Proposal, approval, veto and freeze state changes (outbox), keyed by tenant. */
    public static final String GOVERNANCE = "ballast.governance";
    /** Margin call, liquidatable, recovered and early-warning events (outbox), keyed by tenant. */
    public static final String MARGIN_EVENTS = "ballast.margin-events";
    /** Platform market data: one tick per message from a named source, keyed by underlying. */
    public static final String PRICES = "ballast.prices";
    /** Ticks the oracle guard or the parser rejected, with the reason. */
    public static final String PRICES_DEAD_LETTER = "ballast.prices.dlq";

    private Topics() {
    }
}
