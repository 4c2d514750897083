package io.ballast.risk.support;

import io.ballast.devstack.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Counting queries as the database owner (row-level security does not apply to it), for tests that look at rows
 * the service's own role may not see or must not be trusted to report, such as every outbox row of a tenant.
 */
public final class OwnerSql {

    private OwnerSql() {
    }

    /**
     * A new connection as the owner; the caller closes it.
     *
     * @return the connection
     * @throws SQLException when the server refuses it
     */
    public static Connection connection() throws SQLException {
        PostgresServer pg = BallastServersResource.servers().postgres();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.ownerUser(), pg.ownerPassword());
    }

    /**
     * A count.
     *
     * @param sql    a {@code select count(*)} with one parameter, the tenant
     * @param tenant the tenant id bound to that parameter
     * @return the count
     * @throws SQLException when the query fails
     */
    public static long count(String sql, UUID tenant) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * Runs a statement with one parameter, the tenant (for example to age a tenant's rows).
     *
     * @param sql    the statement
     * @param tenant the tenant id bound to its parameter
     * @throws SQLException when it fails
     */
    public static void execute(String sql, UUID tenant) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, tenant);
            s.executeUpdate();
        }
    }

    /**
     * Waits (at most a minute, polling every 100 ms) until a count is zero.
     *
     * @param sql    a {@code select count(*)} with one parameter, the tenant
     * @param tenant the tenant id
     * @param what   what is awaited, for the failure message
     * @throws Exception when the count is still not zero after a minute, or the query fails
     */
    public static void awaitZero(String sql, UUID tenant, String what) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (count(sql, tenant) == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " within a minute");
    }
}
