package io.ballast.risk.tenancy.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.security.KeycloakAdmin;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Human users of a tenant, held in Keycloak: each has one tenant role and a {@code tenant_id} attribute that the
 * login clients map into its tokens. The platform admin manages the users of any tenant, a tenant-admin those of
 * its own tenant (another tenant is a 404).
 */
@ApplicationScoped
public class TenantUserService {

    private static final Logger LOG = Logger.getLogger(TenantUserService.class);

    /** Roles a human user of a tenant may hold (integrators are clients, not people). */
    public static final List<String> USER_ROLES = List.of(Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE, Roles.VIEWER);

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");
    private static final int MIN_PASSWORD = 12;

    /**
     * A user to create.
     *
     * @param username  login name: 3-64 of lowercase letters, digits, '.', '_', '-'
     * @param role      tenant-admin, risk-committee or viewer
     * @param password  at least 12 characters, or null to have one generated (answered once)
     * @param firstName first name, or null
     * @param lastName  last name, or null
     * @param email     email address, or null
     */
    public record NewUser(String username, String role, String password, String firstName, String lastName,
            String email) {
    }

    /**
     * A created user or a reset password.
     *
     * @param userId   Keycloak's user id
     * @param username login name
     * @param tenantId the tenant
     * @param roles    its realm roles (null on a password reset)
     * @param password the password when it was generated here (shown once), else null
     */
    public record UserCredentials(String userId, String username, UUID tenantId, List<String> roles,
            String password) {
    }

    private final KeycloakAdmin keycloak;
    private final TenantAccess access;
    private final Pool pool;

    /** Wires collaborators. */
    public TenantUserService(KeycloakAdmin keycloak, TenantAccess access, Pool pool) {
        this.keycloak = keycloak;
        this.access = access;
        this.pool = pool;
    }

    /** Creates a user of the tenant; 409 when the username (in any tenant, or by a non-tenant user) or email is taken. */
    public Uni<UserCredentials> create(SecurityIdentity caller, UUID tenantId, NewUser user) {
        List<FieldError> errors = new java.util.ArrayList<>();
        String username = user.username() == null ? "" : user.username().trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(username).matches()) {
            errors.add(FieldError.of("username", "3-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"));
        }
        if (user.role() == null || !USER_ROLES.contains(user.role())) { // List.of refuses contains(null)
            errors.add(FieldError.of("role", "one of " + USER_ROLES));
        }
        if (user.password() != null && user.password().length() < MIN_PASSWORD) {
            errors.add(FieldError.of("password", "at least " + MIN_PASSWORD + " characters"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.badRequest("the user is invalid", errors));
        }
        String password = user.password() != null ? user.password() : KeycloakAdmin.newPassword();
        return tenantOf(caller, tenantId)
                .flatMap(t -> keycloak.findUser(username).flatMap(existing -> {
                    if (existing != null) {
                        throw ApiException.conflict("user " + username + " already exists");
                    }
                    return keycloak.createTenantUser(username, password, t.value(), user.role(),
                            orDefault(user.firstName(), username), orDefault(user.lastName(), "Ballast"),
                            orDefault(user.email(), username + "@users.ballast.invalid"))
                            .onFailure(KeycloakAdmin.UserExistsException.class).transform(e -> ApiException.conflict(
                                    "user " + username + " (or its email) already exists"));
                }))
                .invoke(u -> LOG.infof("user %s (%s) created for tenant %s by %s", u.username(), user.role(),
                        tenantId, caller.getPrincipal().getName()))
                .map(u -> new UserCredentials(u.id(), u.username(), u.tenantId(), List.of(user.role()),
                        user.password() == null ? password : null));
    }

    /** Sets a fresh generated password on a user of the tenant and answers it once; 404 for anyone else's user. */
    public Uni<UserCredentials> resetPassword(SecurityIdentity caller, UUID tenantId, String username) {
        String name = username.trim().toLowerCase(Locale.ROOT);
        String password = KeycloakAdmin.newPassword();
        return tenantOf(caller, tenantId)
                .flatMap(t -> keycloak.findUser(name).flatMap(u -> {
                    if (u == null || !t.value().equals(u.tenantId())) {
                        throw ApiException.notFound("user", name);
                    }
                    return keycloak.setPassword(u.id(), password)
                            .replaceWith(new UserCredentials(u.id(), u.username(), u.tenantId(), null, password));
                }));
    }

    /** The tenant the caller may manage users of: any existing one for the platform admin, else its own. */
    private Uni<TenantId> tenantOf(SecurityIdentity caller, UUID tenantId) {
        if (caller.hasRole(Roles.PLATFORM_ADMIN)) {
            return pool.preparedQuery("select id from tenant where id = $1").execute(Tuple.of(tenantId))
                    .map(rows -> {
                        if (rows.rowCount() == 0) {
                            throw ApiException.notFound("tenant", tenantId);
                        }
                        return TenantId.of(tenantId);
                    });
        }
        return access.require(caller).map(own -> {
            if (!own.value().equals(tenantId)) {
                throw ApiException.notFound("tenant", tenantId);
            }
            return own;
        });
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
