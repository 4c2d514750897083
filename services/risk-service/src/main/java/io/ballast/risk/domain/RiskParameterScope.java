package io.ballast.risk.domain;

/** What a risk parameter row applies to. */
public enum RiskParameterScope {
    /** A collateral asset (haircut matters most). */
    ASSET,
    /** A tradable instrument (margin fractions matter most). */
    INSTRUMENT
}
