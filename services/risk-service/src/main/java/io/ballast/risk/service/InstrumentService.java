package io.ballast.risk.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.InstrumentKind;
import io.ballast.risk.domain.OptionType;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tradable instruments of a tenant: perpetuals, dated futures, European options. */
@ApplicationScoped
public class InstrumentService {

    /**
     * What defines a new instrument.
     *
     * @param symbol       unique ticker within the tenant
     * @param kind         perpetual, future or option
     * @param underlying   symbol of the underlying asset
     * @param settlement   symbol of the settlement asset
     * @param contractSize units of underlying per contract, positive
     * @param expiry       required for futures and options, absent for perpetuals
     * @param strike       required (positive) for options only
     * @param optionType   required for options only
     * @param inverse      coin-settled: settles in its underlying (settlement = underlying)
     */
    public record Spec(String symbol, InstrumentKind kind, String underlying, String settlement,
            BigDecimal contractSize, OffsetDateTime expiry, BigDecimal strike, OptionType optionType,
            boolean inverse) {
    }

    private final InstrumentRepository instruments;
    private final AssetRepository assets;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public InstrumentService(InstrumentRepository instruments, AssetRepository assets, OutboxWriter outbox) {
        this.instruments = instruments;
        this.assets = assets;
        this.outbox = outbox;
    }

    /** The rule errors of a spec independent of stored data (kind-specific fields). */
    static List<FieldError> shapeErrors(Spec spec) {
        List<FieldError> errors = new ArrayList<>();
        boolean option = spec.kind() == InstrumentKind.OPTION;
        if (spec.kind() == InstrumentKind.PERPETUAL && spec.expiry() != null) {
            errors.add(FieldError.of("expiry", "a perpetual has no expiry"));
        }
        if (spec.kind() != InstrumentKind.PERPETUAL && spec.expiry() == null) {
            errors.add(FieldError.of("expiry", "required for " + spec.kind()));
        }
        if (option && spec.strike() == null) {
            errors.add(FieldError.of("strike", "required for an option"));
        }
        if (option && spec.optionType() == null) {
            errors.add(FieldError.of("optionType", "required for an option (CALL or PUT)"));
        }
        if (!option && spec.strike() != null) {
            errors.add(FieldError.of("strike", "only options have a strike"));
        }
        if (!option && spec.optionType() != null) {
            errors.add(FieldError.of("optionType", "only options have an option type"));
        }
        if (spec.inverse() && spec.underlying() != null && !spec.underlying().equals(spec.settlement())) {
            errors.add(FieldError.of("settlement", "an inverse instrument settles in its underlying "
                    + spec.underlying()));
        }
        return errors;
    }

    /** Creates an instrument; 422 for unknown assets or inconsistent fields, 409 for a taken symbol. */
    @WithTransaction
    public Uni<Instrument> create(TenantId tenant, Spec spec) {
        List<FieldError> shape = shapeErrors(spec);
        if (!shape.isEmpty()) {
            return Uni.createFrom().failure(ApiException.unprocessable("inconsistent instrument", shape));
        }
        Uni<Asset> underlying = assets.findBySymbol(tenant, spec.underlying());
        return underlying.flatMap(u -> assets.findBySymbol(tenant, spec.settlement()).flatMap(s -> {
            List<FieldError> errors = new ArrayList<>();
            if (u == null) {
                errors.add(FieldError.of("underlying", "unknown asset " + spec.underlying()));
            }
            if (s == null) {
                errors.add(FieldError.of("settlement", "unknown asset " + spec.settlement()));
            }
            if (!errors.isEmpty()) {
                return Uni.createFrom().failure(ApiException.unknownReferences("unknown assets", errors));
            }
            return instruments.findBySymbol(tenant, spec.symbol()).flatMap(existing -> {
                if (existing != null) {
                    return Uni.createFrom().failure(ApiException.conflict("instrument " + spec.symbol() + " exists"));
                }
                Instrument i = new Instrument();
                i.id = UUID.randomUUID();
                i.tenantId = tenant.value();
                i.symbol = spec.symbol();
                i.kind = spec.kind();
                i.underlyingId = u.id;
                i.settlementId = s.id;
                i.contractSize = spec.contractSize();
                i.expiry = spec.expiry() == null ? null : spec.expiry().withOffsetSameInstant(ZoneOffset.UTC);
                i.strike = spec.strike();
                i.optionType = spec.optionType();
                i.inverse = spec.inverse();
                i.exerciseStyle = spec.kind() == InstrumentKind.OPTION ? "EUROPEAN" : null;
                i.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                return instruments.persist(i).call(x -> outbox.record(tenant, "instrument", x.id,
                        "InstrumentCreated", Map.of("instrumentId", x.id, "symbol", x.symbol, "kind", x.kind)));
            });
        }));
    }

    /** A page of the tenant's instruments by symbol (the cursor holds the last symbol). */
    public Uni<Page<Instrument>> page(TenantId tenant, Cursor after, int limit) {
        return instruments.page(tenant, after == null ? null : after.text(0), limit)
                .map(rows -> Page.of(rows, limit, x -> Cursor.of(x.symbol)));
    }

    /** The tenant's instruments. */
    public Uni<List<Instrument>> list(TenantId tenant) {
        return instruments.listFor(tenant);
    }

    /** One instrument; 404 when unknown to this tenant. */
    public Uni<Instrument> get(TenantId tenant, UUID id) {
        return instruments.find(tenant, id).onItem().ifNull().failWith(() -> ApiException.notFound("instrument", id));
    }
}
