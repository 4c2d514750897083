package io.ballast.risk.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Tenant;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.domain.TenantStatus;
import io.ballast.risk.governance.service.GovernanceService;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.repository.TenantRepository;
import io.ballast.risk.security.KeycloakAdmin.CreatedClient;
import io.ballast.risk.security.KeycloakAdmin;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Tenant lifecycle: onboarding (database rows and Keycloak clients, all or nothing; the tenant's governance policy
 * and default risk settings are written in the onboarding transaction), suspend, resume and credential rotation. Only platform operators reach it.
 */
@ApplicationScoped
public class TenantService {

    private static final Logger LOG = Logger.getLogger(TenantService.class);

    /**
     * The result of onboarding: the tenant and its two clients (secrets shown once).
     *
     * @param tenant     the new tenant
     * @param integrator client with the integrator role
     * @param admin      client with the tenant-admin role
     */
    public record Onboarded(Tenant tenant, CreatedClient integrator, CreatedClient admin) {
    }

    /**
     * Fresh secrets of a tenant's two clients. The clients are rotated one after the other; when one rotation fails
     * the other's new secret is still returned (it is the only copy: the old secret no longer works), with the
     * failure's reason in place of the failed client's secret.
     *
     * @param tenant           the tenant
     * @param integratorSecret new secret of the integrator client, or null when its rotation failed
     * @param adminSecret      new secret of the tenant-admin client, or null when its rotation failed
     * @param integratorError  why the integrator's rotation failed (its old secret may or may not still work), or null
     * @param adminError       why the tenant-admin's rotation failed, or null
     */
    public record Rotated(Tenant tenant, String integratorSecret, String adminSecret, String integratorError,
            String adminError) {
    }

    /** A rotation's outcome for one client: the new secret or why there is none. */
    private record Attempt(String secret, Throwable failure) {
    }

    private final TenantRepository tenants;
    private final KeycloakAdmin keycloak;
    private final OutboxWriter outbox;
    private final TenantAccess access;
    private final GovernanceService governance;

    /** Wires collaborators. */
    public TenantService(TenantRepository tenants, KeycloakAdmin keycloak, OutboxWriter outbox, TenantAccess access,
            GovernanceService governance) {
        this.governance = governance;
        this.tenants = tenants;
        this.keycloak = keycloak;
        this.outbox = outbox;
        this.access = access;
    }

    /**
     * Onboards a tenant: creates its integrator and tenant-admin clients in Keycloak (each stamping the tenant id
     * into its tokens), then its row and a {@code TenantOnboarded} event. Any failure undoes the steps before it.
     * A client id Keycloak already holds (two onboardings of one slug racing, or a client left over) is a 409:
     * Keycloak's unique client ids decide the race before either reaches the database.
     */
    public Uni<Onboarded> onboard(String name, String slug) {
        UUID id = UUID.randomUUID();
        return Panache.withSession(() -> tenants.findBySlug(slug)).flatMap(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(ApiException.conflict("a tenant with slug " + slug + " exists"));
            }
            return keycloak.createTenantClient("tenant-" + slug + "-integrator", id, List.of(Roles.INTEGRATOR))
                    .flatMap(integrator -> keycloak.createTenantClient("tenant-" + slug + "-admin", id,
                                    List.of(Roles.TENANT_ADMIN))
                            .onFailure().call(e -> undo(integrator))
                            .flatMap(admin -> persist(id, name, slug, integrator, admin)
                                    .onFailure().call(e -> undo(integrator).call(() -> undo(admin)))
                                    .map(t -> new Onboarded(t, integrator, admin))));
        }).onFailure(KeycloakAdmin.ClientExistsException.class).transform(e -> ApiException.conflict(
                "a tenant with slug " + slug + " exists or is being onboarded (" + e.getMessage() + ")"));
    }

    private Uni<Void> undo(CreatedClient client) {
        LOG.warnf("onboarding failed: deleting Keycloak client %s", client.clientId());
        return keycloak.deleteClient(client.internalId())
                .onFailure().invoke(e -> LOG.errorf(e, "could not delete Keycloak client %s", client.clientId()))
                .onFailure().recoverWithNull();
    }

    private Uni<Tenant> persist(UUID id, String name, String slug, CreatedClient integrator, CreatedClient admin) {
        Tenant tenant = new Tenant();
        tenant.id = id;
        tenant.name = name;
        tenant.slug = slug;
        tenant.status = TenantStatus.ACTIVE;
        tenant.integratorClientId = integrator.clientId();
        tenant.adminClientId = admin.clientId();
        tenant.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        tenant.updatedAt = tenant.createdAt;
        // onboarding writes the new tenant's first rows: bound to that tenant (row-level security)
        return RowSecurity.transaction(TenantId.of(id), () -> tenants.persist(tenant)
                .call(t -> outbox.record(TenantId.of(id), "tenant", id, "TenantOnboarded",
                        Map.of("tenantId", id, "name", name, "slug", slug)))
                .call(t -> governance.writeDefaults(TenantId.of(id))));
    }

    /** A page of all tenants, oldest first (the cursor holds the last tenant's creation time and id). */
    public Uni<Page<Tenant>> page(Cursor after, int limit) {
        return tenants.page(after == null ? null : after.time(0), after == null ? null : after.uuid(1), limit)
                .map(rows -> Page.of(rows, limit, t -> Cursor.of(t.createdAt, t.id)));
    }

    /** One tenant; 404 when unknown. */
    public Uni<Tenant> get(UUID id) {
        return tenants.findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("tenant", id));
    }

    /** Suspends or resumes a tenant and records a {@code TenantSuspended}/{@code TenantResumed} event. */
    public Uni<Tenant> setStatus(UUID id, TenantStatus status) {
        return RowSecurity.transaction(TenantId.of(id), () -> tenants.findById(id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("tenant", id))
                .call(t -> {
                    if (t.status == status) {
                        return Uni.createFrom().voidItem();
                    }
                    t.status = status;
                    t.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    return outbox.record(TenantId.of(id), "tenant", id,
                            status == TenantStatus.SUSPENDED ? "TenantSuspended" : "TenantResumed",
                            Map.of("tenantId", id, "status", status));
                }))
                .invoke(t -> access.invalidate(id));
    }

    /**
     * Gives both of a tenant's clients new secrets (the old ones stop working) and returns them once. Each client is
     * rotated even when the other's rotation failed, and a secret that was rotated is always returned (see
     * {@link Rotated}); only when both rotations fail is the answer a failure (the first one's).
     */
    public Uni<Rotated> rotateCredentials(UUID id) {
        return Panache.withSession(() -> get(id))
                .flatMap(t -> attempt(t.integratorClientId)
                        .flatMap(integrator -> attempt(t.adminClientId).map(admin -> {
                            if (integrator.failure() != null && admin.failure() != null) {
                                throw integrator.failure() instanceof RuntimeException re ? re
                                        : new IllegalStateException(integrator.failure());
                            }
                            return new Rotated(t, integrator.secret(), admin.secret(), reason(integrator),
                                    reason(admin));
                        })));
    }

    private Uni<Attempt> attempt(String clientId) {
        return keycloak.rotateSecret(clientId).map(secret -> new Attempt(secret, null))
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf(e, "rotating the secret of %s failed", clientId);
                    return new Attempt(null, e);
                });
    }

    private static String reason(Attempt a) {
        return a.failure() == null ? null : "rotation failed: " + a.failure().getMessage();
    }
}
