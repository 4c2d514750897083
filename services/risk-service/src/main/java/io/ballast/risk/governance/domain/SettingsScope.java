package io.ballast.risk.governance.domain;

/** What a {@link RiskSettings} version applies to. */
public enum SettingsScope {
    /** The whole tenant (target id = tenant id): the default of every underlying without its own version. */
    TENANT,
    /** One underlying asset (target id = asset id): overrides the tenant version. */
    ASSET
}
