package io.ballast.risk.settlement.repository;

import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.Position;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.settlement.domain.InstrumentSettlement;
import io.ballast.risk.settlement.domain.SettlementEntry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Settlements, their entries and the reads and locks of the settlement job. Every query filters on the tenant,
 * except {@link #due}, the job's scan across tenants.
 */
@ApplicationScoped
@WithSession
public class SettlementRepository implements PanacheRepositoryBase<SettlementEntry, UUID> {

    /**
     * A due instrument.
     *
     * @param tenantId     its tenant
     * @param instrumentId the instrument
     */
    public record Due(UUID tenantId, UUID instrumentId) {
    }

    /**
     * Dated futures and options that expired at or before {@code cutoff}, still have positions and are not settled,
     * earliest expiry first (platform work: every tenant).
     */
    public Uni<List<Due>> due(OffsetDateTime cutoff, int limit) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("""
                        select i.tenant_id, i.id from instrument i
                        where i.kind in ('FUTURE', 'OPTION') and i.expiry <= :c
                          and exists (select 1 from position p
                                      where p.tenant_id = i.tenant_id and p.instrument_id = i.id)
                          and not exists (select 1 from instrument_settlement x
                                          where x.tenant_id = i.tenant_id and x.instrument_id = i.id)
                        order by i.expiry, i.tenant_id, i.id limit :n""", Object[].class)
                .setParameter("c", cutoff).setParameter("n", limit).getResultList())
                .map(rows -> rows.stream().map(r -> new Due((UUID) r[0], (UUID) r[1])).toList());
    }

    /**
     * Locks the tenant's instrument {@code for no key update skip locked} when it expired at or before {@code now}:
     * two settlement runs never work on one instrument at once (the second skips it), while foreign-key checks of
     * rows that reference it are not blocked.
     *
     * @return true when locked here, false when unknown, not expired or locked by another run
     */
    public Uni<Boolean> lockExpired(TenantId tenant, UUID instrumentId, OffsetDateTime now) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("select id from instrument where tenant_id = :t "
                        + "and id = :i and expiry <= :now for no key update skip locked", UUID.class)
                .setParameter("t", tenant.value()).setParameter("i", instrumentId).setParameter("now", now)
                .getResultList()).map(rows -> !rows.isEmpty());
    }

    /** The settlement of an instrument, or null. */
    public Uni<InstrumentSettlement> settlement(TenantId tenant, UUID instrumentId) {
        return Panache.getSession().flatMap(s -> s.find(InstrumentSettlement.class,
                new InstrumentSettlement.Key(tenant.value(), instrumentId)));
    }

    /**
     * Writes a settlement row (in the caller's transaction) and flushes it, so that it exists before the entries that
     * reference it are inserted.
     */
    public Uni<InstrumentSettlement> persistSettlement(InstrumentSettlement settlement) {
        return Panache.getSession().flatMap(s -> s.persist(settlement).call(s::flush).replaceWith(settlement));
    }

    /** The entries of an instrument's settlement, by account. */
    public Uni<List<SettlementEntry>> entries(TenantId tenant, UUID instrumentId) {
        return list("tenantId = ?1 and instrumentId = ?2 order by accountId", tenant.value(), instrumentId);
    }

    /**
     * The index observations of an underlying that settle an instrument: the last one at or before {@code start}
     * (first in the list, when there is one) and every one after {@code start} and at or before {@code expiry},
     * oldest first (ties: the later write last).
     *
     * @return rows, oldest first
     */
    public Uni<List<MarketPrice>> observations(TenantId tenant, UUID assetId, OffsetDateTime start,
            OffsetDateTime expiry) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("""
                        (select * from market_price where tenant_id = :t and asset_id = :a and observed_at <= :s
                         order by observed_at desc, created_at desc limit 1)
                        union all
                        (select * from market_price where tenant_id = :t and asset_id = :a
                         and observed_at > :s and observed_at <= :e)
                        order by observed_at, created_at""", MarketPrice.class)
                .setParameter("t", tenant.value()).setParameter("a", assetId).setParameter("s", start)
                .setParameter("e", expiry).getResultList());
    }

    /**
     * The accounts that hold a position in the instrument, locked {@code for no key update} in id order (the lock of
     * a margin-checked withdrawal: no position or balance write of these accounts runs until the settlement
     * commits).
     */
    public Uni<List<Account>> lockHolders(TenantId tenant, UUID instrumentId) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("""
                        select * from account where tenant_id = :t
                          and id in (select account_id from position where tenant_id = :t and instrument_id = :i)
                        order by id for no key update""", Account.class)
                .setParameter("t", tenant.value()).setParameter("i", instrumentId).getResultList());
    }

    /** The positions in the instrument, by account. */
    public Uni<List<Position>> positions(TenantId tenant, UUID instrumentId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from Position p where p.id.tenantId = :t and "
                        + "p.id.instrumentId = :i order by p.id.accountId", Position.class)
                .setParameter("t", tenant.value()).setParameter("i", instrumentId).getResultList());
    }

    /** Deletes every position in the instrument; the number deleted. */
    public Uni<Integer> deletePositions(TenantId tenant, UUID instrumentId) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("delete from position where tenant_id = :t and "
                        + "instrument_id = :i").setParameter("t", tenant.value()).setParameter("i", instrumentId)
                .executeUpdate());
    }

    /**
     * Debits at most {@code amount} (positive) from a pool's balance of an asset: all of it when the balance covers
     * it, else the whole balance.
     *
     * @param poolInstrumentId the isolated pool's instrument, or null for the cross pool
     * @return {debited, balance after}; {0, 0} when there is no balance
     */
    public Uni<BigDecimal[]> debitUpTo(TenantId tenant, UUID accountId, UUID poolInstrumentId, UUID assetId,
            BigDecimal amount) {
        String table = poolInstrumentId == null ? "balance" : "isolated_balance";
        String pool = poolInstrumentId == null ? "" : " and instrument_id = :i";
        String poolB = poolInstrumentId == null ? "" : " and b.instrument_id = :i";
        return Panache.getSession().flatMap(s -> {
            var q = s.createNativeQuery("with o as (select amount from " + table + " where tenant_id = :t and "
                    + "account_id = :a and asset_id = :s" + pool + " for update) update " + table + " b set amount = "
                    + "b.amount - least(o.amount, :x), updated_at = now() from o where b.tenant_id = :t and "
                    + "b.account_id = :a and b.asset_id = :s" + poolB + " returning o.amount - b.amount, b.amount",
                    Object[].class).setParameter("t", tenant.value()).setParameter("a", accountId)
                    .setParameter("s", assetId).setParameter("x", amount);
            if (poolInstrumentId != null) {
                q.setParameter("i", poolInstrumentId);
            }
            return q.getResultList();
        }).map(rows -> rows.isEmpty() ? new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO}
                : new BigDecimal[] {(BigDecimal) rows.get(0)[0], (BigDecimal) rows.get(0)[1]});
    }
}
