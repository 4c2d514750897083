package io.ballast.risk.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.collateral.service.MarginGuard;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.LedgerEntry;
import io.ballast.risk.domain.LedgerEntryKind;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.LedgerRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The collateral ledger: deposits and withdrawals append an entry and change the balance with one SQL statement
 * (no read-modify-write), in one transaction with an outbox event.
 */
@ApplicationScoped
public class LedgerService {

    /**
     * A booked entry with the asset's symbol.
     *
     * @param entry      the ledger entry
     * @param symbol     its asset's symbol
     * @param instrument the instrument of the isolated pool it books, or null for the cross pool
     */
    public record Booked(LedgerEntry entry, String symbol, String instrument) {

        /** An entry of the cross pool. */
        public Booked(LedgerEntry entry, String symbol) {
            this(entry, symbol, null);
        }
    }

    /**
     * A balance with its asset's symbol.
     *
     * @param symbol asset symbol
     * @param amount balance in asset units
     * @param updatedAt last change (UTC)
     */
    public record SymbolBalance(String symbol, BigDecimal amount, OffsetDateTime updatedAt) {
    }

    private final LedgerRepository ledger;
    private final AssetRepository assets;
    private final AccountService accounts;
    private final OutboxWriter outbox;
    private final MarginGuard guard;
    private final InstrumentRepository instruments;

    /** Wires collaborators. */
    public LedgerService(LedgerRepository ledger, AssetRepository assets, AccountService accounts,
            OutboxWriter outbox, MarginGuard guard, InstrumentRepository instruments) {
        this.guard = guard;
        this.instruments = instruments;
        this.ledger = ledger;
        this.assets = assets;
        this.accounts = accounts;
        this.outbox = outbox;
    }

    /**
     * The tenant's asset with this symbol; a 404 problem naming {@code asset} when there is none.
     *
     * @param tenant the tenant
     * @param symbol the asset symbol
     * @return the asset
     */
    public Uni<Asset> requireAsset(TenantId tenant, String symbol) {
        return assets.findBySymbol(tenant, symbol).onItem().ifNull().failWith(() -> ApiException.unknownReferences(
                "unknown asset " + symbol, List.of(FieldError.of("asset", "unknown asset " + symbol))));
    }

    /**
     * Credits {@code amount} (positive) of an asset to an ACTIVE account.
     *
     * @param tenant      the tenant
     * @param accountId   the account
     * @param symbol      the asset's symbol
     * @param amount      positive amount, asset units
     * @param reference   free text or null
     * @param externalRef the integrator's identifier of the movement, unique per tenant, or null: when an entry with
     *                    it exists, that entry is the answer if it has the same content, a 409 otherwise, and
     *                    nothing is booked ({@link #booked})
     * @return the booked entry
     */
    @WithTransaction
    public Uni<Booked> deposit(TenantId tenant, UUID accountId, String symbol, BigDecimal amount, String reference,
            String externalRef) {
        return booked(tenant, externalRef, accountId, LedgerEntryKind.DEPOSIT, symbol, amount, reference)
                .onItem().ifNull().switchTo(() -> accounts.requireActive(tenant, accountId)
                        .flatMap(a -> requireAsset(tenant, symbol))
                        .flatMap(asset -> ledger.credit(tenant, accountId, asset.id, amount)
                                .flatMap(after -> book(tenant, accountId, asset, LedgerEntryKind.DEPOSIT, amount,
                                        after, reference, externalRef))));
    }

    /**
     * The entry already booked under {@code externalRef}, or null when there is none (or no externalRef). Takes a
     * transaction-scoped advisory lock on (tenant, externalRef) first, so two concurrent first attempts with one
     * reference run one after the other: the second finds the first's entry once it commits. An entry of other
     * content (account, kind, asset, amount, reference) is a 409 problem; the unique index on
     * {@code (tenant_id, external_ref)} (V58) is the last line should the lock ever be bypassed.
     */
    private Uni<Booked> booked(TenantId tenant, String externalRef, UUID accountId, LedgerEntryKind kind,
            String symbol, BigDecimal amount, String reference) {
        if (externalRef == null) {
            return Uni.createFrom().nullItem();
        }
        BigDecimal signed = kind == LedgerEntryKind.DEPOSIT ? amount : amount.negate();
        return ledger.lockExternalRef(tenant, externalRef)
                .flatMap(x -> ledger.findByExternalRef(tenant, externalRef))
                .flatMap(e -> {
                    if (e == null) {
                        return Uni.createFrom().nullItem();
                    }
                    return assets.findBySymbol(tenant, symbol).flatMap(asset -> {
                        boolean same = e.accountId.equals(accountId) && e.kind == kind && asset != null
                                && asset.id.equals(e.assetId) && e.amount.compareTo(signed) == 0
                                && Objects.equals(e.reference, reference);
                        if (!same) {
                            return Uni.createFrom().failure(new ApiException(409, "External Reference Used",
                                    "externalRef " + externalRef + " already identifies " + e.kind + " entry " + e.id
                                            + " of other content; nothing changed",
                                    List.of(FieldError.of("externalRef", "already used for a different movement"))));
                        }
                        return Uni.createFrom().item(new Booked(e, symbol));
                    });
                });
    }

    /**
     * Debits {@code amount} (positive) if the balance covers it and the cross pool's equity stays at or above its
     * initial margin; 409 (nothing changed) otherwise: {@code Insufficient Balance}, or {@code Insufficient Margin}
     * with the figures ({@link MarginGuard}). The account row is locked {@code for no key update} first, so no
     * position or balance write of the account runs between the margin check and the commit.
     */
    @WithTransaction
    public Uni<Booked> withdraw(TenantId tenant, UUID accountId, String symbol, BigDecimal amount,
            String reference, String externalRef) {
        return booked(tenant, externalRef, accountId, LedgerEntryKind.WITHDRAWAL, symbol, amount, reference)
                .onItem().ifNull().switchTo(() -> debit(tenant, accountId, symbol, amount, reference, externalRef));
    }

    private Uni<Booked> debit(TenantId tenant, UUID accountId, String symbol, BigDecimal amount, String reference,
            String externalRef) {
        return accounts.requireActiveExclusive(tenant, accountId)
                .flatMap(a -> requireAsset(tenant, symbol).call(asset -> guard.checkTransferOut(tenant, a,
                        MarginInputs.CROSS_POOL, asset, amount)))
                .flatMap(asset -> ledger.debit(tenant, accountId, asset.id, amount)
                        .flatMap(after -> {
                            if (after == null) {
                                return Uni.createFrom().failure(new ApiException(409, "Insufficient Balance",
                                        "withdrawing " + amount.toPlainString() + " " + symbol
                                                + " would overdraw account " + accountId,
                                        List.of(FieldError.of("amount", "exceeds the available balance"))));
                            }
                            return book(tenant, accountId, asset, LedgerEntryKind.WITHDRAWAL, amount.negate(), after,
                                    reference, externalRef);
                        }));
    }

    private Uni<Booked> book(TenantId tenant, UUID accountId, Asset asset, LedgerEntryKind kind, BigDecimal signed,
            BigDecimal after, String reference, String externalRef) {
        LedgerEntry e = entry(tenant, accountId, null, asset, kind, signed, after, reference);
        e.externalRef = externalRef;
        Map<String, Object> event = new HashMap<>();
        event.put("entryId", e.id);
        event.put("accountId", accountId);
        event.put("asset", asset.symbol);
        event.put("amount", signed.toPlainString());
        event.put("balanceAfter", after.toPlainString());
        if (externalRef != null) {
            event.put("externalRef", externalRef);
        }
        String type = kind == LedgerEntryKind.DEPOSIT ? "CollateralDeposited" : "CollateralWithdrawn";
        return ledger.persist(e)
                .call(x -> outbox.record(tenant, "account", accountId, type, event))
                .map(x -> new Booked(x, asset.symbol));
    }

    /**
     * A new ledger entry (not yet persisted), booked now.
     *
     * @param tenant       the tenant
     * @param accountId    the account
     * @param instrumentId the isolated pool's instrument, or null for the cross pool
     * @param asset        the asset
     * @param kind         why
     * @param signed       signed amount, asset units
     * @param after        the pool's balance of the asset after it
     * @param reference    free text or null
     * @return the entry
     */
    public static LedgerEntry entry(TenantId tenant, UUID accountId, UUID instrumentId, Asset asset,
            LedgerEntryKind kind, BigDecimal signed, BigDecimal after, String reference) {
        LedgerEntry e = new LedgerEntry();
        e.id = UUID.randomUUID();
        e.tenantId = tenant.value();
        e.accountId = accountId;
        e.instrumentId = instrumentId;
        e.assetId = asset.id;
        e.kind = kind;
        e.amount = signed;
        e.balanceAfter = after;
        e.reference = reference;
        e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return e;
    }

    /** The account's balances with asset symbols; 404 when the account is unknown. */
    public Uni<List<SymbolBalance>> balances(TenantId tenant, UUID accountId) {
        return accounts.get(tenant, accountId)
                .flatMap(a -> assets.listFor(tenant))
                .flatMap(all -> ledger.balances(tenant, accountId).map(rows -> {
                    Map<UUID, String> symbols = symbols(all);
                    return rows.stream().map((Balance b) -> new SymbolBalance(symbols.get(b.id.assetId()), b.amount,
                            b.updatedAt)).toList();
                }));
    }

    /**
     * A page of the account's ledger, oldest first: after the entry {@code after} (a cursor: the id of the last entry
     * of the previous page; 400 naming {@code after} when it is not an entry of this account), or from
     * {@code offset} when {@code after} is null; 404 when the account is unknown.
     */
    public Uni<List<Booked>> entries(TenantId tenant, UUID accountId, UUID after, int offset, int limit) {
        Uni<List<LedgerEntry>> page = after == null ? ledger.entries(tenant, accountId, offset, limit)
                : ledger.entriesAfter(tenant, accountId, after, limit).onItem().ifNull().failWith(() ->
                        ApiException.badRequest("unknown cursor",
                                List.of(FieldError.of("after", "not an entry of this account's ledger"))));
        return accounts.get(tenant, accountId)
                .flatMap(a -> assets.listFor(tenant))
                .flatMap(all -> instruments.listFor(tenant).flatMap(is -> page.map(rows -> {
                    Map<UUID, String> symbols = symbols(all);
                    Map<UUID, String> pools = new HashMap<>();
                    is.forEach(i -> pools.put(i.id, i.symbol));
                    return rows.stream().map(e -> new Booked(e, symbols.get(e.assetId), e.instrumentId == null ? null
                            : pools.get(e.instrumentId))).toList();
                })));
    }

    private static Map<UUID, String> symbols(List<Asset> assets) {
        Map<UUID, String> symbols = new HashMap<>();
        assets.forEach(x -> symbols.put(x.id, x.symbol));
        return symbols;
    }
}
