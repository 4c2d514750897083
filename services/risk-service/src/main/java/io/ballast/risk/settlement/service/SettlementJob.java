package io.ballast.risk.settlement.service;

import io.ballast.risk.common.Stopping;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.settlement.config.SettlementConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The scheduled settlement run: every {@code ballast.settlement.interval} (default 30 s, never overlapping itself on
 * one instance), the instruments that expired at least {@code ballast.settlement.delay} ago and still hold positions
 * are settled one by one, each in its own transaction ({@link SettlementService#settle}). Safe with several
 * instances: an instrument is locked {@code for no key update skip locked} while it settles (another instance skips
 * it) and its settlement row makes a second settlement a no-op. A failed instrument is logged and retried at the
 * next run; it does not stop the others.
 */
@ApplicationScoped
public class SettlementJob {

    private static final Logger LOG = Logger.getLogger(SettlementJob.class);

    private final SettlementService settlement;
    private final SettlementConfig config;
    private final Stopping stopping;

    /** Wires collaborators. */
    public SettlementJob(SettlementService settlement, SettlementConfig config, Stopping stopping) {
        this.stopping = stopping;
        this.settlement = settlement;
        this.config = config;
    }

    /** One scheduled run. */
    @Scheduled(identity = "settlement", every = "${ballast.settlement.interval:30s}",
            delayed = "${ballast.settlement.start-delay:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> scheduled() {
        return run(Instant.now()).onFailure().invoke(e -> stopping.passFailed(LOG, "settlement run failed", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Settles every due instrument at {@code now}.
     *
     * @param now the current time
     * @return the outcome of each due instrument (failures are logged and left out)
     */
    public Uni<List<SettlementService.Outcome>> run(Instant now) {
        return settlement.due(now.minus(config.delay()), config.batch()).flatMap(due -> due.isEmpty()
                ? Uni.createFrom().item(List.<SettlementService.Outcome>of())
                : Multi.createFrom().iterable(due).onItem().transformToUniAndConcatenate(d -> settlement
                        .settle(TenantId.of(d.tenantId()), d.instrumentId(), now)
                        .invoke(o -> {
                            if (o.status() == SettlementService.Status.SETTLED) {
                                LOG.infof("settled instrument %s of tenant %s at %s: %d position(s)",
                                        d.instrumentId(), d.tenantId(), o.settlementPriceUsd(), o.positions());
                            } else if (o.status() == SettlementService.Status.NO_PRICE) {
                                LOG.debugf("instrument %s of tenant %s expired without an index observation at or "
                                        + "before expiry; waiting", d.instrumentId(), d.tenantId());
                            }
                        })
                        .onFailure().invoke(e -> LOG.warnf(e, "settling instrument %s of tenant %s failed",
                                d.instrumentId(), d.tenantId()))
                        .onFailure().recoverWithNull())
                        .collect().asList().map(l -> l.stream().filter(java.util.Objects::nonNull).toList()));
    }
}
