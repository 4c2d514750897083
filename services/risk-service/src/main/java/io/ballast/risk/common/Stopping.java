package io.ballast.risk.common;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Whether the service is stopping: set when Quarkus announces its shutdown, before the database pool and the Kafka
 * clients close. A periodic pass (the outbox relay, the hot books' reconciler) starts no more work from then on, and
 * one that fails on a pool closing under it says so at DEBUG instead of warning an operator of a failure that is
 * only the stop (what it did not do is done by the next start: outbox rows stay until relayed, books are built
 * again from PostgreSQL).
 */
@ApplicationScoped
public class Stopping {

    private volatile boolean stopping;

    void onShutdown(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** @return true once the service has begun to stop */
    public boolean now() {
        return stopping;
    }
}
