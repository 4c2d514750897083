package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One append-only collateral ledger entry (table {@code ledger_entry}); a database trigger forbids changes. */
@Entity
@Table(name = "ledger_entry")
public class LedgerEntry {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** Account booked. */
    public UUID accountId;
    /** Asset booked. */
    public UUID assetId;
    /** The isolated pool booked (its instrument), or null for the account's cross pool. */
    public UUID instrumentId;
    /** Deposit, withdrawal, sync adjustment or transfer between pools. */
    @Enumerated(EnumType.STRING)
    public LedgerEntryKind kind;
    /** Signed amount in asset units: positive adds collateral, negative removes it. */
    public BigDecimal amount;
    /** Balance of (account, pool, asset) right after this entry, in asset units. */
    public BigDecimal balanceAfter;
    /** Free text from the integrator (e.g. a transaction hash), may be null. */
    public String reference;
    /**
     * The integrator's identifier of a deposit or withdrawal (for example a transaction hash), unique per tenant
     * (column {@code external_ref}, V58); null when none was given.
     */
    public String externalRef;
    /** Booking time (UTC). */
    public OffsetDateTime createdAt;
}
