package io.ballast.risk.live;

import io.ballast.risk.collateral.domain.IsolatedBalance;
import io.ballast.risk.common.CallerContext;
import io.ballast.risk.governance.repository.RiskSettingsRepository;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleStatusService;
import io.ballast.risk.market.OracleHealth;
import io.ballast.risk.market.curve.CurvePointRepository;
import io.ballast.risk.market.curve.MarketCurves;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.MarginDataRepository;
import io.ballast.risk.repository.MarketPriceRepository;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.tenancy.rls.RowSecurity.Statement;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Function;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.engine.spi.SelfDirtinessTracker;

/** Reads what a hot book is built from, in one session; and the small reads that keep it current. */
@ApplicationScoped
public class BookLoader {

    /** A tenant's outbox marks (migration V84, which names {@link Topics#EVENTS} and {@link Topics#PARAMETERS}). */
    static final String MARKS = "select events, parameters from outbox_marks($1)";

    private final RiskSettingsRepository riskSettings;

    private final AssetRepository assets;
    private final InstrumentRepository instruments;
    private final MarginDataRepository data;
    private final MarketPriceRepository prices;
    private final OracleStatusService oracles;
    private final LiveSettings settings;
    private final Pool pool;
    private final CurvePointRepository curvePoints;

    /** Wires collaborators. */
    public BookLoader(AssetRepository assets, InstrumentRepository instruments, MarginDataRepository data,
            MarketPriceRepository prices, OracleStatusService oracles, LiveSettings settings,
            RiskSettingsRepository riskSettings, Pool pool, CurvePointRepository curvePoints) {
        this.curvePoints = curvePoints;
        this.pool = pool;
        this.riskSettings = riskSettings;
        this.assets = assets;
        this.instruments = instruments;
        this.data = data;
        this.prices = prices;
        this.oracles = oracles;
        this.settings = settings;
    }

    /** @return the live settings books are built with */
    public LiveSettings settings() {
        return settings;
    }

    /**
     * Everything a tenant's book is built from: the small reference reads in one session (the event mark first, so
     * that events after it are applied again), then accounts, balances, positions, margin states and isolated
     * balances by keyset pages of {@value #PAGE} rows through the reactive SQL client (plain rows: no managed entities
     * to flush, and no page holds the event loop long), all in ONE snapshot ({@link RowSecurity#snapshotInTenant}),
     * and the prices in force LAST.
     *
     * <p>One snapshot, because an integrator may be writing the tenant meanwhile: read in separate statements, the
     * balances of an account could be read before its deposit committed and its positions after its new position
     * did, and the book would value an account with a position and no collateral, one that never was, and publish
     * it LIQUIDATABLE (CI saw that once, session 36); the deposit's event would then bring it back, RECOVERED. In
     * one snapshot the rows are a state the database was in, and what committed after it comes as events after the
     * mark.
     *
     * <p>A previous book may go on taking ticks and storing states meanwhile: read after the states, a price is never
     * older than one a stored state was decided at, so the new book cannot re-decide a state at an older price (CI
     * once saw a spurious RECOVERED that way, prices read before the states). States stored after the read (by a
     * store already running when the build started) are taken over before the new book is evaluated
     * ({@link TenantBook#takeOver}). The book itself is built by the caller, on a worker ({@link Rows#toBook}).
     *
     * @param tenant the tenant
     * @return the rows
     */
    public Uni<Rows> load(TenantId tenant) {
        return reference(tenant).flatMap(ref -> RowSecurity.snapshotInTenant(pool, tenant,
                conn -> read(conn, tenant, ref, new Shared()))
                .flatMap(rows -> prices(tenant).map(m -> rows.withMarket(m))));
    }

    /** The rows of {@link #load}, in the snapshot of {@code conn}'s transaction, every id through {@code ids}. */
    private Uni<Rows> read(SqlConnection conn, TenantId tenant, Reference ref, Shared ids) {
        return conn.query("select pg_current_snapshot()::text as s").execute()
                .map(r -> ReadSnapshot.parse(r.iterator().next().getString("s")))
                .flatMap(seen -> pages(conn, ACCOUNTS, tenant, r -> account(r, ids), a -> new UUID[] {a.id, a.id},
                        new ArrayList<>())
                .flatMap(acc -> pages(conn, BALANCES, tenant, r -> balance(r, ids),
                        b -> new UUID[] {b.id.accountId(), b.id.assetId()}, new ArrayList<>())
                .flatMap(bs -> held(tenant).replaceWith(bs))
                .flatMap(bs -> pages(conn, POSITIONS, tenant, r -> position(r, ids),
                        p -> new UUID[] {p.id.accountId(), p.id.instrumentId()}, new ArrayList<>())
                .flatMap(pos -> pages(conn, STATES, tenant, r -> state(r, ids),
                        st -> new UUID[] {st.id.accountId(), st.id.accountId()}, new ArrayList<>())
                .flatMap(st -> isolatedPages(conn, tenant, ids, new ArrayList<>())
                .map(iso -> new Rows(tenant, ref, acc, bs, pos, st, iso, seen)))))));
    }

    /** For tests: where the next read of a tenant's rows waits (between its balances and its positions). */
    private volatile Hold hold;

    private record Hold(UUID tenant, java.util.concurrent.CompletableFuture<Void> reached,
            java.util.concurrent.CompletionStage<Void> release) {
    }

    /**
     * For tests: the next read of the tenant's rows ({@link #load}), once it has read the balances and before it reads
     * the positions, completes {@code reached} and goes on when {@code release} completes, so that a test can write
     * between the two.
     */
    void holdNextLoad(UUID tenant, java.util.concurrent.CompletableFuture<Void> reached,
            java.util.concurrent.CompletionStage<Void> release) {
        hold = new Hold(tenant, reached, release);
    }

    private Uni<Void> held(TenantId tenant) {
        Hold h = hold;
        if (h == null || !h.tenant().equals(tenant.value())) {
            return Uni.createFrom().voidItem();
        }
        hold = null;
        Uni<Void> released = CallerContext.resumeHere(Uni.createFrom().completionStage(h.release()).replaceWithVoid());
        h.reached().complete(null);
        return released;
    }

    /** Rows per page of the keyset reads. */
    static final int PAGE = 5_000;
    private static final UUID ZERO = new UUID(0, 0);
    private static final String ACCOUNT_COLUMNS = "select id, tenant_id, external_id, margin_mode, status, "
            + "version, created_at, updated_at from account where tenant_id = $1";
    private static final String BALANCE_COLUMNS = "select tenant_id, account_id, asset_id, amount "
            + "from balance where tenant_id = $1";
    private static final String POSITION_COLUMNS = "select tenant_id, account_id, instrument_id, quantity, "
            + "entry_price from position where tenant_id = $1";
    private static final String ISOLATED_COLUMNS = "select tenant_id, account_id, instrument_id, asset_id, amount "
            + "from isolated_balance where tenant_id = $1";
    private static final String ACCOUNTS = ACCOUNT_COLUMNS + " and status <> 'CLOSED' and id > $2 "
            + "and $3::uuid is not null order by id limit $4";
    private static final String BALANCES = BALANCE_COLUMNS + " and (account_id, asset_id) > ($2, $3) "
            + "order by account_id, asset_id limit $4";
    private static final String POSITIONS = POSITION_COLUMNS + " and (account_id, instrument_id) > ($2, $3) "
            + "order by account_id, instrument_id limit $4";
    private static final String ISOLATED = ISOLATED_COLUMNS + " and (account_id, instrument_id, asset_id) > "
            + "($2, $3, $4) order by account_id, instrument_id, asset_id limit $5";
    private static final String STATES = "select tenant_id, account_id, status, held, seq from account_margin_state "
            + "where tenant_id = $1 and account_id > $2 and $3::uuid is not null order by account_id limit $4";

    @WithSession
    Uni<Reference> reference(TenantId tenant) {
        // the marks first: the rows read after them hold at least every change their events stand for
        return marks(tenant).flatMap(m -> assets.listFor(tenant).flatMap(as -> instruments.listFor(tenant)
                .flatMap(is -> data.parametersInForce(tenant, OffsetDateTime.now(ZoneOffset.UTC))
                        .flatMap(ps -> riskSettings.inForce(tenant, OffsetDateTime.now(ZoneOffset.UTC))
                                .map(rs -> new Reference(m[0], m[1], as, is, ps, rs, null, null, null))))));
    }

    private <T> Uni<List<T>> pages(SqlConnection conn, String sql, TenantId tenant, Function<Row, T> map,
            Function<T, UUID[]> key, List<T> into) {
        UUID[] after = into.isEmpty() ? new UUID[] {ZERO, ZERO} : key.apply(into.get(into.size() - 1));
        Tuple page = Tuple.of(tenant.value(), after[0], after[1], PAGE);
        return conn.preparedQuery(sql).execute(page).flatMap(rows -> {
            for (Row r : rows) {
                into.add(map.apply(r));
            }
            return rows.size() < PAGE ? Uni.createFrom().item(into) : pages(conn, sql, tenant, map, key, into);
        });
    }

    /** Isolated balances by keyset pages (a three-column key, so not through {@link #pages}). */
    private Uni<List<IsolatedBalance>> isolatedPages(SqlConnection conn, TenantId tenant, Shared ids,
            List<IsolatedBalance> into) {
        IsolatedBalance.Key k = into.isEmpty() ? new IsolatedBalance.Key(null, ZERO, ZERO, ZERO)
                : into.get(into.size() - 1).id;
        return conn.preparedQuery(ISOLATED).execute(Tuple.of(tenant.value(), k.accountId(), k.instrumentId(),
                k.assetId(), PAGE)).flatMap(rows -> {
            for (Row r : rows) {
                into.add(isolatedBalance(r, ids));
            }
            return rows.size() < PAGE ? Uni.createFrom().item(into) : isolatedPages(conn, tenant, ids, into);
        });
    }

    /*
     * The book's rows are held for as long as the tenant is owned: a million positions in the load's tenant, 906 MB
     * of live heap with them before session 40, 587 MB since (docs/scaling.md, "Memory"). So the mappers keep no more
     * than the book uses: every id through one Shared instance per read (a UUID is 32 bytes, and each position
     * repeats the tenant's, its account's and its instrument's), no updated_at of positions and balances (nothing in
     * the book or its answers reads it; lists of positions and balances are read from the database), and no record
     * of the fields they set (untracked).
     */

    private static IsolatedBalance isolatedBalance(Row r, Shared ids) {
        IsolatedBalance b = new IsolatedBalance();
        b.id = new IsolatedBalance.Key(ids.of(r.getUUID("tenant_id")), ids.of(r.getUUID("account_id")),
                ids.of(r.getUUID("instrument_id")), ids.of(r.getUUID("asset_id")));
        b.amount = r.getBigDecimal("amount");
        return untracked(b);
    }

    private static io.ballast.risk.domain.Account account(Row r, Shared ids) {
        io.ballast.risk.domain.Account a = new io.ballast.risk.domain.Account();
        a.id = ids.of(r.getUUID("id"));
        a.tenantId = ids.of(r.getUUID("tenant_id"));
        a.externalId = r.getString("external_id");
        a.marginMode = io.ballast.risk.domain.MarginMode.valueOf(r.getString("margin_mode"));
        a.status = io.ballast.risk.domain.AccountStatus.valueOf(r.getString("status"));
        a.version = r.getLong("version");
        a.createdAt = r.getOffsetDateTime("created_at");
        a.updatedAt = r.getOffsetDateTime("updated_at");
        return untracked(a);
    }

    private static io.ballast.risk.domain.Balance balance(Row r, Shared ids) {
        io.ballast.risk.domain.Balance b = new io.ballast.risk.domain.Balance();
        b.id = new io.ballast.risk.domain.Balance.Key(ids.of(r.getUUID("tenant_id")), ids.of(r.getUUID("account_id")),
                ids.of(r.getUUID("asset_id")));
        b.amount = r.getBigDecimal("amount");
        return untracked(b);
    }

    private static io.ballast.risk.domain.Position position(Row r, Shared ids) {
        io.ballast.risk.domain.Position p = new io.ballast.risk.domain.Position();
        p.id = new io.ballast.risk.domain.Position.Key(ids.of(r.getUUID("tenant_id")), ids.of(r.getUUID("account_id")),
                ids.of(r.getUUID("instrument_id")));
        p.quantity = compact(r.getBigDecimal("quantity"));
        p.entryPrice = compact(r.getBigDecimal("entry_price"));
        return untracked(p);
    }

    /**
     * A position's amount without the zeros the schema's scale 18 pads it with: {@code 0.5} is stored as
     * {@code 0.500000000000000000} (19 digits) and a price of {@code 90000.12} as 23 digits, which need a
     * {@code BigInteger} (about 64 bytes more) and are converted to the engine's double by formatting them
     * ({@link io.ballast.margin.Decimals}). The same value in a {@code long} when it has at most 18 digits (a stripped
     * {@code BigDecimal} keeps the {@code BigInteger} it was stripped from). Only the engine reads these amounts
     * (positions listed by the API are read from the database), so their scale is never printed.
     */
    static BigDecimal compact(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.precision() <= 18 ? BigDecimal.valueOf(stripped.unscaledValue().longValue(), stripped.scale())
                : stripped;
    }

    /**
     * Forgets the field writes of a mapping: Hibernate's bytecode enhancement records each write to an entity in an
     * array kept on it (32 bytes a row) for a flush the book's rows never have.
     */
    private static <T> T untracked(T entity) {
        if (entity instanceof SelfDirtinessTracker t) {
            t.$$_hibernate_clearDirtyAttributes();
        }
        return entity;
    }

    /** One instance per distinct value among the rows of one read (ids; held only while the read runs). */
    static final class Shared {
        private final Map<Object, Object> seen = new HashMap<>();

        /** @param value a value @return the first equal value this read saw, or this one */
        @SuppressWarnings("unchecked")
        <T> T of(T value) {
            if (value == null) {
                return null;
            }
            Object first = seen.putIfAbsent(value, value);
            return first == null ? value : (T) first;
        }
    }

    private static AccountMarginState state(Row r, Shared ids) {
        AccountMarginState s = new AccountMarginState();
        s.id = new AccountMarginState.Key(ids.of(r.getUUID("tenant_id")), ids.of(r.getUUID("account_id")));
        s.status = MarginStatus.valueOf(r.getString("status"));
        s.held = r.getBoolean("held");
        s.seq = r.getLong("seq");
        return s;
    }

    /**
     * The small reads of a book, from one session.
     *
     * @param eventMark      highest {@code ballast.events} outbox id read
     * @param parametersMark highest {@code ballast.parameters} outbox id read
     * @param assets         assets
     * @param instruments    instruments
     * @param parameters     parameter versions in force
     * @param settings       risk settings versions in force
     * @param prices         price in force per asset
     * @param health         oracle health per asset symbol
     * @param curves         the tenant's stored forward curves and smiles
     */
    record Reference(long eventMark, long parametersMark, List<io.ballast.risk.domain.Asset> assets,
            List<io.ballast.risk.domain.Instrument> instruments, List<io.ballast.risk.domain.RiskParameter> parameters,
            List<io.ballast.risk.governance.domain.RiskSettings> settings,
            List<io.ballast.risk.domain.MarketPrice> prices, Map<String, OracleHealth> health, MarketCurves curves) {

        /** @param m the prices, health and curves read after the rest @return this reference with them */
        Reference withMarket(Prices m) {
            return new Reference(eventMark, parametersMark, assets, instruments, parameters, settings, m.latest(),
                    m.health(), m.curves());
        }
    }

    /**
     * Every row a tenant's book is built from.
     *
     * @param tenant    the tenant
     * @param reference the small reads
     * @param accounts  open accounts (by id)
     * @param balances  balances
     * @param positions positions
     * @param states    stored margin states
     * @param isolated  isolated balances (collateral allocated to isolated positions)
     * @param snapshot  the snapshot they were read in (null when unknown)
     */
    public record Rows(TenantId tenant, Reference reference, List<io.ballast.risk.domain.Account> accounts,
            List<io.ballast.risk.domain.Balance> balances, List<io.ballast.risk.domain.Position> positions,
            List<AccountMarginState> states, List<IsolatedBalance> isolated, ReadSnapshot snapshot) {

        /** @param m the prices, health and curves read after the rest @return these rows with them */
        Rows withMarket(Prices m) {
            return new Rows(tenant, reference.withMarket(m), accounts, balances, positions, states, isolated,
                    snapshot);
        }

        /** @return how many positions were read */
        public int positionCount() {
            return positions.size();
        }

        /**
         * Builds the book (CPU: run it on a worker), accounts in the database path's order (created, then id).
         *
         * @param settings live settings
         * @return the book, nothing evaluated yet
         */
        public TenantBook toBook(LiveSettings settings) {
            List<io.ballast.risk.domain.Account> ordered = new ArrayList<>(accounts);
            ordered.sort(java.util.Comparator.comparing((io.ballast.risk.domain.Account a) -> a.createdAt)
                    .thenComparing(a -> a.id));
            Reference r = reference;
            return new TenantBook(tenant, settings, r.eventMark(), r.assets(), r.instruments(), r.parameters(),
                    r.settings(), r.prices(), r.health(), ordered, balances, positions, states)
                    .withIsolated(isolated).withParametersMark(r.parametersMark()).withCurves(r.curves())
                    .withReadSnapshot(snapshot);
        }
    }

    /**
     * Both marks of a tenant in one statement (an index probe each on {@code outbox_event (tenant_id, topic, id)}):
     * element 0 the highest {@code ballast.events} id, element 1 the highest {@code ballast.parameters} id (0 when
     * none). Read on every request answered from a hot book, so it is one statement sent alone: the function
     * {@code outbox_marks} (migration V84) binds the tenant for its reads under row-level security as
     * {@link RowSecurity} would, without the transaction of four statements that cost PostgreSQL more than the reads.
     *
     * @param tenant the tenant
     * @return the two ids
     */
    public Uni<long[]> marks(TenantId tenant) {
        return pool.preparedQuery(MARKS).execute(Tuple.of(tenant.value())).map(rows -> {
            Row r = rows.iterator().next();
            return new long[] {r.getLong("events"), r.getLong("parameters")};
        });
    }

    /**
     * The margin states of a tenant stored at or after a time (a new book takes them over from the book it replaces:
     * states that book stored after the new one's rows were read).
     *
     * @param tenant the tenant
     * @param from   the earliest {@code updated_at}
     * @return the states
     */
    public Uni<List<AccountMarginState>> statesSince(TenantId tenant, OffsetDateTime from) {
        return RowSecurity.query(pool, tenant, "select tenant_id, account_id, status, held, seq from "
                + "account_margin_state where tenant_id = $1 and updated_at >= $2", Tuple.of(tenant.value(), from))
                .map(rows -> {
                    List<AccountMarginState> out = new ArrayList<>();
                    Shared ids = new Shared();
                    for (Row r : rows) {
                        out.add(state(r, ids));
                    }
                    return out;
                });
    }

    /**
     * One account's rows after a change, in one snapshot and one round trip (as {@link #load} reads a tenant's in one
     * snapshot: an account's balances read before a deposit committed and its positions after a new position did
     * would be a state it never was in).
     *
     * @param tenant    the tenant
     * @param accountId the account
     * @return the account (null when unknown or CLOSED), balances, positions and isolated balances
     */
    public Uni<AccountRows> account(TenantId tenant, UUID accountId) {
        Tuple key = Tuple.of(tenant.value(), accountId);
        return RowSecurity.snapshotStatementsInTenant(pool, tenant, List.of(Statement.of(ACCOUNT, key),
                Statement.of(ACCOUNT_BALANCES, key), Statement.of(ACCOUNT_POSITIONS, key),
                Statement.of(ACCOUNT_ISOLATED, key))).map(read -> {
                    RowSet<Row> as = read.get(0);
                    Shared ids = new Shared();
                    io.ballast.risk.domain.Account a = as.size() == 0 ? null : account(as.iterator().next(), ids);
                    List<io.ballast.risk.domain.Balance> balances = new ArrayList<>();
                    read.get(1).forEach(r -> balances.add(balance(r, ids)));
                    List<io.ballast.risk.domain.Position> positions = new ArrayList<>();
                    read.get(2).forEach(r -> positions.add(position(r, ids)));
                    List<IsolatedBalance> isolatedBalances = new ArrayList<>();
                    read.get(3).forEach(r -> isolatedBalances.add(isolatedBalance(r, ids)));
                    return new AccountRows(a == null || a.status == io.ballast.risk.domain.AccountStatus.CLOSED
                            ? null : a, balances, positions, isolatedBalances);
                });
    }

    private static final String ACCOUNT = ACCOUNT_COLUMNS + " and id = $2";
    private static final String ACCOUNT_BALANCES = BALANCE_COLUMNS + " and account_id = $2 order by asset_id";
    private static final String ACCOUNT_POSITIONS = POSITION_COLUMNS + " and account_id = $2 order by instrument_id";
    private static final String ACCOUNT_ISOLATED = ISOLATED_COLUMNS + " and account_id = $2 "
            + "order by instrument_id, asset_id";

    /**
     * An account's rows.
     *
     * @param account   the account, or null when not open
     * @param balances  its balances
     * @param positions its positions
     * @param isolated  its isolated balances
     */
    public record AccountRows(io.ballast.risk.domain.Account account, List<io.ballast.risk.domain.Balance> balances,
            List<io.ballast.risk.domain.Position> positions, List<IsolatedBalance> isolated) {
    }

    /**
     * The tenant's prices in force, its oracles' health and its stored curves.
     *
     * @param tenant the tenant
     * @return prices in force, health by asset symbol, curves
     */
    @WithSession
    public Uni<Prices> prices(TenantId tenant) {
        return prices.latest(tenant).flatMap(ps -> curvePoints.listFor(tenant).flatMap(cs -> oracles.status(tenant)
                .map(os -> {
                    Map<String, OracleHealth> h = new HashMap<>();
                    os.forEach((s, v) -> h.put(s, v.health()));
                    return new Prices(ps, h, new MarketCurves(cs));
                })));
    }

    /**
     * Prices in force, oracle health and curves.
     *
     * @param latest the price in force per asset
     * @param health oracle health by asset symbol
     * @param curves the tenant's stored forward curves and smiles
     */
    public record Prices(List<io.ballast.risk.domain.MarketPrice> latest, Map<String, OracleHealth> health,
            MarketCurves curves) {
    }

    /**
     * The oracles' health now of the tenants whose books this instance holds, in one statement
     * ({@link OracleStatusService#healthOfTenants}).
     *
     * @param tenants the tenants
     * @return health and price in force per tenant
     */
    public Uni<Map<UUID, OracleStatusService.Health>> oracleHealth(java.util.Collection<UUID> tenants) {
        return oracles.healthOfTenants(tenants);
    }

    /**
     * @return ids of every ACTIVE tenant, ascending (PostgreSQL's order of uuids: their bytes); read through the
     *         reactive SQL client, not a Hibernate Reactive session: the price consumer lists them in a takeover,
     *         on its own context, while the reconciler does on another
     */
    public Uni<List<UUID>> activeTenants() {
        // the tenant table has no tenant_id column and no policy: read unbound (docs/security.md)
        return pool.preparedQuery("select id from tenant where status = 'ACTIVE' order by id").execute()
                .map(rows -> {
                    List<UUID> out = new java.util.ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getUUID("id")));
                    return out;
                });
    }
}
