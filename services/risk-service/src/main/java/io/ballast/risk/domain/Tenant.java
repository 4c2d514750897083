package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An onboarded protocol (table {@code tenant}). Its Keycloak clients carry its id as the {@code tenant_id} claim. */
@Entity
@Table(name = "tenant")
public class Tenant {
    /** Primary key; the value of the {@code tenant_id} claim. */
    @Id
    public UUID id;
    /** Display name. */
    public String name;
    /** Unique lowercase slug, used in the Keycloak client ids. */
    public String slug;
    /** Lifecycle status. */
    @Enumerated(EnumType.STRING)
    public TenantStatus status;
    /** Keycloak clientId of the tenant's integrator client. */
    public String integratorClientId;
    /** Keycloak clientId of the tenant's tenant-admin client. */
    public String adminClientId;
    /** When the tenant was onboarded (UTC). */
    public OffsetDateTime createdAt;
    /** Last status change (UTC). */
    public OffsetDateTime updatedAt;
}
