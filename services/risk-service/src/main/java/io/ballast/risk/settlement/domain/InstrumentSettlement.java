package io.ballast.risk.settlement.domain;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The settlement of one expired instrument (table {@code instrument_settlement}, append-only): written in the
 * transaction that books it, so its presence means the instrument was settled, once.
 */
@Entity
@Table(name = "instrument_settlement")
public class InstrumentSettlement {
    /** (tenant, instrument). */
    @EmbeddedId
    public Key id;
    /** 0: the index at expiry; n: the time-weighted average of the index over the last n minutes. */
    public int twapMinutes;
    /** The settlement price, USD per unit of underlying. */
    public BigDecimal settlementPriceUsd;
    /** Index observations the price used. */
    public int observations;
    /** Positions settled. */
    public int positions;
    /** The instrument's expiry (UTC). */
    public OffsetDateTime expiry;
    /** When it was settled (UTC). */
    public OffsetDateTime settledAt;

    /**
     * Key of a settlement.
     *
     * @param tenantId     owning tenant
     * @param instrumentId the settled instrument
     */
    @Embeddable
    public record Key(UUID tenantId, UUID instrumentId) implements Serializable {
    }
}
