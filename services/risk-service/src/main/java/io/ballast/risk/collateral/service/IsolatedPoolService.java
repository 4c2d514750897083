package io.ballast.risk.collateral.service;

import io.ballast.risk.collateral.domain.IsolatedBalance;
import io.ballast.risk.collateral.repository.IsolatedBalanceRepository;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.LedgerEntry;
import io.ballast.risk.domain.LedgerEntryKind;
import io.ballast.risk.domain.MarginMode;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.LedgerRepository;
import io.ballast.risk.service.AccountService;
import io.ballast.risk.service.LedgerService;
import io.ballast.risk.service.LedgerService.Booked;
import io.ballast.risk.service.MarginInputs;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Isolated margin pools: collateral of an ISOLATED account allocated to its position in one instrument. A transfer
 * moves collateral between the account's cross pool and one isolated pool in one transaction: the account row is
 * locked {@code for no key update}, the pool the collateral leaves is margin-checked like a withdrawal
 * ({@link MarginGuard}), both balances change with single statements, two TRANSFER ledger entries and one
 * {@code CollateralTransferred} event are written.
 */
@ApplicationScoped
public class IsolatedPoolService {

    /**
     * A booked transfer.
     *
     * @param out the entry of the pool the collateral left (negative amount)
     * @param in  the entry of the pool it entered (positive amount)
     */
    public record Transfer(Booked out, Booked in) {
    }

    /**
     * One isolated pool's collateral.
     *
     * @param pool       engine pool id, {@code iso-<instrument>}
     * @param instrument the instrument symbol
     * @param balances   asset symbol to balance (asset units), zero balances included
     */
    public record Pool(String pool, String instrument, Map<String, BigDecimal> balances) {
    }

    private final AccountService accounts;
    private final AssetRepository assets;
    private final InstrumentRepository instruments;
    private final LedgerRepository ledger;
    private final IsolatedBalanceRepository isolated;
    private final MarginGuard guard;
    private final OutboxWriter outbox;
    private final LedgerService ledgerService;

    /** Wires collaborators. */
    public IsolatedPoolService(AccountService accounts, AssetRepository assets, InstrumentRepository instruments,
            LedgerRepository ledger, IsolatedBalanceRepository isolated, MarginGuard guard, OutboxWriter outbox,
            LedgerService ledgerService) {
        this.ledgerService = ledgerService;
        this.accounts = accounts;
        this.assets = assets;
        this.instruments = instruments;
        this.ledger = ledger;
        this.isolated = isolated;
        this.guard = guard;
        this.outbox = outbox;
    }

    /**
     * Moves collateral from the cross pool into the isolated pool of an instrument. 404 unknown account, instrument
     * or asset; 409 the account is not ISOLATED or not ACTIVE, the cross balance does not cover the amount, or the
     * cross pool would end below its initial margin (with the figures).
     */
    @WithTransaction
    public Uni<Transfer> transferIn(TenantId tenant, UUID accountId, String instrument, String asset,
            BigDecimal amount, String reference) {
        return accounts.requireActiveExclusive(tenant, accountId)
                .flatMap(a -> requireInstrument(tenant, instrument).flatMap(i -> ledgerService.requireAsset(tenant, asset)
                        .invoke(x -> requireIsolated(a))
                        .call(x -> guard.checkTransferOut(tenant, a, MarginInputs.CROSS_POOL, x, amount))
                        .flatMap(x -> ledger.debit(tenant, accountId, x.id, amount).flatMap(crossAfter -> {
                            if (crossAfter == null) {
                                return Uni.createFrom().failure(overdraw(amount, x, "the cross pool"));
                            }
                            return isolated.credit(tenant, accountId, i.id, x.id, amount).flatMap(isoAfter ->
                                    book(tenant, accountId, i, x, amount, reference, true, crossAfter, isoAfter));
                        }))));
    }

    /**
     * Moves collateral from the isolated pool of an instrument back to the cross pool. 404 unknown account,
     * instrument or asset; 409 the account is not ACTIVE, the pool's balance does not cover the amount, or the pool
     * would end below its initial margin (with the figures).
     */
    @WithTransaction
    public Uni<Transfer> transferOut(TenantId tenant, UUID accountId, String instrument, String asset,
            BigDecimal amount, String reference) {
        return accounts.requireActiveExclusive(tenant, accountId)
                .flatMap(a -> requireInstrument(tenant, instrument).flatMap(i -> ledgerService.requireAsset(tenant, asset)
                        .call(x -> guard.checkTransferOut(tenant, a, MarginInputs.isolatedPool(i.symbol), x, amount))
                        .flatMap(x -> isolated.debit(tenant, accountId, i.id, x.id, amount).flatMap(isoAfter -> {
                            if (isoAfter == null) {
                                return Uni.createFrom().failure(overdraw(amount, x, "the isolated pool of "
                                        + i.symbol));
                            }
                            return ledger.credit(tenant, accountId, x.id, amount).flatMap(crossAfter ->
                                    book(tenant, accountId, i, x, amount, reference, false, crossAfter, isoAfter));
                        }))));
    }

    /** The account's isolated pools with their balances, by instrument symbol; 404 when the account is unknown. */
    public Uni<List<Pool>> pools(TenantId tenant, UUID accountId) {
        return accounts.get(tenant, accountId).flatMap(a -> assets.listFor(tenant).flatMap(as -> instruments
                .listFor(tenant).flatMap(is -> isolated.of(tenant, accountId).map(rows -> {
                    Map<UUID, String> assetSymbols = new HashMap<>();
                    as.forEach(x -> assetSymbols.put(x.id, x.symbol));
                    Map<UUID, String> instrumentSymbols = new HashMap<>();
                    is.forEach(x -> instrumentSymbols.put(x.id, x.symbol));
                    Map<String, Map<String, BigDecimal>> byInstrument = new TreeMap<>();
                    for (IsolatedBalance b : rows) {
                        byInstrument.computeIfAbsent(instrumentSymbols.get(b.id.instrumentId()),
                                k -> new TreeMap<>()).put(assetSymbols.get(b.id.assetId()), b.amount);
                    }
                    List<Pool> out = new ArrayList<>();
                    byInstrument.forEach((symbol, bs) -> out.add(new Pool(MarginInputs.isolatedPool(symbol), symbol,
                            bs)));
                    return out;
                }))));
    }

    private static void requireIsolated(Account a) {
        if (a.marginMode != MarginMode.ISOLATED) {
            throw new ApiException(409, "Not An Isolated Account", "account " + a.id + " is " + a.marginMode
                    + ": collateral is allocated to isolated positions of ISOLATED accounts only",
                    List.of(FieldError.of("marginMode", "must be ISOLATED")));
        }
    }

    private static ApiException overdraw(BigDecimal amount, Asset asset, String pool) {
        return new ApiException(409, "Insufficient Balance", "moving " + amount.toPlainString() + " " + asset.symbol
                + " would overdraw " + pool, List.of(FieldError.of("amount", "exceeds the available balance")));
    }

    private Uni<Instrument> requireInstrument(TenantId tenant, String symbol) {
        return instruments.findBySymbol(tenant, symbol).onItem().ifNull().failWith(() -> ApiException.notFound(
                "instrument", symbol));
    }

    private Uni<Transfer> book(TenantId tenant, UUID accountId, Instrument i, Asset asset, BigDecimal amount,
            String reference, boolean intoIsolated, BigDecimal crossAfter, BigDecimal isolatedAfter) {
        LedgerEntry cross = LedgerService.entry(tenant, accountId, null, asset, LedgerEntryKind.TRANSFER,
                intoIsolated ? amount.negate() : amount, crossAfter, reference);
        LedgerEntry iso = LedgerService.entry(tenant, accountId, i.id, asset, LedgerEntryKind.TRANSFER,
                intoIsolated ? amount : amount.negate(), isolatedAfter, reference);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("accountId", accountId);
        event.put("asset", asset.symbol);
        event.put("amount", amount.toPlainString());
        event.put("from", intoIsolated ? MarginInputs.CROSS_POOL : MarginInputs.isolatedPool(i.symbol));
        event.put("to", intoIsolated ? MarginInputs.isolatedPool(i.symbol) : MarginInputs.CROSS_POOL);
        event.put("instrument", i.symbol);
        event.put("crossBalanceAfter", crossAfter.toPlainString());
        event.put("isolatedBalanceAfter", isolatedAfter.toPlainString());
        Booked c = new Booked(cross, asset.symbol, null);
        Booked x = new Booked(iso, asset.symbol, i.symbol);
        return ledger.persist(cross).flatMap(y -> ledger.persist(iso))
                .call(y -> outbox.record(tenant, "account", accountId, "CollateralTransferred", event))
                .map(y -> intoIsolated ? new Transfer(c, x) : new Transfer(x, c));
    }
}
