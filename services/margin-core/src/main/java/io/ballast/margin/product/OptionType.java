package io.ballast.margin.product;

/** Call or put. */
public enum OptionType {
    /** Right to buy at the strike. */
    CALL,
    /** Right to sell at the strike. */
    PUT
}
