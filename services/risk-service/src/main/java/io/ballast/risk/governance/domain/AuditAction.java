package io.ballast.risk.governance.domain;

/** The steps recorded in the audit trail. */
public enum AuditAction {
    /** A recommendation reached governance. */
    RECOMMENDATION_RECEIVED,
    /** A recommendation within bounds became the live version. */
    AUTO_APPLIED,
    /** A recommendation within bounds was held because automatic adjustments are frozen. */
    RECOMMENDATION_HELD,
    /** A proposal was made. */
    PROPOSED,
    /** A committee member approved. */
    APPROVED,
    /** A committee member rejected. */
    REJECTED,
    /** A proposal expired. */
    EXPIRED,
    /** A tenant-admin vetoed during the timelock. */
    VETOED,
    /** Automatic adjustments were frozen. */
    FROZEN,
    /** The freeze was lifted. */
    UNFROZEN,
    /** An approved change took effect after its timelock. */
    EFFECTIVE,
    /** A parameter version written directly (a target's first version). */
    MANUAL_PARAMETER_EDIT,
    /** The policy changed. */
    POLICY_CHANGED,
    /** Onboarding defaults written. */
    DEFAULTS_WRITTEN
}
