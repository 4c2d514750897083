package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One version of the risk parameters of an asset or instrument (table {@code risk_parameter}). Never updated:
 * a change is a new version. The version in force at time t is the highest version whose effectiveFrom is at or
 * before t.
 */
@Entity
@Table(name = "risk_parameter")
public class RiskParameter {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** Asset or instrument. */
    @Enumerated(EnumType.STRING)
    public RiskParameterScope scope;
    /** Id of the asset or instrument. */
    public UUID targetId;
    /** 1, 2, 3 ... per target. */
    public int version;
    /** When this version takes effect (UTC). */
    public OffsetDateTime effectiveFrom;
    /** See {@link RiskParameterSet#initialMarginFraction()}. */
    public BigDecimal initialMarginFraction;
    /** See {@link RiskParameterSet#maintenanceMarginFraction()}. */
    public BigDecimal maintenanceMarginFraction;
    /** See {@link RiskParameterSet#collateralHaircut()}. */
    public BigDecimal collateralHaircut;
    /** See {@link RiskParameterSet#liquidationFeeFraction()}. */
    public BigDecimal liquidationFeeFraction;
    /** See {@link RiskParameterSet#maxPositionNotional()}. */
    public BigDecimal maxPositionNotional;
    /** When the row was written (UTC). */
    public OffsetDateTime createdAt;
    /** Who wrote it (ONBOARDING, MANUAL, AUTO_APPLY, PROPOSAL); null for rows written before issue 8. */
    public String source;
    /** Token subject of the writer, or {@code model:<version>}; null for rows written before issue 8. */
    public String actor;
    /** Name shown for the writer ({@link io.ballast.risk.governance.domain.Actor#name()}), or null (older rows). */
    public String actorName;
    /** The governance proposal that made it, or null. */
    public UUID proposalId;

    /** The parameter values as an immutable record. */
    public RiskParameterSet parameters() {
        return new RiskParameterSet(initialMarginFraction, maintenanceMarginFraction, collateralHaircut,
                liquidationFeeFraction, maxPositionNotional);
    }
}
