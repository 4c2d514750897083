package io.ballast.risk.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.domain.RiskParameterSet;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.governance.domain.AuditAction;
import io.ballast.risk.governance.domain.ParameterSource;
import io.ballast.risk.governance.service.AuditTrail;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.RiskParameterRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * Versioned, effective-dated risk parameters of assets and instruments. Rows are appended, never changed.
 *
 * <p>Relation to governance (docs/governance.md, "Direct writes"): this direct path writes a target's FIRST version
 * only (listing an asset or instrument), audited as {@code MANUAL_PARAMETER_EDIT} with the caller's token subject
 * and client, and announced on {@code ballast.parameters}. Once a target has a version, a change is a governance
 * proposal ({@code POST /api/v1/governance/proposals}): a direct write is refused with 409.
 */
@ApplicationScoped
public class RiskParameterService {

    private final RiskParameterRepository parameters;
    private final AssetRepository assets;
    private final InstrumentRepository instruments;
    private final OutboxWriter outbox;
    private final AuditTrail audit;

    /** Wires collaborators. */
    public RiskParameterService(RiskParameterRepository parameters, AssetRepository assets,
            InstrumentRepository instruments, OutboxWriter outbox, AuditTrail audit) {
        this.audit = audit;
        this.parameters = parameters;
        this.assets = assets;
        this.instruments = instruments;
        this.outbox = outbox;
    }

    private Uni<Void> requireTarget(TenantId tenant, RiskParameterScope scope, UUID targetId) {
        Uni<?> found = scope == RiskParameterScope.ASSET ? assets.find(tenant, targetId)
                : instruments.find(tenant, targetId);
        return found.onItem().ifNull().failWith(() -> ApiException.notFound(
                scope == RiskParameterScope.ASSET ? "asset" : "instrument", targetId)).replaceWithVoid();
    }

    /**
     * Writes the target's first version; 404 when the target is unknown to this tenant, 409 when it already has one
     * (changes go through governance).
     */
    @WithTransaction
    public Uni<RiskParameter> append(TenantId tenant, Actor actor, RiskParameterScope scope, UUID targetId,
            OffsetDateTime effectiveFrom, RiskParameterSet set) {
        return requireTarget(tenant, scope, targetId)
                .flatMap(x -> parameters.latestVersion(tenant, scope, targetId))
                .flatMap(latest -> {
                    if (latest > 0) {
                        return Uni.createFrom().failure(ApiException.conflict(scope.name().toLowerCase() + " "
                                + targetId + " has risk parameters (version " + latest + "): a change is a "
                                + "governance proposal, POST /api/v1/governance/proposals"));
                    }
                    RiskParameter p = new RiskParameter();
                    p.id = UUID.randomUUID();
                    p.tenantId = tenant.value();
                    p.scope = scope;
                    p.targetId = targetId;
                    p.version = latest + 1;
                    p.effectiveFrom = effectiveFrom.withOffsetSameInstant(ZoneOffset.UTC);
                    p.initialMarginFraction = set.initialMarginFraction();
                    p.maintenanceMarginFraction = set.maintenanceMarginFraction();
                    p.collateralHaircut = set.collateralHaircut();
                    p.liquidationFeeFraction = set.liquidationFeeFraction();
                    p.maxPositionNotional = set.maxPositionNotional();
                    p.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                    p.source = ParameterSource.MANUAL.name();
                    p.actor = actor.subject();
                    p.actorName = actor.name();
                    return parameters.persist(p)
                            .call(r -> audit.append(tenant, AuditAction.MANUAL_PARAMETER_EDIT, actor,
                                    scope == RiskParameterScope.ASSET ? targetId : null, null, null,
                                    Map.of("scope", scope, "targetId", targetId, "version", r.version,
                                            "effectiveFrom", r.effectiveFrom.toString(), "parameters", set),
                                    "first version (listing)", null))
                            .call(r -> outbox.record(tenant, Topics.PARAMETERS, scope.name().toLowerCase(),
                                    targetId, "RiskParametersVersioned", Map.of("targetId", targetId, "version",
                                            r.version, "effectiveFrom", r.effectiveFrom.toString(), "parameters", set,
                                            "actor", actor.subject(), "actorName", actor.name())));
                });
    }

    /** A page of a target's versions, oldest first (the cursor holds the last version); 404 unknown target. */
    public Uni<Page<RiskParameter>> versions(TenantId tenant, RiskParameterScope scope, UUID targetId, Cursor after,
            int limit) {
        return requireTarget(tenant, scope, targetId).flatMap(x -> parameters.page(tenant, scope, targetId,
                after == null ? null : after.integer(0), limit))
                .map(rows -> Page.of(rows, limit, p -> Cursor.of(p.version)));
    }

    /** The version in force at {@code at}; 404 when the target is unknown or nothing is in force yet. */
    public Uni<RiskParameter> effective(TenantId tenant, RiskParameterScope scope, UUID targetId,
            OffsetDateTime at) {
        return requireTarget(tenant, scope, targetId)
                .flatMap(x -> parameters.effectiveAt(tenant, scope, targetId, at))
                .onItem().ifNull().failWith(() -> ApiException.notFound("risk parameters in force at " + at + " for",
                        targetId));
    }
}
