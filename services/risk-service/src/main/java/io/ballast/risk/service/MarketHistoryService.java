package io.ballast.risk.service;

import io.ballast.marketdata.MarketCsv;
import io.ballast.ml.data.DailyBar;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Daily OHLCV history per tenant and asset (table {@code market_daily_bar}), the input of the predictive-margin
 * forecaster. Writes validate every row first (all bad rows listed, nothing written on error) and upsert by date in
 * one transaction.
 */
@ApplicationScoped
public class MarketHistoryService {

    /** Most bars accepted in one write (about 55 years of days). */
    public static final int MAX_BARS_PER_WRITE = 20_000;

    /**
     * One row as received, before validation; any field may be missing or broken.
     *
     * @param date   UTC calendar day of the bar
     * @param open   first price of the day, USD per unit
     * @param high   highest price, USD per unit
     * @param low    lowest price, USD per unit
     * @param close  last price, USD per unit
     * @param volume traded volume, units of the asset
     */
    public record BarInput(LocalDate date, Double open, Double high, Double low, Double close, Double volume) {
    }

    /**
     * The result of a write.
     *
     * @param underlying asset symbol
     * @param written    rows inserted or replaced
     * @param firstDate  first day of the asset's stored history afterwards
     * @param lastDate   last day of the asset's stored history afterwards
     * @param totalBars  days stored for the asset afterwards
     */
    public record WriteResult(String underlying, int written, LocalDate firstDate, LocalDate lastDate,
            long totalBars) {
    }

    private final Pool pool;

    /** Wires the SQL client. */
    public MarketHistoryService(Pool pool) {
        this.pool = pool;
    }

    /**
     * Validates every row (400 listing each bad row: missing field, NaN, inconsistent OHLC, duplicate date) and
     * upserts them by date in one transaction; 404 when the tenant has no such asset, 400 when empty or above
     * {@link #MAX_BARS_PER_WRITE}.
     */
    public Uni<WriteResult> put(TenantId tenant, String underlying, List<BarInput> rows) {
        return put(tenant, underlying, rows, null, List.of());
    }

    /** As {@link #put(TenantId, String, List)} for a CSV body: its unreadable lines are listed with the bad rows. */
    public Uni<WriteResult> put(TenantId tenant, String underlying, Csv csv) {
        return put(tenant, underlying, csv.rows(), csv.lines(), csv.unreadable());
    }

    private Uni<WriteResult> put(TenantId tenant, String underlying, List<BarInput> rows, List<Integer> lines,
            List<FieldError> prior) {
        List<DailyBar> bars;
        try {
            bars = validate(rows, lines, prior);
        } catch (ApiException e) {
            return Uni.createFrom().failure(e);
        }
        return assetId(tenant, underlying).flatMap(asset -> RowSecurity.inTenant(pool, tenant, conn -> {
            List<Tuple> batch = new ArrayList<>(bars.size());
            for (DailyBar b : bars) {
                batch.add(Tuple.from(List.of(tenant.value(), asset, b.date(), b.open(), b.high(), b.low(),
                        b.close(), b.volume())));
            }
            return conn.preparedQuery("insert into market_daily_bar (tenant_id, asset_id, bar_date, open, high, low, "
                            + "close, volume) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (tenant_id, "
                            + "asset_id, bar_date) do update set open = excluded.open, high = excluded.high, "
                            + "low = excluded.low, close = excluded.close, volume = excluded.volume, "
                            + "updated_at = clock_timestamp()")
                    .executeBatch(batch)
                    .flatMap(ignored -> conn.preparedQuery("select min(bar_date), max(bar_date), count(*) from "
                            + "market_daily_bar where tenant_id = $1 and asset_id = $2")
                            .execute(Tuple.of(tenant.value(), asset)))
                    .map(r -> {
                        Row row = r.iterator().next();
                        return new WriteResult(underlying, bars.size(), row.getLocalDate(0), row.getLocalDate(1),
                                row.getLong(2));
                    });
        }));
    }

    /**
     * A page of the stored bars of an underlying, ascending, within [from, to] (nulls: unbounded), after the cursor
     * (the last bar's date): a seek on the primary key {@code (tenant_id, asset_id, bar_date)}; 404 unknown
     * underlying, 400 when from is after to.
     */
    public Uni<Page<DailyBar>> page(TenantId tenant, String underlying, LocalDate from, LocalDate to, Cursor after,
            int limit) {
        LocalDate last = after == null ? null : after.date(0);
        return get(tenant, underlying, from, to, last, limit + 1)
                .map(rows -> Page.of(rows, limit, b -> Cursor.of(b.date())));
    }

    private Uni<List<DailyBar>> get(TenantId tenant, String underlying, LocalDate from, LocalDate to,
            LocalDate after, int rows) {
        if (from != null && to != null && from.isAfter(to)) {
            return Uni.createFrom().failure(ApiException.badRequest("from is after to",
                    List.of(FieldError.of("from", from + " is after " + to))));
        }
        return assetId(tenant, underlying).flatMap(asset -> bars(tenant, asset, from, to, after, rows));
    }

    /** All stored bars of one asset (by id, already known to belong to the tenant), ascending. */
    public Uni<List<DailyBar>> bars(TenantId tenant, UUID asset, LocalDate from, LocalDate to) {
        return bars(tenant, asset, from, to, null, Integer.MAX_VALUE);
    }

    private Uni<List<DailyBar>> bars(TenantId tenant, UUID asset, LocalDate from, LocalDate to, LocalDate after,
            int rows) {
        return RowSecurity.inTenant(pool, tenant, conn -> conn.preparedQuery("select bar_date, open, high, low, "
                        + "close, volume from market_daily_bar where tenant_id = $1 and asset_id = $2 "
                        + "and ($3::date is null or bar_date >= $3) and ($4::date is null or bar_date <= $4) "
                        + "and ($5::date is null or bar_date > $5) order by bar_date limit $6")
                .execute(Tuple.from(java.util.Arrays.asList(tenant.value(), asset, from, to, after, rows))))
                .map(rs -> {
                    List<DailyBar> out = new ArrayList<>(rs.rowCount());
                    for (Row r : rs) {
                        out.add(new DailyBar(r.getLocalDate(0), r.getDouble(1), r.getDouble(2), r.getDouble(3),
                                r.getDouble(4), r.getDouble(5)));
                    }
                    return out;
                });
    }

    /** The tenant's asset id for a symbol; fails with 404 when there is none. */
    public Uni<UUID> assetId(TenantId tenant, String symbol) {
        return RowSecurity.inTenant(pool, tenant,
                        conn -> conn.preparedQuery("select id from asset where tenant_id = $1 and symbol = $2")
                                .execute(Tuple.of(tenant.value(), symbol)))
                .map(rs -> {
                    if (rs.rowCount() == 0) {
                        throw ApiException.notFound("asset", symbol);
                    }
                    return rs.iterator().next().getUUID(0);
                });
    }

    /**
     * Reads a CSV body in the format of the shared market files with the shared reader ({@link MarketCsv}): a header
     * {@code timestamp,open,high,low,close,volume} ({@code date} accepted for the first column) and one row per day,
     * {@code yyyy-MM-dd} first. Throws a 400 {@link ApiException} for a bad header; unreadable lines (wrong number of
     * fields, a missing or non-numeric value, a timestamp that is not a day) are returned with their line numbers, to
     * be listed with the invalid rows.
     */
    public static Csv parseCsv(String body) {
        MarketCsv.Table table;
        try {
            table = MarketCsv.parse(body, MarketCsv.Layout.OHLCV);
        } catch (MarketCsv.HeaderException e) {
            throw ApiException.badRequest("bad CSV header", List.of(FieldError.of("line 1",
                    "expected timestamp,open,high,low,close,volume")));
        }
        List<BarInput> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        List<FieldError> unreadable = new ArrayList<>();
        table.problems().forEach(p -> unreadable.add(unreadable(p.line(), p.reason())));
        for (MarketCsv.Row row : table.rows()) {
            try {
                rows.add(new BarInput(row.day(), row.open(), row.high(), row.low(), row.close(), row.volume()));
                lineNumbers.add(row.line());
            } catch (DateTimeParseException e) {
                unreadable.add(unreadable(row.line(), e.getMessage()));
            }
        }
        unreadable.sort(java.util.Comparator.comparing(FieldError::index));
        return new Csv(rows, lineNumbers, unreadable);
    }

    private static FieldError unreadable(int line, String reason) {
        return new FieldError(line, "line " + line, "unreadable: " + reason);
    }

    /**
     * A parsed CSV body.
     *
     * @param rows       the readable rows
     * @param lines      each readable row's line number (the header is line 1)
     * @param unreadable the lines that could not be read (index = line number)
     */
    public record Csv(List<BarInput> rows, List<Integer> lines, List<FieldError> unreadable) {
    }

    /**
     * Checks every row and answers them as bars sorted by date; throws a 400 {@link ApiException} listing every bad
     * row with the {@code prior} errors (unreadable CSV lines). {@code lines} gives CSV line numbers, null for JSON.
     */
    static List<DailyBar> validate(List<BarInput> rows, List<Integer> lines, List<FieldError> prior) {
        if ((rows == null || rows.isEmpty()) && prior.isEmpty()) {
            throw ApiException.badRequest("no bars given", List.of(FieldError.of("bars", "must not be empty")));
        }
        if (rows.size() > MAX_BARS_PER_WRITE) {
            throw ApiException.badRequest("too many bars", List.of(FieldError.of("bars",
                    rows.size() + " bars, at most " + MAX_BARS_PER_WRITE + " per request")));
        }
        List<FieldError> errors = new ArrayList<>(prior);
        Map<LocalDate, Integer> firstIndex = new HashMap<>();
        List<DailyBar> bars = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            BarInput in = rows.get(i);
            int index = lines == null ? i : lines.get(i);
            String at = lines == null ? "bars[" + i + "]" : "line " + index;
            if (in == null || in.date() == null || in.open() == null || in.high() == null || in.low() == null
                    || in.close() == null || in.volume() == null) {
                errors.add(new FieldError(index, at, "date, open, high, low, close and volume are required"));
                continue;
            }
            Integer earlier = firstIndex.putIfAbsent(in.date(), i);
            if (earlier != null) {
                errors.add(new FieldError(index, at + ".date", "duplicate date " + in.date()
                        + " (also " + (lines == null ? "bars[" + earlier + "]" : "line " + lines.get(earlier)) + ")"));
                continue;
            }
            if (Double.isNaN(in.open()) || Double.isNaN(in.high()) || Double.isNaN(in.low())
                    || Double.isNaN(in.close()) || Double.isNaN(in.volume())) {
                errors.add(new FieldError(index, at, "NaN in " + in.date()));
                continue;
            }
            try {
                bars.add(new DailyBar(in.date(), in.open(), in.high(), in.low(), in.close(), in.volume()));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(index, at, e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparing(FieldError::index, java.util.Comparator.nullsFirst(Integer::compare)));
            throw ApiException.badRequest(errors.size() + " invalid bar(s); nothing written", errors);
        }
        bars.sort(java.util.Comparator.comparing(DailyBar::date));
        return bars;
    }
}
