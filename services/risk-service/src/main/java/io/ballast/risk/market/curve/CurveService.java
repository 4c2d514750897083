package io.ballast.risk.market.curve;

import io.ballast.margin.MarginInputException;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.MarketPriceRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An underlying's market curves: the basis of its dated futures per expiry and its implied volatility per expiry and
 * strike (docs/margin.md, "Basis and rates", "Volatility smiles"). A write replaces the underlying's whole curve of
 * that kind in one transaction (an empty list removes it); the same write again leaves the same curve.
 */
@ApplicationScoped
public class CurveService {

    /** Most points in one curve. */
    public static final int MAX_POINTS = 2_000;
    /** Highest accepted implied volatility, fraction (1,000 %). */
    public static final BigDecimal MAX_ANNUAL_VOL = BigDecimal.TEN;

    /**
     * One point to store.
     *
     * @param expiry    expiry, after now
     * @param strikeUsd strike in USD (vol points only), positive
     * @param value     basis fraction (&gt; -1) or annual vol (fraction, in (0, 10])
     */
    public record PointInput(OffsetDateTime expiry, BigDecimal strikeUsd, BigDecimal value) {
    }

    /**
     * An underlying's curve of one kind as stored.
     *
     * @param underlying asset symbol
     * @param kind       {@code BASIS} or {@code VOL}
     * @param points     points by expiry, then strike
     * @param updatedAt  when it was written, null when there is no curve
     */
    public record CurveView(String underlying, String kind, List<PointInput> points, OffsetDateTime updatedAt) {
    }

    /**
     * Event type of a curve write on {@code ballast.events} (aggregate {@code market}): the owner of the tenant
     * re-reads its curves and values every risk array of its hot book on them.
     */
    public static final String CURVE_EVENT = "MarketCurvePut";

    private final CurvePointRepository points;
    private final AssetRepository assets;
    private final MarketPriceRepository prices;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public CurveService(CurvePointRepository points, AssetRepository assets, MarketPriceRepository prices,
            OutboxWriter outbox) {
        this.outbox = outbox;
        this.points = points;
        this.assets = assets;
        this.prices = prices;
    }

    /**
     * Replaces an underlying's curve of one kind: 404 for an asset unknown to the tenant, 400 for a bad or duplicate
     * point, 422 for vol points that make calendar arbitrage at the underlying's current forwards.
     *
     * @param tenant     the tenant
     * @param underlying asset symbol
     * @param kind       {@link CurvePoint#BASIS} or {@link CurvePoint#VOL}
     * @param input      the new points
     * @return the curve in force afterwards
     */
    @WithTransaction
    public Uni<CurveView> replace(TenantId tenant, String underlying, String kind, List<PointInput> input) {
        List<FieldError> errors = check(kind, input, Instant.now());
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid curve points", errors));
        }
        return asset(tenant, underlying).flatMap(a -> (CurvePoint.VOL.equals(kind)
                ? checkArbitrage(tenant, a, input) : Uni.createFrom().voidItem())
                .flatMap(x -> points.deleteCurve(tenant, a.id, kind))
                .flatMap(x -> {
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    List<CurvePoint> rows = new ArrayList<>();
                    for (PointInput p : input) {
                        CurvePoint row = new CurvePoint();
                        row.id = UUID.randomUUID();
                        row.tenantId = tenant.value();
                        row.underlyingId = a.id;
                        row.kind = kind;
                        row.expiry = p.expiry().withOffsetSameInstant(ZoneOffset.UTC);
                        row.strike = CurvePoint.VOL.equals(kind) ? p.strikeUsd() : null;
                        row.value = p.value();
                        row.updatedAt = now;
                        rows.add(row);
                    }
                    // persisting nothing is refused by Panache (an empty set of Unis)
                    return (rows.isEmpty() ? points.flush() : points.persist(rows).flatMap(y -> points.flush()));
                })
                // in the same transaction: the owner's hot book re-reads the curves and values its arrays on them
                .flatMap(x -> outbox.record(tenant, "market", tenant.value(), CURVE_EVENT, java.util.Map.of(
                        "underlying", a.symbol, "kind", kind, "points", input.size())))
                .flatMap(x -> points.curve(tenant, a.id, kind)).map(rows -> view(a, kind, rows)));
    }

    /**
     * An underlying's curve of one kind (no points when none is stored); 404 for an asset unknown to the tenant.
     *
     * @param tenant     the tenant
     * @param underlying asset symbol
     * @param kind       {@link CurvePoint#BASIS} or {@link CurvePoint#VOL}
     * @return the curve
     */
    @WithSession
    public Uni<CurveView> get(TenantId tenant, String underlying, String kind) {
        return asset(tenant, underlying).flatMap(a -> points.curve(tenant, a.id, kind).map(rows -> view(a, kind,
                rows)));
    }

    /**
     * Every stored curve of the tenant, for margin.
     *
     * @param tenant the tenant
     * @return the curves
     */
    @WithSession
    public Uni<MarketCurves> curves(TenantId tenant) {
        return points.listFor(tenant).map(MarketCurves::new);
    }

    private Uni<Asset> asset(TenantId tenant, String symbol) {
        return assets.findBySymbol(tenant, symbol).onItem().ifNull().failWith(() -> ApiException.notFound("asset",
                symbol));
    }

    /** Vol points are checked for calendar arbitrage at the current index and stored basis (when priced). */
    private Uni<Void> checkArbitrage(TenantId tenant, Asset a, List<PointInput> input) {
        return prices.latest(tenant).flatMap(latest -> points.curve(tenant, a.id, CurvePoint.BASIS).map(basis -> {
            MarketPrice price = latest.stream().filter(p -> p.assetId.equals(a.id)).findFirst().orElse(null);
            if (price == null || input.isEmpty()) {
                return null;
            }
            List<CurvePoint> all = new ArrayList<>(basis);
            for (PointInput p : input) {
                CurvePoint row = new CurvePoint();
                row.underlyingId = a.id;
                row.kind = CurvePoint.VOL;
                row.expiry = p.expiry();
                row.strike = p.strikeUsd();
                row.value = p.value();
                all.add(row);
            }
            MarketCurves curves = new MarketCurves(all);
            Instant now = Instant.now();
            try {
                curves.volSurface(a.id, now, price.indexPriceUsd.doubleValue(), curves.forwardCurve(a.id, now));
            } catch (MarginInputException e) {
                throw ApiException.unprocessable("the volatility points are not arbitrage-free",
                        List.of(FieldError.of("points", e.getMessage())));
            }
            return null;
        }));
    }

    /** Shape errors of a curve write, each naming the point. */
    static List<FieldError> check(String kind, List<PointInput> input, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (input == null) {
            errors.add(FieldError.of("points", "required (an empty list removes the curve)"));
            return errors;
        }
        if (input.size() > MAX_POINTS) {
            errors.add(FieldError.of("points", "at most " + MAX_POINTS + " points"));
            return errors;
        }
        boolean vol = CurvePoint.VOL.equals(kind);
        String valueName = vol ? "annualVol" : "basisFraction";
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < input.size(); i++) {
            PointInput p = input.get(i);
            String at = "points[" + i + "].";
            if (p == null || p.expiry() == null) {
                errors.add(new FieldError(i, at + "expiry", "required"));
                continue;
            }
            if (!p.expiry().toInstant().isAfter(now)) {
                errors.add(new FieldError(i, at + "expiry", "must be in the future, was " + p.expiry()));
            }
            if (vol && (p.strikeUsd() == null || p.strikeUsd().signum() <= 0)) {
                errors.add(new FieldError(i, at + "strikeUsd", "required and positive"));
            }
            if (!vol && p.strikeUsd() != null) {
                errors.add(new FieldError(i, at + "strikeUsd", "a basis point has no strike"));
            }
            if (p.value() == null) {
                errors.add(new FieldError(i, at + valueName, "required"));
            } else if (vol && (p.value().signum() <= 0 || p.value().compareTo(MAX_ANNUAL_VOL) > 0)) {
                errors.add(new FieldError(i, at + valueName, "must be in (0, 10], was " + p.value()));
            } else if (!vol && p.value().compareTo(BigDecimal.ONE.negate()) <= 0) {
                errors.add(new FieldError(i, at + valueName, "must be greater than -1, was " + p.value()));
            }
            String key = p.expiry().toInstant() + "/" + (p.strikeUsd() == null ? "" : p.strikeUsd()
                    .stripTrailingZeros().toPlainString());
            if (!seen.add(key)) {
                errors.add(new FieldError(i, at + "expiry", "a second point for " + key));
            }
        }
        return errors;
    }

    private static CurveView view(Asset a, String kind, List<CurvePoint> rows) {
        List<PointInput> out = rows.stream().map(r -> new PointInput(r.expiry, r.strike == null ? null
                : r.strike.stripTrailingZeros(), r.value.stripTrailingZeros())).toList();
        OffsetDateTime at = rows.stream().map(r -> r.updatedAt).max(OffsetDateTime::compareTo).orElse(null);
        return new CurveView(a.symbol, kind, out, at);
    }
}
