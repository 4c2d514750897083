package io.ballast.risk.repository;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Set;

/**
 * Tells a failure of the database as a server (down, restarting, unreachable, out of connections: retrying later
 * succeeds) from a failure of the data (a constraint, a value out of range: retrying fails again).
 *
 * <p>Consumers of acknowledged input use it to decide between waiting and dead-lettering: a tick that could not be
 * stored because PostgreSQL was restarting must be applied when it is back, never copied aside as if it were bad.
 */
public final class DatabaseOutage {

    /**
     * SQLSTATE classes and codes of a server that cannot serve now: 08 connection exceptions, 53 insufficient
     * resources, 57P01 to 57P03 (admin or crash shutdown, cannot connect now), 58 system errors, and the
     * serialization and deadlock failures 40001 and 40P01 that a retry resolves.
     */
    private static final Set<String> CODES = Set.of("57P01", "57P02", "57P03", "40001", "40P01");

    private DatabaseOutage() {
    }

    /**
     * Whether a failure (or any of its causes) says the database could not serve, so that the same work may succeed
     * when it is retried later.
     *
     * @param failure the failure of a database call
     * @return true for connection, shutdown, resource and serialization failures; false otherwise
     */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("58")
                        || CODES.contains(state)) {
                    return true;
                }
            }
            if (t instanceof ConnectException || t instanceof IOException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return true;
            }
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (t instanceof io.vertx.core.VertxException && (message.contains("connection")
                    || message.contains("closed"))) {
                return true;
            }
        }
        return false;
    }
}
