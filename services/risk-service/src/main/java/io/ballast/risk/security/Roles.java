package io.ballast.risk.security;

/** Realm role names, as found in the token's {@code realm_access.roles}. */
public final class Roles {
    /** Operates the platform: onboards, suspends and resumes tenants. Has no tenant. */
    public static final String PLATFORM_ADMIN = "platform-admin";
    /** Manages one tenant's reference data (assets, instruments, risk parameters) and accounts. */
    public static final String TENANT_ADMIN = "tenant-admin";
    /** A protocol's backend: accounts, collateral, positions, snapshots. */
    public static final String INTEGRATOR = "integrator";
    /** Sets risk parameters and reads everything of its tenant. */
    public static final String RISK_COMMITTEE = "risk-committee";
    /** Reads everything of its tenant. */
    public static final String VIEWER = "viewer";

    private Roles() {
    }
}
