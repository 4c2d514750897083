package io.ballast.risk.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.domain.RiskParameterSet;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.rest.ApiModels.NewRiskParameters;
import io.ballast.risk.rest.ApiModels.RiskParameterView;
import io.ballast.risk.service.IdempotencyService;
import io.ballast.risk.service.RiskParameterService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** The risk-parameter endpoints shared by assets and instruments (HTTP mapping only). */
@ApplicationScoped
public class RiskParameterEndpoints {

    private final RiskParameterService parameters;
    private final IdempotencyService idempotency;

    /** Wires collaborators. */
    public RiskParameterEndpoints(RiskParameterService parameters, IdempotencyService idempotency) {
        this.parameters = parameters;
        this.idempotency = idempotency;
    }

    Uni<Response> append(TenantId tenant, Actor actor, RiskParameterScope scope, UUID targetId, String key,
            NewRiskParameters body, String path) {
        RiskParameterSet set;
        try {
            set = new RiskParameterSet(body.initialMarginFraction(), body.maintenanceMarginFraction(),
                    body.collateralHaircut(), body.liquidationFeeFraction(), body.maxPositionNotional());
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().split(" ")[0];
            return Uni.createFrom().failure(ApiException.unprocessable("inconsistent risk parameters",
                    List.of(FieldError.of(field, e.getMessage()))));
        }
        return idempotency.execute(tenant, key, "POST", path, body, 201,
                () -> parameters.append(tenant, actor, scope, targetId, body.effectiveFrom(), set)
                        .map(RiskParameterView::of))
                .map(Responses::of);
    }

    Uni<RestResponse<List<RiskParameterView>>> versions(TenantId tenant, RiskParameterScope scope, UUID targetId,
            PageQuery page, UriInfo uri) {
        return Uni.createFrom().item(() -> page.cursor(1))
                .flatMap(after -> parameters.versions(tenant, scope, targetId, after, page.limit))
                .map(p -> Pages.of(p.map(RiskParameterView::of), uri));
    }

    Uni<RiskParameterView> effective(TenantId tenant, RiskParameterScope scope, UUID targetId, String at) {
        OffsetDateTime when;
        try {
            when = at == null || at.isBlank() ? OffsetDateTime.now(ZoneOffset.UTC) : OffsetDateTime.parse(at);
        } catch (DateTimeParseException e) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid time",
                    List.of(FieldError.of("at", "ISO-8601 date-time with offset expected"))));
        }
        return parameters.effective(tenant, scope, targetId, when).map(RiskParameterView::of);
    }
}
