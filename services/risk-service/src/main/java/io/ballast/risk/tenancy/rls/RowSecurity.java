package io.ballast.risk.tenancy.rls;

import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.TypeArg;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The second tenant barrier (docs/security.md "Row-level security"): PostgreSQL policies on every table with a
 * {@code tenant_id} column admit a row only when it belongs to the tenant named by the transaction-local setting
 * {@value #TENANT_SETTING}, or when the transaction is opened to every tenant by {@value #PLATFORM_SETTING} =
 * {@code on}. Both are set with {@code set_config(name, value, true)} ({@code SET LOCAL}): they end with the
 * transaction, so a pooled connection never carries one into the next transaction, and a transaction that sets
 * neither sees and writes nothing.
 *
 * <p>Panache work is bound by {@link TenantBinding} from the method's {@link TenantId} parameter (or
 * its {@link CrossTenant} annotation); work on the reactive SQL client goes through {@link #inTenant} or
 * {@link #acrossTenants}.
 */
public final class RowSecurity {

    /** Transaction-local setting naming the tenant whose rows the transaction sees (a UUID as text). */
    public static final String TENANT_SETTING = "ballast.tenant_id";
    /** Transaction-local setting that, when {@code on}, opens the transaction to every tenant's rows. */
    public static final String PLATFORM_SETTING = "ballast.platform";

    private static final String SET_TENANT = "select set_config('" + TENANT_SETTING + "', $1, true)";
    private static final String SET_PLATFORM = "select set_config('" + PLATFORM_SETTING + "', 'on', true)";
    private static final String SNAPSHOT = "set transaction isolation level repeatable read, read only";
    private static final String BOUND_KEY = "ballast.row-security.bound";

    /** What the Panache transaction on this Vert.x context was last bound to. */
    private record Bound(Mutiny.Transaction transaction, String scope) {
    }

    private RowSecurity() {
    }

    /**
     * Runs work on the reactive SQL client in one transaction bound to a tenant.
     *
     * @param pool   the reactive SQL client
     * @param tenant the tenant whose rows the work sees and writes
     * @param work   the statements, on the transaction's connection
     * @param <T>    the result type
     * @return the work's result, after commit
     */
    public static <T> Uni<T> inTenant(Pool pool, TenantId tenant, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(conn -> conn.preparedQuery(SET_TENANT).execute(Tuple.of(tenant.toString()))
                .chain(() -> work.apply(conn)));
    }

    /**
     * Runs read-only work of one tenant on the reactive SQL client in one {@code REPEATABLE READ} transaction: every
     * statement of the work reads the same snapshot of the database (taken at its first statement, the tenant's
     * binding), so rows read in several statements, or in pages, are as consistent with each other as one
     * statement's rows are. A write in the work fails.
     *
     * @param pool   the reactive SQL client
     * @param tenant the tenant whose rows the work sees
     * @param work   the statements, on the transaction's connection
     * @param <T>    the result type
     * @return the work's result, after the transaction ends
     */
    public static <T> Uni<T> snapshotInTenant(Pool pool, TenantId tenant, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(conn -> conn.query(SNAPSHOT).execute()
                .chain(() -> conn.preparedQuery(SET_TENANT).execute(Tuple.of(tenant.toString())))
                .chain(() -> work.apply(conn)));
    }

    /**
     * Runs platform work on the reactive SQL client in one transaction opened to every tenant's rows. Only for
     * the code paths listed in docs/security.md "Row-level security".
     *
     * @param pool the reactive SQL client
     * @param work the statements, on the transaction's connection
     * @param <T>  the result type
     * @return the work's result, after commit
     */
    public static <T> Uni<T> acrossTenants(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(conn -> conn.query(SET_PLATFORM).execute().chain(() -> work.apply(conn)));
    }

    /**
     * The write that follows the read of {@link #acrossTenantsReadThenWrite}, and what the work answers once it is
     * committed.
     *
     * @param sql       the statement, or null when there is nothing to write
     * @param arguments its arguments (null with no statement)
     * @param result    the work's answer
     * @param <T>       its type
     */
    public record Write<T>(String sql, Tuple arguments, T result) {

        /**
         * Nothing to write: the transaction commits its read.
         *
         * @param result the work's answer
         * @param <T>    its type
         * @return the write
         */
        public static <T> Write<T> none(T result) {
            return new Write<>(null, null, result);
        }
    }

    /** How the Mutiny API wraps the rows of a bare {@code io.vertx.sqlclient.RowSet}. */
    private static final TypeArg<Row> ROWS = new TypeArg<>(o -> Row.newInstance((io.vertx.sqlclient.Row) o),
            o -> ((Row) o).getDelegate());

    /**
     * Runs platform work of one read and at most one write, decided in memory from the read, in one transaction of
     * TWO round trips: {@code BEGIN}, the platform setting and the read go out together (pipelined on one
     * connection), then the write and {@code COMMIT} together. A transaction through {@link #acrossTenants} waits for
     * each statement in turn (five round trips for the same work): on the price consumer's path, which runs one such
     * transaction per poll, each round trip is a wait for a busy event loop (docs/benchmarks.md, session 23).
     *
     * <p>A failure of any statement fails the work and nothing is kept: PostgreSQL refuses every statement after a
     * failed one in the transaction and answers the {@code COMMIT} sent with a failed write by rolling back; a
     * {@code ROLLBACK} follows every failure before the connection goes back to the pool. Only for the code paths
     * listed in docs/security.md "Row-level security".
     *
     * @param pool      the reactive SQL client
     * @param readSql   the read (a prepared statement)
     * @param arguments its arguments
     * @param then      from the read's rows, the write and the answer (runs on the connection's event loop)
     * @param <T>       the answer's type
     * @return the answer, after commit
     */
    public static <T> Uni<T> acrossTenantsReadThenWrite(Pool pool, String readSql, Tuple arguments,
            Function<RowSet<Row>, Write<T>> then) {
        return twoRoundTrips(pool, SET_PLATFORM, null, List.of(Statement.of(readSql, arguments)),
                rows -> then.apply(rows.get(0)));
    }

    /**
     * Runs one prepared statement on the reactive SQL client in a transaction bound to a tenant.
     *
     * @param pool      the reactive SQL client
     * @param tenant    the tenant whose rows the statement sees and writes
     * @param sql       the statement
     * @param arguments its arguments
     * @return its rows, after commit
     */
    public static Uni<RowSet<Row>> query(Pool pool, TenantId tenant, String sql, Tuple arguments) {
        return statementsInTenant(pool, tenant, List.of(Statement.of(sql, arguments))).map(r -> r.get(0));
    }

    /**
     * Runs one prepared statement of platform work in a transaction opened to every tenant's rows. Only for the code
     * paths listed in docs/security.md "Row-level security".
     *
     * @param pool      the reactive SQL client
     * @param sql       the statement
     * @param arguments its arguments
     * @return its rows, after commit
     */
    public static Uni<RowSet<Row>> queryAcrossTenants(Pool pool, String sql, Tuple arguments) {
        return statementsAcrossTenants(pool, List.of(Statement.of(sql, arguments))).map(r -> r.get(0));
    }

    /**
     * Prepared statements of one tenant's work in a transaction of ONE round trip: {@code BEGIN}, the binding, the
     * statements and {@code COMMIT} written together on one connection (pipelined), for statements that need no
     * answer of each other. The work sees and writes the tenant's rows only, as through {@link #inTenant}.
     *
     * @param pool       the reactive SQL client
     * @param tenant     the tenant whose rows the statements see and write
     * @param statements the statements, executed in order
     * @return each statement's rows, in order, after commit
     */
    public static Uni<List<RowSet<Row>>> statementsInTenant(Pool pool, TenantId tenant, List<Statement> statements) {
        return oneRoundTrip(pool, SET_TENANT, Tuple.of(tenant.toString()), statements);
    }

    /**
     * Prepared read-only statements of one tenant in ONE round trip and ONE snapshot: as {@link #statementsInTenant},
     * in a {@code REPEATABLE READ, READ ONLY} transaction, so that every statement reads the same state of the database
     * (in the default isolation each statement takes a snapshot of its own). A write in them fails.
     *
     * @param pool       the reactive SQL client
     * @param tenant     the tenant whose rows the statements see
     * @param statements the statements, executed in order
     * @return each statement's rows, in order
     */
    public static Uni<List<RowSet<Row>>> snapshotStatementsInTenant(Pool pool, TenantId tenant,
            List<Statement> statements) {
        return oneRoundTrip(pool, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", SET_TENANT,
                Tuple.of(tenant.toString()), statements);
    }

    /**
     * Prepared statements of platform work in a transaction of ONE round trip opened to every tenant's rows (see
     * {@link #statementsInTenant}). Only for the code paths listed in docs/security.md "Row-level security".
     *
     * @param pool       the reactive SQL client
     * @param statements the statements, executed in order
     * @return each statement's rows, in order, after commit
     */
    public static Uni<List<RowSet<Row>>> statementsAcrossTenants(Pool pool, List<Statement> statements) {
        return oneRoundTrip(pool, SET_PLATFORM, null, statements);
    }

    /**
     * Prepared statements of one tenant's work, then at most one write decided in memory from their rows, in one
     * transaction of TWO round trips (as {@link #acrossTenantsReadThenWrite} for platform work): {@code BEGIN}, the
     * binding and the statements go out together, then the write and {@code COMMIT} together. {@code then} may throw
     * to roll everything back (a row count it did not expect, say): the work fails with what it threw.
     *
     * @param pool       the reactive SQL client
     * @param tenant     the tenant whose rows the work sees and writes
     * @param statements the first statements, executed in order
     * @param then       from their rows, in order, the write and the answer (runs on the connection's event loop)
     * @param <T>        the answer's type
     * @return the answer, after commit
     */
    public static <T> Uni<T> inTenantReadThenWrite(Pool pool, TenantId tenant, List<Statement> statements,
            Function<List<RowSet<Row>>, Write<T>> then) {
        return twoRoundTrips(pool, SET_TENANT, Tuple.of(tenant.toString()), statements, then);
    }

    /**
     * A prepared statement and its arguments: executed once per tuple (as one batch when there are several).
     *
     * @param sql       the statement
     * @param arguments one tuple per execution, at least one
     */
    public record Statement(String sql, List<Tuple> arguments) {

        /** Checks the executions. */
        public Statement {
            if (arguments.isEmpty()) {
                throw new IllegalArgumentException("a statement executes at least once");
            }
            arguments = List.copyOf(arguments);
        }

        /**
         * A statement executed once.
         *
         * @param sql       the statement
         * @param arguments its arguments
         * @return the statement
         */
        public static Statement of(String sql, Tuple arguments) {
            return new Statement(sql, List.of(arguments));
        }

        private Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> execute(io.vertx.sqlclient.SqlConnection c) {
            io.vertx.sqlclient.PreparedQuery<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> q =
                    c.preparedQuery(sql);
            return arguments.size() == 1 ? q.execute(arguments.get(0).getDelegate())
                    : q.executeBatch(arguments.stream().map(Tuple::getDelegate).toList());
        }
    }

    /**
     * The statements in a transaction of ONE round trip. Through {@code Pool.withTransaction} the same work waits for
     * each statement in turn: a wake-up of PostgreSQL and of the event loop for each, where one does, on the path of
     * every answer from a hot book ({@code BookLoader.marks}, docs/benchmarks.md, session 29). A failed statement
     * leaves the transaction aborted, so the {@code COMMIT} behind it rolls back; a {@code ROLLBACK} follows every
     * failure before the connection goes back to the pool.
     */
    private static Uni<List<RowSet<Row>>> oneRoundTrip(Pool pool, String bindSql, Tuple bindArguments,
            List<Statement> statements) {
        return oneRoundTrip(pool, "BEGIN", bindSql, bindArguments, statements);
    }

    private static Uni<List<RowSet<Row>>> oneRoundTrip(Pool pool, String begin, String bindSql, Tuple bindArguments,
            List<Statement> statements) {
        return pool.getConnection().flatMap(conn -> {
            io.vertx.sqlclient.SqlConnection c = conn.getDelegate();
            List<Future<?>> all = new ArrayList<>();
            List<Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>>> rows = opened(c, begin, bindSql,
                    bindArguments, statements, all);
            all.add(c.query("COMMIT").execute());
            Future<List<RowSet<Row>>> committed = Future.join(all).transform(x -> firstFailure(all) == null
                    ? Future.succeededFuture(results(rows)) : Future.failedFuture(firstFailure(all)));
            return UniHelper.toUni(rolledBackOnFailure(c, committed)).onTermination().call(conn::close);
        });
    }

    /** The two-round-trip transaction of {@link #acrossTenantsReadThenWrite} and {@link #inTenantReadThenWrite}. */
    private static <T> Uni<T> twoRoundTrips(Pool pool, String bindSql, Tuple bindArguments,
            List<Statement> statements, Function<List<RowSet<Row>>, Write<T>> then) {
        return pool.getConnection().flatMap(conn -> {
            io.vertx.sqlclient.SqlConnection c = conn.getDelegate();
            List<Future<?>> first = new ArrayList<>();
            List<Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>>> rows = opened(c, "BEGIN", bindSql,
                    bindArguments, statements, first);
            Future<T> committed = Future.join(first).transform(x -> firstFailure(first) != null
                    ? Future.<T>failedFuture(firstFailure(first)) : Future.<T>succeededFuture()).compose(x -> {
                        Write<T> write = then.apply(results(rows));
                        Future<?> written = write.sql() == null ? Future.succeededFuture()
                                : c.preparedQuery(write.sql()).execute(write.arguments().getDelegate());
                        Future<?> commit = c.query("COMMIT").execute();
                        return Future.all(written, commit).map(y -> write.result());
                    });
            return UniHelper.toUni(rolledBackOnFailure(c, committed)).onTermination().call(conn::close);
        });
    }

    /**
     * Schedules {@code BEGIN}, the binding and the statements at once, not one after another (the client writes
     * them without waiting for answers), each one's future added to {@code sent} in order.
     *
     * @return the statements' futures
     */
    private static List<Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>>> opened(
            io.vertx.sqlclient.SqlConnection c, String begin, String bindSql, Tuple bindArguments,
            List<Statement> statements, List<Future<?>> sent) {
        sent.add(c.query(begin).execute());
        sent.add(bind(c, bindSql, bindArguments));
        List<Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>>> rows = new ArrayList<>();
        for (Statement st : statements) {
            rows.add(st.execute(c));
        }
        sent.addAll(rows);
        return rows;
    }

    private static Future<?> bind(io.vertx.sqlclient.SqlConnection c, String bindSql, Tuple bindArguments) {
        return bindArguments == null ? c.query(bindSql).execute()
                : c.preparedQuery(bindSql).execute(bindArguments.getDelegate());
    }

    /** The first statement's failure in the order they were sent (the later ones fail as "transaction aborted"). */
    private static Throwable firstFailure(List<Future<?>> futures) {
        for (Future<?> f : futures) {
            if (f.failed()) {
                return f.cause();
            }
        }
        return null;
    }

    private static List<RowSet<Row>> results(List<Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>>> rows) {
        List<RowSet<Row>> out = new ArrayList<>(rows.size());
        for (Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> f : rows) {
            out.add(RowSet.newInstance(f.result(), ROWS));
        }
        return out;
    }

    /**
     * After any failure (a statement, the work in memory), rolls back whatever is open before the connection goes
     * back to the pool; outside a transaction PostgreSQL only warns.
     */
    private static <T> Future<T> rolledBackOnFailure(io.vertx.sqlclient.SqlConnection c, Future<T> work) {
        return work.recover(e -> c.query("ROLLBACK").execute().transform(r -> Future.<T>failedFuture(e)));
    }

    /**
     * Runs Panache work in a transaction (joined if one is open) bound to a tenant: for programmatic transactions
     * whose first statement is not a method with a {@link TenantId} parameter (which {@link TenantBinding} binds).
     *
     * @param tenant the tenant whose rows the work sees and writes
     * @param work   the work
     * @param <T>    the result type
     * @return the work's result, after commit (or as part of the enclosing transaction)
     */
    public static <T> Uni<T> transaction(TenantId tenant, java.util.function.Supplier<Uni<T>> work) {
        return Panache.withTransaction(() -> bindTenant(tenant).chain(() -> work.get()));
    }

    /**
     * Runs Panache reads in one read-only REPEATABLE READ transaction bound to a tenant, so that every statement of
     * the work sees the same snapshot of the database: a write committed while the work runs (a snapshot half-way
     * through the reads, for example) is seen entirely or not at all. When a transaction is already open on the
     * context (a write that reads margin inputs under its own locks), the work joins it and that transaction's
     * isolation applies.
     *
     * @param tenant the tenant whose rows the work reads
     * @param work   the reads
     * @param <T>    the result type
     * @return the work's result
     */
    public static <T> Uni<T> consistentRead(TenantId tenant, java.util.function.Supplier<Uni<T>> work) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> {
            if (session.currentTransaction() != null) {
                return transaction(tenant, work);
            }
            return Panache.withTransaction(() -> session.createNativeQuery(
                            "set transaction isolation level repeatable read, read only").executeUpdate()
                    .chain(() -> bindTenant(tenant)).chain(() -> work.get()));
        }));
    }

    /**
     * Binds the current Panache transaction to a tenant (once per transaction; a repeat for the same tenant costs
     * nothing). Must run inside {@code Panache.withTransaction}.
     *
     * @param tenant the tenant whose rows the rest of the transaction sees and writes
     * @return completes once the setting is in place
     */
    public static Uni<Void> bindTenant(TenantId tenant) {
        return bind("tenant:" + tenant, "select set_config('" + TENANT_SETTING + "', ?1, true)", tenant.toString());
    }

    /**
     * Opens the current Panache transaction to every tenant's rows. Must run inside {@code Panache.withTransaction};
     * reached through {@link CrossTenant} methods only.
     *
     * @return completes once the setting is in place
     */
    static Uni<Void> bindPlatform() {
        return bind("platform", "select set_config('" + PLATFORM_SETTING + "', ?1, true)", "on");
    }

    private static Uni<Void> bind(String scope, String sql, String value) {
        return Panache.getSession().chain(session -> {
            Mutiny.Transaction transaction = session.currentTransaction();
            if (transaction == null) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "row-level security is set per transaction: bind inside Panache.withTransaction"));
            }
            Context context = Vertx.currentContext();
            Bound bound = context == null ? null : context.getLocal(BOUND_KEY);
            if (bound != null && bound.transaction() == transaction && bound.scope().equals(scope)) {
                return Uni.createFrom().voidItem();
            }
            // run as an update (its one row is not read): Hibernate keeps an update's plan, never a native
            // select's (docs/benchmarks.md, session 19), and this statement opens every bound transaction
            return session.createNativeQuery(sql).setParameter(1, value).executeUpdate()
                    .invoke(x -> {
                        if (context != null) {
                            context.putLocal(BOUND_KEY, new Bound(transaction, scope));
                        }
                    }).replaceWithVoid();
        });
    }
}
