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

    /** Credits {@code amount} (positive) of an asset to an ACTIVE account. */
    @WithTransaction
    public Uni<Booked> deposit(TenantId tenant, UUID accountId, String symbol, BigDecimal amount, String reference) {
        return accounts.requireActive(tenant, accountId)
                .flatMap(a -> requireAsset(tenant, symbol))
                .flatMap(asset -> ledger.credit(tenant, accountId, asset.id, amount)
                        .flatMap(after -> book(tenant, accountId, asset, LedgerEntryKind.DEPOSIT, amount, after,
                                reference)));
    }

    /**
     * Debits {@code amount} (positive) if the balance covers it and the cross pool's equity stays at or above its
     * initial margin; 409 (nothing changed) otherwise: {@code Insufficient Balance}, or {@code Insufficient Margin}
     * with the figures ({@link MarginGuard}). The account row is locked {@code for no key update} first, so no
     * position or balance write of the account runs between the margin check and the commit.
     */
    @WithTransaction
    public Uni<Booked> withdraw(TenantId tenant, UUID accountId, String symbol, BigDecimal amount,
            String reference) {
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
                                    reference);
                        }));
    }

    private Uni<Booked> book(TenantId tenant, UUID accountId, Asset asset, LedgerEntryKind kind, BigDecimal signed,
            BigDecimal after, String reference) {
        LedgerEntry e = entry(tenant, accountId, null, asset, kind, signed, after, reference);
        Map<String, Object> event = new HashMap<>();
        event.put("entryId", e.id);
        event.put("accountId", accountId);
        event.put("asset", asset.symbol);
        event.put("amount", signed.toPlainString());
        event.put("balanceAfter", after.toPlainString());
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

    /** A page of the account's ledger, oldest first; 404 when the account is unknown. */
    public Uni<List<Booked>> entries(TenantId tenant, UUID accountId, int offset, int limit) {
        return accounts.get(tenant, accountId)
                .flatMap(a -> assets.listFor(tenant))
                .flatMap(all -> instruments.listFor(tenant).flatMap(is -> ledger.entries(tenant, accountId, offset,
                        limit).map(rows -> {
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
