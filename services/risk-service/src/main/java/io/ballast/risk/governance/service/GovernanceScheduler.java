package io.ballast.risk.governance.service;

import io.ballast.risk.common.Stopping;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The timed steps of governance: approved proposals whose timelock elapsed take effect, open proposals past their
 * expiry expire. Safe with several instances (rows are locked with {@code skip locked}); a failed pass is logged and
 * retried at the next tick.
 */
@ApplicationScoped
public class GovernanceScheduler {

    private static final Logger LOG = Logger.getLogger(GovernanceScheduler.class);
    /** Proposals handled per pass and kind. */
    static final int BATCH = 50;

    private final GovernanceService governance;
    private final Stopping stopping;

    /** Wires the service. */
    public GovernanceScheduler(GovernanceService governance, Stopping stopping) {
        this.stopping = stopping;
        this.governance = governance;
    }

    /** One pass; every {@code ballast.governance.sweep-interval} (default 5 s), never overlapping itself. */
    @Scheduled(every = "${ballast.governance.sweep-interval:5s}", delayed = "${ballast.governance.start-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> sweep() {
        return governance.sweep(BATCH)
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("governance sweep: %d proposal(s) took effect or expired", n);
                    }
                })
                .onFailure().invoke(e -> stopping.passFailed(LOG, "governance sweep failed", e))
                .onFailure().recoverWithItem(0).replaceWithVoid();
    }
}
