package io.ballast.risk.settlement.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One settled position (table {@code settlement_entry}, append-only). Amounts are in the instrument's settlement
 * asset, signed (a gain is positive): {@code amount} is the position's P&amp;L to the settlement value,
 * {@code booked} what its pool's balance received or paid (the SETTLEMENT ledger entry), {@code shortfall} what the
 * balance could not pay ({@code amount = booked - shortfall}).
 */
@Entity
@Table(name = "settlement_entry")
public class SettlementEntry {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** The settled instrument. */
    public UUID instrumentId;
    /** The account that held the position. */
    public UUID accountId;
    /** The settlement asset. */
    public UUID assetId;
    /** Whether the position was in an isolated pool (else the cross pool). */
    public boolean isolated;
    /** Signed contracts settled. */
    public BigDecimal quantity;
    /** The position's entry price, USD per unit. */
    public BigDecimal entryPrice;
    /** What one unit was worth at the settlement price, USD (a future: the price; an option: its payoff). */
    public BigDecimal settlementValueUsd;
    /** The position's P&amp;L, signed. */
    public BigDecimal amount;
    /** What the pool's balance received (positive) or paid (negative). */
    public BigDecimal booked;
    /** What the pool's balance could not pay, &gt;= 0. */
    public BigDecimal shortfall;
    /** The SETTLEMENT ledger entry, or null when nothing was booked. */
    public UUID ledgerEntryId;
    /** When it was written (UTC). */
    public OffsetDateTime createdAt;
}
