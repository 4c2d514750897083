package io.ballast.risk.domain;

/** Lifecycle of a tenant: a suspended tenant's tokens are refused (403) on every tenant endpoint. */
public enum TenantStatus {
    /** The tenant may use the API. */
    ACTIVE,
    /** Every tenant endpoint answers 403 until the tenant is resumed. */
    SUSPENDED
}
