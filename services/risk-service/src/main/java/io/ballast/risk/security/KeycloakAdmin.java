package io.ballast.risk.security;

import io.ballast.risk.config.BallastConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A small non-blocking client of Keycloak's admin REST API: creates the tenant's service-account clients (with a
 * hardcoded {@code tenant_id} claim and realm roles), regenerates their secrets and deletes them. Authenticates with
 * the {@code ballast-service} client (client-credentials grant).
 */
@ApplicationScoped
public class KeycloakAdmin {

    private static final Logger LOG = Logger.getLogger(KeycloakAdmin.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The audience the API requires in access tokens ({@code quarkus.oidc.token.audience}); every client created here
     * gets an audience mapper adding it.
     */
    public static final String API_AUDIENCE = "ballast-api";

    /**
     * A client created for a tenant.
     *
     * @param internalId Keycloak's id of the client (used in admin URLs)
     * @param clientId   the OAuth client id
     * @param secret     the client secret
     */
    public record CreatedClient(String internalId, String clientId, String secret) {
    }

    private final BallastConfig.Keycloak config;
    private final WebClient web;

    /** Builds the client from configuration. */
    public KeycloakAdmin(BallastConfig config, Vertx vertx) {
        this.config = config.keycloak();
        this.web = WebClient.create(vertx);
    }

    @PreDestroy
    void close() {
        web.close();
    }

    /** The token endpoint integrators use. */
    public String tokenUrl() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    private String realmUrl() {
        return config.serverUrl() + "/realms/" + config.realm();
    }

    private String adminUrl() {
        return config.serverUrl() + "/admin/realms/" + config.realm();
    }

    private Uni<String> serviceToken() {
        return web.postAbs(tokenUrl()).timeout(TIMEOUT.toMillis())
                .sendForm(io.vertx.mutiny.core.MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")
                        .add("client_id", config.serviceClientId())
                        .add("client_secret", config.serviceClientSecret()))
                .map(r -> expect(r, 200, "service token").bodyAsJsonObject().getString("access_token"));
    }

    private HttpRequest<Buffer> authed(HttpRequest<Buffer> request, String token) {
        return request.bearerTokenAuthentication(token).timeout(TIMEOUT.toMillis());
    }

    /**
     * Creates a confidential service-account client whose tokens carry {@code tenant_id = tenantId}, the given
     * realm roles and the audience {@link #API_AUDIENCE}. If any step after the creation fails, the client is deleted again before the failure surfaces.
     */
    public Uni<CreatedClient> createTenantClient(String clientId, UUID tenantId, List<String> realmRoles) {
        String secret = newSecret();
        JsonObject mapper = new JsonObject()
                .put("name", "tenant_id")
                .put("protocol", "openid-connect")
                .put("protocolMapper", "oidc-hardcoded-claim-mapper")
                .put("config", new JsonObject()
                        .put("claim.name", "tenant_id")
                        .put("claim.value", tenantId.toString())
                        .put("jsonType.label", "String")
                        .put("access.token.claim", "true")
                        .put("id.token.claim", "false")
                        .put("userinfo.token.claim", "false")
                        .put("introspection.token.claim", "true"));
        JsonObject audience = new JsonObject()
                .put("name", "audience " + API_AUDIENCE)
                .put("protocol", "openid-connect")
                .put("protocolMapper", "oidc-audience-mapper")
                .put("config", new JsonObject()
                        .put("included.custom.audience", API_AUDIENCE)
                        .put("access.token.claim", "true")
                        .put("id.token.claim", "false")
                        .put("introspection.token.claim", "true"));
        JsonObject client = new JsonObject()
                .put("clientId", clientId)
                .put("name", clientId)
                .put("enabled", true)
                .put("protocol", "openid-connect")
                .put("publicClient", false)
                .put("clientAuthenticatorType", "client-secret")
                .put("secret", secret)
                .put("serviceAccountsEnabled", true)
                .put("standardFlowEnabled", false)
                .put("directAccessGrantsEnabled", false)
                .put("implicitFlowEnabled", false)
                .put("protocolMappers", new JsonArray().add(mapper).add(audience));
        return serviceToken().flatMap(token -> authed(web.postAbs(adminUrl() + "/clients"), token)
                .sendJsonObject(client)
                .map(r -> {
                    if (r.statusCode() == 409) {
                        throw new ClientExistsException("Keycloak client " + clientId + " already exists");
                    }
                    String location = expect(r, 201, "create client " + clientId).getHeader("Location");
                    return location.substring(location.lastIndexOf('/') + 1);
                })
                .flatMap(internalId -> assignRealmRoles(token, internalId, realmRoles)
                        .replaceWith(new CreatedClient(internalId, clientId, secret))
                        .onFailure().call(err -> deleteClient(internalId)
                                .onFailure().invoke(e -> LOG.errorf(e, "compensation failed for %s", clientId))
                                .onFailure().recoverWithNull())));
    }

    private Uni<Void> assignRealmRoles(String token, String internalId, List<String> roles) {
        Uni<String> userId = authed(web.getAbs(adminUrl() + "/clients/" + internalId + "/service-account-user"),
                token).send().map(r -> expect(r, 200, "service account user").bodyAsJsonObject().getString("id"));
        Uni<JsonArray> roleReps = Multi.createFrom().iterable(roles)
                .onItem().transformToUniAndConcatenate(role -> authed(web.getAbs(adminUrl() + "/roles/" + role), token)
                        .send().map(r -> expect(r, 200, "realm role " + role).bodyAsJsonObject()))
                .collect().in(JsonArray::new, JsonArray::add);
        return Uni.combine().all().unis(userId, roleReps).asTuple()
                .flatMap(t -> authed(web.postAbs(adminUrl() + "/users/" + t.getItem1() + "/role-mappings/realm"),
                        token).sendJson(t.getItem2()))
                .map(r -> expect(r, 204, "assign roles"))
                .replaceWithVoid();
    }

    /** Deletes a client by its internal id; a missing client counts as deleted. */
    public Uni<Void> deleteClient(String internalId) {
        return serviceToken().flatMap(token -> authed(web.deleteAbs(adminUrl() + "/clients/" + internalId), token)
                .send()
                .map(r -> r.statusCode() == 404 ? r : expect(r, 204, "delete client")))
                .replaceWithVoid();
    }

    /** The internal id of the client with this clientId, or null. */
    public Uni<String> findClient(String clientId) {
        return serviceToken().flatMap(token -> authed(web.getAbs(adminUrl() + "/clients"), token)
                .addQueryParam("clientId", clientId).send()
                .map(r -> {
                    JsonArray found = expect(r, 200, "find client").bodyAsJsonArray();
                    return found.isEmpty() ? null : found.getJsonObject(0).getString("id");
                }));
    }

    /** Sets a fresh random secret on the client with this clientId and returns it. */
    public Uni<String> rotateSecret(String clientId) {
        return findClient(clientId).flatMap(internalId -> {
            if (internalId == null) {
                return Uni.createFrom().failure(new IdentityProviderException("no Keycloak client " + clientId));
            }
            return serviceToken().flatMap(token -> authed(
                            web.postAbs(adminUrl() + "/clients/" + internalId + "/client-secret"), token)
                    .send()
                    .map(r -> expect(r, 200, "rotate secret").bodyAsJsonObject().getString("value")));
        });
    }

    /**
     * A user of a tenant as Keycloak holds it.
     *
     * @param id       Keycloak's user id
     * @param username login name
     * @param tenantId the user's {@code tenant_id} attribute, or null
     */
    public record TenantUser(String id, String username, UUID tenantId) {
    }

    /**
     * Creates a human user whose tokens carry {@code tenant_id = tenantId} (a user attribute that only administrators
     * may see or change, mapped into tokens by the clients users log in through) and the given realm role, with a
     * non-temporary password. If assigning the role fails, the user is deleted again before the failure surfaces.
     *
     * @param username  login name (Keycloak lowercases it)
     * @param password  the password
     * @param tenantId  the tenant
     * @param realmRole one realm role
     * @param firstName first name (Keycloak's user profile expects one before a login)
     * @param lastName  last name
     * @param email     email address
     * @return the user
     * @throws IdentityProviderException (as a failure) "already exists" when the username is taken
     */
    public Uni<TenantUser> createTenantUser(String username, String password, UUID tenantId, String realmRole,
            String firstName, String lastName, String email) {
        JsonObject user = new JsonObject()
                .put("username", username)
                .put("enabled", true)
                .put("firstName", firstName)
                .put("lastName", lastName)
                .put("email", email)
                .put("emailVerified", true)
                .put("attributes", new JsonObject().put("tenant_id", new JsonArray().add(tenantId.toString())))
                .put("credentials", new JsonArray().add(new JsonObject().put("type", "password")
                        .put("value", password).put("temporary", false)));
        return serviceToken().flatMap(token -> authed(web.postAbs(adminUrl() + "/users"), token)
                .sendJsonObject(user)
                .map(r -> {
                    if (r.statusCode() == 409) {
                        throw new IdentityProviderException("Keycloak user " + username + " already exists");
                    }
                    String location = expect(r, 201, "create user " + username).getHeader("Location");
                    return location.substring(location.lastIndexOf('/') + 1);
                })
                .flatMap(id -> authed(web.getAbs(adminUrl() + "/roles/" + realmRole), token).send()
                        .map(r -> expect(r, 200, "realm role " + realmRole).bodyAsJsonObject())
                        .flatMap(role -> authed(web.postAbs(adminUrl() + "/users/" + id + "/role-mappings/realm"),
                                token).sendJson(new JsonArray().add(role)))
                        .map(r -> expect(r, 204, "assign role to " + username))
                        .replaceWith(new TenantUser(id, username.toLowerCase(java.util.Locale.ROOT), tenantId))
                        .onFailure().call(err -> authed(web.deleteAbs(adminUrl() + "/users/" + id), token).send()
                                .onFailure().invoke(e -> LOG.errorf(e, "compensation failed for %s", username))
                                .onFailure().recoverWithNull())));
    }

    /** The user with exactly this username, or null. */
    public Uni<TenantUser> findUser(String username) {
        return serviceToken().flatMap(token -> authed(web.getAbs(adminUrl() + "/users"), token)
                .addQueryParam("username", username).addQueryParam("exact", "true").send()
                .map(r -> {
                    JsonArray found = expect(r, 200, "find user").bodyAsJsonArray();
                    if (found.isEmpty()) {
                        return null;
                    }
                    JsonObject u = found.getJsonObject(0);
                    JsonArray tenant = u.getJsonObject("attributes", new JsonObject()).getJsonArray("tenant_id");
                    UUID tenantId = null;
                    if (tenant != null && !tenant.isEmpty()) {
                        try {
                            tenantId = UUID.fromString(tenant.getString(0));
                        } catch (IllegalArgumentException e) {
                            tenantId = null;
                        }
                    }
                    return new TenantUser(u.getString("id"), u.getString("username"), tenantId);
                }));
    }

    /** Sets a new non-temporary password on a user (by Keycloak id). */
    public Uni<Void> setPassword(String userId, String password) {
        return serviceToken().flatMap(token -> authed(web.putAbs(adminUrl() + "/users/" + userId
                        + "/reset-password"), token)
                .sendJsonObject(new JsonObject().put("type", "password").put("value", password)
                        .put("temporary", false))
                .map(r -> expect(r, 204, "set password")))
                .replaceWithVoid();
    }

    /** A fresh random password (URL-safe, 256 bits). */
    public static String newPassword() {
        return newSecret();
    }

    private static HttpResponse<Buffer> expect(HttpResponse<Buffer> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IdentityProviderException("Keycloak " + what + " answered " + response.statusCode() + ": "
                    + abbreviate(response.bodyAsString()));
        }
        return response;
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Keycloak already holds a client with the id asked for (its answer 409). */
    public static final class ClientExistsException extends IdentityProviderException {
        /** With a message naming the client. */
        public ClientExistsException(String message) {
            super(message);
        }
    }

    /** Keycloak refused or failed a call; the API reports it as 502. */
    public static class IdentityProviderException extends RuntimeException {
        /** With a message naming the call and Keycloak's answer. */
        public IdentityProviderException(String message) {
            super(message);
        }
    }

}
