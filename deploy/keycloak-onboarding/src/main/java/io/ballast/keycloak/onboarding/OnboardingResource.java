package io.ballast.keycloak.onboarding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.managers.ClientManager;
import org.keycloak.services.managers.RealmManager;

/**
 * The least-privilege onboarding endpoint, {@code /realms/{realm}/ballast-onboarding}: everything Ballast's
 * onboarding needs from Keycloak and nothing more. A caller must present a bearer token of this realm whose subject
 * holds the realm role {@value TenantShape#ONBOARDING_ROLE} (401 without a valid token, 403 without the role).
 *
 * <ul>
 *   <li>{@code POST /clients} {@code {"clientId", "tenantId", "roles"}}: a confidential service-account client of
 *       the fixed tenant shape ({@link TenantShape}): a hardcoded {@code tenant_id} claim with the given tenant, the
 *       {@code ballast-api} audience, the given tenant roles; answers its id and its generated secret (201).</li>
 *   <li>{@code GET /clients?clientId=}, {@code POST /clients/{id}/secret}, {@code DELETE /clients/{id}}: find,
 *       re-secret and delete a tenant client; any other client of the realm is a 404.</li>
 *   <li>{@code POST /users} {@code {"username", "password", "tenantId", "role", "firstName", "lastName",
 *       "email"}}: a tenant user with a {@code tenant_id} attribute and one tenant role (201).</li>
 *   <li>{@code GET /users?username=}, {@code PUT /users/{id}/password} {@code {"password"}}: find a tenant user and
 *       set its password; any other user is a 404.</li>
 * </ul>
 * A body with a field not listed (a protocol mapper, a redirect URI, an attribute) is refused with 400, as is a role
 * outside the tenant roles, a malformed tenant id or client id. Errors are {@code {"error": "...", "field": "..."}}.
 */
public final class OnboardingResource {

    private static final Logger LOG = Logger.getLogger(OnboardingResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;

    OnboardingResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * Creates a tenant client.
     *
     * @param body {@code {"clientId": "tenant-...", "tenantId": "<uuid>", "roles": ["integrator", ...]}}
     * @return 201 {@code {"id", "clientId", "tenantId", "roles", "secret"}}; 409 when the client id is taken
     */
    @POST
    @Path("clients")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response createClient(String body) {
        return guarded(() -> {
            JsonNode in = object(body, Set.of("clientId", "tenantId", "roles"));
            String clientId = TenantShape.clientId(text(in, "clientId"));
            String tenantId = TenantShape.tenantId(text(in, "tenantId"));
            List<String> roles = TenantShape.clientRoles(texts(in, "roles"));
            List<RoleModel> roleModels = realmRoles(roles);
            if (realm.getClientByClientId(clientId) != null) {
                return error(409, "clientId", "client " + clientId + " already exists");
            }
            ClientModel client = ClientManager.createClient(session, realm, tenantClient(clientId, tenantId));
            new ClientManager(new RealmManager(session)).enableServiceAccount(client);
            UserModel account = session.users().getServiceAccount(client);
            roleModels.forEach(account::grantRole);
            String secret = KeycloakModelUtils.generateSecret(client);
            LOG.infof("tenant client %s created for tenant %s with roles %s", clientId, tenantId, roles);
            ObjectNode out = JSON.createObjectNode().put("id", client.getId()).put("clientId", clientId)
                    .put("tenantId", tenantId).put("secret", secret);
            roles.forEach(out.putArray("roles")::add);
            return json(201, out);
        });
    }

    /**
     * Finds a tenant client by its client id.
     *
     * @param clientId the OAuth client id
     * @return 200 {@code {"id", "clientId", "tenantId"}}; 404 when there is no tenant client of that id
     */
    @GET
    @Path("clients")
    @Produces(MediaType.APPLICATION_JSON)
    public Response findClient(@QueryParam("clientId") String clientId) {
        return guarded(() -> {
            ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
            String tenantId = client == null ? null : tenantOf(client);
            if (tenantId == null) {
                return error(404, "clientId", "no tenant client " + clientId);
            }
            return json(200, JSON.createObjectNode().put("id", client.getId()).put("clientId", clientId)
                    .put("tenantId", tenantId));
        });
    }

    /**
     * Gives a tenant client a fresh generated secret; the old one stops working.
     *
     * @param id Keycloak's id of the client
     * @return 200 {@code {"secret"}}; 404 when it is not a tenant client
     */
    @POST
    @Path("clients/{id}/secret")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotateSecret(@PathParam("id") String id) {
        return guarded(() -> {
            ClientModel client = realm.getClientById(id);
            if (client == null || tenantOf(client) == null) {
                return error(404, "id", "no tenant client " + id);
            }
            String secret = KeycloakModelUtils.generateSecret(client);
            LOG.infof("secret of tenant client %s rotated", client.getClientId());
            return json(200, JSON.createObjectNode().put("secret", secret));
        });
    }

    /**
     * Deletes a tenant client and its service account.
     *
     * @param id Keycloak's id of the client
     * @return 204; 404 when it is not a tenant client
     */
    @DELETE
    @Path("clients/{id}")
    public Response deleteClient(@PathParam("id") String id) {
        return guarded(() -> {
            ClientModel client = realm.getClientById(id);
            if (client == null || tenantOf(client) == null) {
                return error(404, "id", "no tenant client " + id);
            }
            new ClientManager(new RealmManager(session)).removeClient(realm, client);
            LOG.infof("tenant client %s deleted", client.getClientId());
            return Response.noContent().build();
        });
    }

    /**
     * Creates a tenant user.
     *
     * @param body {@code {"username", "password", "tenantId", "role", "firstName", "lastName", "email"}}
     * @return 201 {@code {"id", "username", "tenantId", "role"}}; 409 when the username or email is taken
     */
    @POST
    @Path("users")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response createUser(String body) {
        return guarded(() -> {
            JsonNode in = object(body, Set.of("username", "password", "tenantId", "role", "firstName", "lastName",
                    "email"));
            String username = TenantShape.username(text(in, "username"));
            String password = TenantShape.password(text(in, "password"));
            String tenantId = TenantShape.tenantId(text(in, "tenantId"));
            String role = TenantShape.userRole(text(in, "role"));
            String firstName = TenantShape.personName("firstName", text(in, "firstName"));
            String lastName = TenantShape.personName("lastName", text(in, "lastName"));
            String email = TenantShape.email(text(in, "email"));
            RoleModel roleModel = realmRoles(List.of(role)).get(0);
            if (session.users().getUserByUsername(realm, username) != null) {
                return error(409, "username", "user " + username + " already exists");
            }
            if (session.users().getUserByEmail(realm, email) != null) {
                return error(409, "email", "a user with email " + email + " already exists");
            }
            UserModel user = session.users().addUser(realm, username);
            user.setEnabled(true);
            user.setFirstName(firstName);
            user.setLastName(lastName);
            user.setEmail(email);
            user.setEmailVerified(true);
            user.setSingleAttribute(TenantShape.TENANT_CLAIM, tenantId);
            user.grantRole(roleModel);
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
            LOG.infof("tenant user %s (%s) created for tenant %s", username, role, tenantId);
            return json(201, JSON.createObjectNode().put("id", user.getId()).put("username", user.getUsername())
                    .put("tenantId", tenantId).put("role", role));
        });
    }

    /**
     * Finds a tenant user by username.
     *
     * @param username the login name
     * @return 200 {@code {"id", "username", "tenantId"}}; 404 when there is no tenant user of that name
     */
    @GET
    @Path("users")
    @Produces(MediaType.APPLICATION_JSON)
    public Response findUser(@QueryParam("username") String username) {
        return guarded(() -> {
            UserModel user = username == null ? null : session.users().getUserByUsername(realm, username);
            String tenantId = user == null ? null : tenantOf(user);
            if (tenantId == null) {
                return error(404, "username", "no tenant user " + username);
            }
            return json(200, JSON.createObjectNode().put("id", user.getId()).put("username", user.getUsername())
                    .put("tenantId", tenantId));
        });
    }

    /**
     * Sets a tenant user's password (not temporary).
     *
     * @param id   Keycloak's id of the user
     * @param body {@code {"password"}}
     * @return 204; 404 when it is not a tenant user
     */
    @PUT
    @Path("users/{id}/password")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setPassword(@PathParam("id") String id, String body) {
        return guarded(() -> {
            String password = TenantShape.password(text(object(body, Set.of("password")), "password"));
            UserModel user = session.users().getUserById(realm, id);
            if (user == null || tenantOf(user) == null) {
                return error(404, "id", "no tenant user " + id);
            }
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
            LOG.infof("password of tenant user %s set", user.getUsername());
            return Response.noContent().build();
        });
    }

    // ---- the fixed shape -------------------------------------------------------------------------------------

    private static ClientRepresentation tenantClient(String clientId, String tenantId) {
        ClientRepresentation rep = new ClientRepresentation();
        rep.setClientId(clientId);
        rep.setName(clientId);
        rep.setEnabled(true);
        rep.setProtocol("openid-connect");
        rep.setPublicClient(false);
        rep.setClientAuthenticatorType("client-secret");
        rep.setServiceAccountsEnabled(true);
        rep.setStandardFlowEnabled(false);
        rep.setDirectAccessGrantsEnabled(false);
        rep.setImplicitFlowEnabled(false);
        rep.setFrontchannelLogout(false);
        rep.setProtocolMappers(List.of(
                mapper(TenantShape.TENANT_MAPPER_NAME, TenantShape.HARDCODED_CLAIM_MAPPER, Map.of(
                        "claim.name", TenantShape.TENANT_CLAIM, "claim.value", tenantId, "jsonType.label", "String",
                        "access.token.claim", "true", "id.token.claim", "false",
                        "userinfo.token.claim", "false", "introspection.token.claim", "true")),
                mapper("audience " + TenantShape.API_AUDIENCE, TenantShape.AUDIENCE_MAPPER, Map.of(
                        "included.custom.audience", TenantShape.API_AUDIENCE, "access.token.claim", "true",
                        "id.token.claim", "false", "introspection.token.claim", "true"))));
        return rep;
    }

    private static ProtocolMapperRepresentation mapper(String name, String type, Map<String, String> config) {
        ProtocolMapperRepresentation m = new ProtocolMapperRepresentation();
        m.setName(name);
        m.setProtocol("openid-connect");
        m.setProtocolMapper(type);
        m.setConfig(new HashMap<>(config));
        return m;
    }

    /**
     * The tenant of a tenant client, or null for any other client: a confidential service-account client whose id
     * starts with {@code tenant-}, whose {@code tenant_id} mapper is a hardcoded claim of a well-formed tenant id,
     * and whose service account holds nothing but tenant roles and the realm's default roles.
     */
    private String tenantOf(ClientModel client) {
        if (!client.getClientId().startsWith(TenantShape.CLIENT_PREFIX) || client.isPublicClient()
                || !client.isServiceAccountsEnabled()) {
            return null;
        }
        String tenantId = client.getProtocolMappersStream()
                .filter(m -> TenantShape.TENANT_MAPPER_NAME.equals(m.getName())
                        && TenantShape.HARDCODED_CLAIM_MAPPER.equals(m.getProtocolMapper())
                        && TenantShape.TENANT_CLAIM.equals(m.getConfig().get("claim.name")))
                .map(ProtocolMapperModel::getConfig).map(c -> c.get("claim.value")).findFirst().orElse(null);
        UserModel account = session.users().getServiceAccount(client);
        if (!TenantShape.isTenantId(tenantId) || account == null || !holdsOnly(account, TenantShape.CLIENT_ROLES)) {
            return null;
        }
        return tenantId;
    }

    /**
     * The tenant of a tenant user, or null for any other user: a person (not a service account) with a well-formed
     * {@code tenant_id} attribute who holds nothing but tenant user roles and the realm's default roles.
     */
    private String tenantOf(UserModel user) {
        String tenantId = user.getFirstAttribute(TenantShape.TENANT_CLAIM);
        if (user.getServiceAccountClientLink() != null || !TenantShape.isTenantId(tenantId)
                || !holdsOnly(user, TenantShape.USER_ROLES)) {
            return null;
        }
        return tenantId;
    }

    /** Direct role mappings only of the allowed realm roles and the default role; no group membership. */
    private boolean holdsOnly(UserModel user, Set<String> allowed) {
        RoleModel defaults = realm.getDefaultRole();
        boolean roles = user.getRoleMappingsStream().allMatch(r -> r.equals(defaults)
                || (!r.isClientRole() && allowed.contains(r.getName())));
        return roles && user.getGroupsStream().findAny().isEmpty();
    }

    private List<RoleModel> realmRoles(List<String> names) {
        List<RoleModel> roles = new ArrayList<>();
        for (String name : names) {
            RoleModel role = realm.getRole(name);
            if (role == null || role.isComposite()) {
                throw new TenantShape.Refused("roles", "realm role '" + name
                        + "' is missing or composite in realm " + realm.getName());
            }
            roles.add(role);
        }
        return roles;
    }

    // ---- requests and answers --------------------------------------------------------------------------------

    /** Authenticates and authorizes the caller, then runs the operation; refusals become JSON errors. */
    private Response guarded(Supplier<Response> operation) {
        AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).setRealm(realm).authenticate();
        if (auth == null) {
            return error(401, null, "a valid bearer token of realm " + realm.getName() + " is required");
        }
        RoleModel onboarding = realm.getRole(TenantShape.ONBOARDING_ROLE);
        if (onboarding == null || !auth.user().hasRole(onboarding)) {
            LOG.warnf("onboarding endpoint refused to %s: no role %s", auth.user().getUsername(),
                    TenantShape.ONBOARDING_ROLE);
            return error(403, null, "the realm role " + TenantShape.ONBOARDING_ROLE + " is required");
        }
        try {
            return operation.get();
        } catch (TenantShape.Refused e) {
            session.getTransactionManager().setRollbackOnly();
            return error(400, e.field(), e.getMessage());
        } catch (ModelDuplicateException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(409, null, "already exists: " + e.getMessage());
        } catch (ModelException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(400, null, e.getMessage());
        }
    }

    /** The body as a JSON object holding no field outside {@code allowed}. */
    private static JsonNode object(String body, Set<String> allowed) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new TenantShape.Refused("body", "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new TenantShape.Refused("body", "a JSON object is required");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new TenantShape.Refused(name, "unknown field; allowed: " + allowed.stream().sorted().toList());
            }
        }
        return node;
    }

    private static String text(JsonNode in, String field) {
        JsonNode value = in.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new TenantShape.Refused(field, "must be a string");
        }
        return value.asText();
    }

    private static List<String> texts(JsonNode in, String field) {
        JsonNode value = in.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new TenantShape.Refused(field, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new TenantShape.Refused(field, "must be an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static Response json(int status, JsonNode body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body.toString()).build();
    }

    private static Response error(int status, String field, String message) {
        ObjectNode body = JSON.createObjectNode().put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        return json(status, body);
    }
}
