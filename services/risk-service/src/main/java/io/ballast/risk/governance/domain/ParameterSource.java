package io.ballast.risk.governance.domain;

/** Who wrote a parameter or settings version. */
public enum ParameterSource {
    /** The documented defaults written when the tenant was onboarded. */
    ONBOARDING,
    /** A direct write through the reference-data endpoints (a target's first version). */
    MANUAL,
    /** A recommendation within the tenant's bounds (actor: the model version). */
    AUTO_APPLY,
    /** An approved proposal, after its timelock. */
    PROPOSAL
}
