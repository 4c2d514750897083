package io.ballast.risk.market;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The latest accepted tick of one source for a tenant's asset (table {@code oracle_source_tick}). */
@Entity
@Table(name = "oracle_source_tick")
public class SourceTickRow {
    /** (tenant, asset, source). */
    @EmbeddedId
    public Key id;
    /** Price, USD per unit. */
    public BigDecimal priceUsd;
    /** Annualised implied vol (fraction), or null. */
    public BigDecimal annualVol;
    /** The source's observation time. */
    public OffsetDateTime sourceTime;
    /** When this service accepted it. */
    public OffsetDateTime receivedAt;

    /** Composite key. */
    @Embeddable
    public record Key(UUID tenantId, UUID assetId, String source) implements Serializable {
    }

    /** @return the guard's view of the row */
    public OracleGuard.SourceTick tick() {
        return new OracleGuard.SourceTick(id.source(), priceUsd, annualVol, sourceTime.toInstant());
    }
}
