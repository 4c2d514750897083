package io.ballast.risk.domain;

/** Call or put. */
public enum OptionType {
    /** Right to buy the underlying at the strike. */
    CALL,
    /** Right to sell the underlying at the strike. */
    PUT
}
