package io.ballast.risk.domain;

/** The kinds of tradable instrument. */
public enum InstrumentKind {
    /** Linear perpetual swap: no expiry. */
    PERPETUAL,
    /** Dated linear future: has an expiry. */
    FUTURE,
    /** European option on the underlying: expiry, strike and call/put. */
    OPTION
}
