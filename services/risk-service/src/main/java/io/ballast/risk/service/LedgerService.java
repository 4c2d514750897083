package io.ballast.risk.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.LedgerEntry;
import io.ballast.risk.domain.LedgerEntryKind;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AssetRepository;
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
     * @param entry  the ledger entry
     * @param symbol its asset's symbol
     */
    public record Booked(LedgerEntry entry, String symbol) {
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

    /** Wires collaborators. */
    public LedgerService(LedgerRepository ledger, AssetRepository assets, AccountService accounts,
            OutboxWriter outbox) {
        this.ledger = ledger;
        this.assets = assets;
        this.accounts = accounts;
        this.outbox = outbox;
    }

    private Uni<Asset> requireAsset(TenantId tenant, String symbol) {
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

    /** Debits {@code amount} (positive) if the balance covers it; 409 (nothing changed) otherwise. */
    @WithTransaction
    public Uni<Booked> withdraw(TenantId tenant, UUID accountId, String symbol, BigDecimal amount,
            String reference) {
        return accounts.requireActive(tenant, accountId)
                .flatMap(a -> requireAsset(tenant, symbol))
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
        LedgerEntry e = new LedgerEntry();
        e.id = UUID.randomUUID();
        e.tenantId = tenant.value();
        e.accountId = accountId;
        e.assetId = asset.id;
        e.kind = kind;
        e.amount = signed;
        e.balanceAfter = after;
        e.reference = reference;
        e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
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
                .flatMap(all -> ledger.entries(tenant, accountId, offset, limit).map(rows -> {
                    Map<UUID, String> symbols = symbols(all);
                    return rows.stream().map(e -> new Booked(e, symbols.get(e.assetId))).toList();
                }));
    }

    private static Map<UUID, String> symbols(List<Asset> assets) {
        Map<UUID, String> symbols = new HashMap<>();
        assets.forEach(x -> symbols.put(x.id, x.symbol));
        return symbols;
    }
}
