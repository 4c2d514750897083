package io.ballast.risk.common;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

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

    /**
     * Logs a periodic pass's failure: a WARN with the failure's stack trace, or, once the service is stopping, one
     * line at DEBUG (the pool or the broker closing under the pass).
     *
     * @param log  the pass's logger
     * @param what what failed (e.g. "settlement run failed")
     * @param e    the failure
     */
    public void passFailed(Logger log, String what, Throwable e) {
        if (stopping) {
            log.debugf("%s at the stop: %s", what, e.getMessage());
        } else {
            log.warn(what, e);
        }
    }

    /**
     * As {@link #passFailed}, the WARN one line ({@code what: message}) without the stack trace, for passes whose
     * failures are expected while the database or the broker is away (the relay, the reconciler).
     *
     * @param log  the pass's logger
     * @param what what failed
     * @param e    the failure
     */
    public void passFailedBriefly(Logger log, String what, Throwable e) {
        if (stopping) {
            log.debugf("%s at the stop: %s", what, e.getMessage());
        } else {
            log.warnf("%s: %s", what, e.getMessage());
        }
    }
}
