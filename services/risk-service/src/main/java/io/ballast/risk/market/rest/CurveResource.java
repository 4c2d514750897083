package io.ballast.risk.market.rest;

import io.ballast.risk.market.curve.CurvePoint;
import io.ballast.risk.market.curve.CurveService;
import io.ballast.risk.market.curve.CurveService.CurveView;
import io.ballast.risk.market.curve.CurveService.PointInput;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An underlying's market curves for margin: the basis of its dated futures per expiry
 * ({@code /api/v1/market/forwards/{underlying}}) and its implied volatility per expiry and strike
 * ({@code /api/v1/market/vol-surfaces/{underlying}}). A PUT replaces the whole curve (an empty list removes it).
 */
@Path("/api/v1/market")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "market", description = "Index prices and implied volatilities used by margin")
public class CurveResource {

    /**
     * One basis pillar.
     *
     * @param expiry        expiry of the dated futures it is for, in the future
     * @param basisFraction forward / index - 1 (0.012 = the future trades 1.2 % over the index), greater than -1
     */
    public record BasisPoint(OffsetDateTime expiry, BigDecimal basisFraction) {
    }

    /**
     * One implied-volatility quote.
     *
     * @param expiry    expiry, in the future
     * @param strikeUsd strike, USD, positive
     * @param annualVol implied volatility, fraction (0.55 = 55 %), in (0, 10]
     */
    public record VolPoint(OffsetDateTime expiry, BigDecimal strikeUsd, BigDecimal annualVol) {
    }

    /**
     * A forward curve to store or as stored.
     *
     * @param underlying asset symbol (answers only)
     * @param points     basis pillars
     * @param updatedAt  when written (answers only; null without a curve)
     */
    public record ForwardCurveBody(String underlying, List<BasisPoint> points, OffsetDateTime updatedAt) {
    }

    /**
     * A volatility surface to store or as stored.
     *
     * @param underlying asset symbol (answers only)
     * @param points     quotes
     * @param updatedAt  when written (answers only; null without a surface)
     */
    public record VolSurfaceBody(String underlying, List<VolPoint> points, OffsetDateTime updatedAt) {
    }

    private final CurveService curves;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public CurveResource(CurveService curves, TenantAccess access, SecurityIdentity identity) {
        this.curves = curves;
        this.access = access;
        this.identity = identity;
    }

    /** Replaces the basis curve of an underlying. */
    @PUT
    @Path("forwards/{underlying}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Replace an underlying's futures basis per expiry (tenant-admin, integrator)")
    public Uni<ForwardCurveBody> putForwards(@PathParam("underlying") String underlying,
            @NotNull ForwardCurveBody body) {
        List<PointInput> in = body.points() == null ? null : body.points().stream()
                .map(p -> p == null ? null : new PointInput(p.expiry(), null, p.basisFraction())).toList();
        return access.require(identity).flatMap(t -> curves.replace(t, underlying, CurvePoint.BASIS, in))
                .map(CurveResource::forwards);
    }

    /** The basis curve of an underlying. */
    @GET
    @Path("forwards/{underlying}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "An underlying's futures basis per expiry (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<ForwardCurveBody> getForwards(@PathParam("underlying") String underlying) {
        return access.require(identity).flatMap(t -> curves.get(t, underlying, CurvePoint.BASIS))
                .map(CurveResource::forwards);
    }

    /** Replaces the volatility surface of an underlying. */
    @PUT
    @Path("vol-surfaces/{underlying}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Replace an underlying's implied vol per expiry and strike (tenant-admin, integrator); 422 "
            + "for calendar arbitrage")
    public Uni<VolSurfaceBody> putVols(@PathParam("underlying") String underlying, @NotNull VolSurfaceBody body) {
        List<PointInput> in = body.points() == null ? null : body.points().stream()
                .map(p -> p == null ? null : new PointInput(p.expiry(), p.strikeUsd(), p.annualVol())).toList();
        return access.require(identity).flatMap(t -> curves.replace(t, underlying, CurvePoint.VOL, in))
                .map(CurveResource::vols);
    }

    /** The volatility surface of an underlying. */
    @GET
    @Path("vol-surfaces/{underlying}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "An underlying's implied vol per expiry and strike (tenant-admin, integrator, "
            + "risk-committee, viewer)")
    public Uni<VolSurfaceBody> getVols(@PathParam("underlying") String underlying) {
        return access.require(identity).flatMap(t -> curves.get(t, underlying, CurvePoint.VOL))
                .map(CurveResource::vols);
    }

    private static ForwardCurveBody forwards(CurveView v) {
        return new ForwardCurveBody(v.underlying(), v.points().stream()
                .map(p -> new BasisPoint(p.expiry(), p.value())).toList(), v.updatedAt());
    }

    private static VolSurfaceBody vols(CurveView v) {
        return new VolSurfaceBody(v.underlying(), v.points().stream()
                .map(p -> new VolPoint(p.expiry(), p.strikeUsd(), p.value())).toList(), v.updatedAt());
    }
}
