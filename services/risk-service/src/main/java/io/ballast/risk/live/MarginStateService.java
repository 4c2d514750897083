package io.ballast.risk.live;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.live.TenantBook.Transition;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Stores margin state transitions with their events: each account's {@code account_margin_state} row and the
 * event's outbox row (topic {@code ballast.margin-events}) in ONE transaction, guarded by the sequence number: a
 * row whose stored seq is not the expected one (another owner moved it) fails the whole transaction, so nothing is
 * published twice or out of order.
 */
@ApplicationScoped
public class MarginStateService {

    /** Thrown when a stored state is not at the expected sequence number. */
    public static final class StaleStateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleStateException(String message) {
            super(message);
        }
    }

    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public MarginStateService(OutboxWriter outbox) {
        this.outbox = outbox;
    }

    /**
     * Stores transitions of one tenant.
     *
     * @param tenant         the tenant
     * @param transitions    the transitions (expected seq in {@code previous})
     * @param priceVersions  the price versions used
     * @param parameterVersion the parameter version used
     * @return completion; fails with {@link StaleStateException} when a row moved meanwhile
     */
    @WithTransaction
    public Uni<Void> store(TenantId tenant, List<Transition> transitions, String priceVersions,
            String parameterVersion) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Multi.createFrom().iterable(transitions).onItem().transformToUniAndConcatenate(t ->
                        write(tenant, t, priceVersions, parameterVersion, now)
                                .call(x -> outbox.record(tenant, Topics.MARGIN_EVENTS, "account", t.accountId(),
                                        t.eventType(), t.payload()))
                                // written: keep the session small (a flush checks every entity it holds, so tens of
                                // thousands of transitions of a book build would cost quadratic time)
                                .call(x -> Panache.getSession().flatMap(session -> session.flush()
                                        .invoke(session::clear))))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> write(TenantId tenant, Transition t, String priceVersions, String parameterVersion,
            OffsetDateTime now) {
        if (t.previous().seq() == 0) {
            AccountMarginState s = new AccountMarginState();
            s.id = new AccountMarginState.Key(tenant.value(), t.accountId());
            s.status = t.next().status();
            s.held = t.next().held();
            s.equityUsd = money(t.result().equityUsd());
            s.initialMarginUsd = money(t.result().initialMarginUsd());
            s.maintenanceMarginUsd = money(t.result().maintenanceMarginUsd());
            s.seq = t.next().seq();
            s.priceVersions = priceVersions;
            s.parameterVersion = parameterVersion;
            s.updatedAt = now;
            return Panache.getSession().flatMap(x -> x.persist(s)).replaceWithVoid();
        }
        return Panache.getSession().flatMap(x -> x.createMutationQuery("update AccountMarginState s set "
                        + "s.status = :status, s.held = :held, s.equityUsd = :eq, s.initialMarginUsd = :im, "
                        + "s.maintenanceMarginUsd = :mm, s.seq = :next, s.priceVersions = :pv, "
                        + "s.parameterVersion = :par, s.updatedAt = :at "
                        + "where s.id.tenantId = :t and s.id.accountId = :a and s.seq = :expected")
                .setParameter("status", t.next().status()).setParameter("held", t.next().held())
                .setParameter("eq", money(t.result().equityUsd()))
                .setParameter("im", money(t.result().initialMarginUsd()))
                .setParameter("mm", money(t.result().maintenanceMarginUsd()))
                .setParameter("next", t.next().seq()).setParameter("pv", priceVersions)
                .setParameter("par", parameterVersion).setParameter("at", now)
                .setParameter("t", tenant.value()).setParameter("a", t.accountId())
                .setParameter("expected", t.previous().seq()).executeUpdate())
                .flatMap(n -> n == 1 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new StaleStateException("margin state of account "
                                + t.accountId() + " is not at seq " + t.previous().seq())));
    }

    private static BigDecimal money(double usd) {
        return Double.isFinite(usd) ? BigDecimal.valueOf(usd) : BigDecimal.ZERO;
    }
}
