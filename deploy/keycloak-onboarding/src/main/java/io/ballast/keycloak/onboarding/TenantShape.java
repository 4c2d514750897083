package io.ballast.keycloak.onboarding;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one shape of tenant clients and tenant users this extension creates, and the checks that keep every request
 * inside it. Pure Java (no Keycloak types), so every rule is unit-testable.
 */
public final class TenantShape {

    /** Realm role a caller must hold (directly, through a composite or a group) to use the endpoint. */
    public static final String ONBOARDING_ROLE = "ballast-onboarding";
    /** Name of the claim (hardcoded claim mapper on clients, attribute on users) carrying the tenant. */
    public static final String TENANT_CLAIM = "tenant_id";
    /** Name of the hardcoded claim mapper that marks a client as a tenant client. */
    public static final String TENANT_MAPPER_NAME = "tenant_id";
    /** Keycloak's provider id of the hardcoded claim mapper. */
    public static final String HARDCODED_CLAIM_MAPPER = "oidc-hardcoded-claim-mapper";
    /** Keycloak's provider id of the audience mapper. */
    public static final String AUDIENCE_MAPPER = "oidc-audience-mapper";
    /** The audience the Ballast API requires in access tokens. */
    public static final String API_AUDIENCE = "ballast-api";
    /** Every tenant client id starts with this. */
    public static final String CLIENT_PREFIX = "tenant-";

    /** Realm roles a tenant client's service account may hold. Never {@code platform-admin}. */
    public static final Set<String> CLIENT_ROLES = Set.of("integrator", "tenant-admin", "risk-committee", "viewer");
    /** Realm roles a tenant's human user may hold (integrators are clients, not people). */
    public static final Set<String> USER_ROLES = Set.of("tenant-admin", "risk-committee", "viewer");
    /** Shortest password accepted for a tenant user, in characters. */
    public static final int MIN_PASSWORD = 12;

    private static final Pattern CLIENT_ID = Pattern.compile("tenant-[a-z0-9][a-z0-9-]{1,98}");
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>\"]{1,64}@[^@\\s<>\"]{1,190}");
    private static final Pattern NAME = Pattern.compile("[^<>&\"\\p{Cntrl}]{1,255}");

    private TenantShape() {
    }

    /** A request outside the shape: becomes a 400 naming the field. */
    public static final class Refused extends RuntimeException {
        private final String field;

        /**
         * @param field  the offending field
         * @param reason what is wrong, for the caller
         */
        public Refused(String field, String reason) {
            super(field + ": " + reason);
            this.field = field;
        }

        /** @return the offending field */
        public String field() {
            return field;
        }
    }

    /**
     * @param clientId a requested client id
     * @return it, when it is {@code tenant-} followed by 2-99 of a-z, 0-9, '-'
     * @throws Refused otherwise
     */
    public static String clientId(String clientId) {
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            throw new Refused("clientId", "must be 'tenant-' followed by 2-99 of a-z, 0-9, '-'");
        }
        return clientId;
    }

    /**
     * @param tenantId a requested tenant id
     * @return it, when it is a UUID in canonical lowercase form (as Ballast writes it)
     * @throws Refused otherwise
     */
    public static String tenantId(String tenantId) {
        if (!isTenantId(tenantId)) {
            throw new Refused("tenantId", "must be a UUID in canonical lowercase form");
        }
        return tenantId;
    }

    /** @return whether the value is a UUID in canonical lowercase form */
    public static boolean isTenantId(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(value).toString().equals(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * @param roles the realm roles requested for a tenant client
     * @return them, when 1-4 distinct roles of {@link #CLIENT_ROLES}
     * @throws Refused otherwise, naming the first role refused
     */
    public static List<String> clientRoles(List<String> roles) {
        return roles(roles, CLIENT_ROLES);
    }

    /**
     * @param role the realm role requested for a tenant user
     * @return it, when one of {@link #USER_ROLES}
     * @throws Refused otherwise
     */
    public static String userRole(String role) {
        if (role == null || !USER_ROLES.contains(role)) {
            throw new Refused("role", "role '" + role + "' is not a tenant user role; allowed: "
                    + USER_ROLES.stream().sorted().toList());
        }
        return role;
    }

    private static List<String> roles(List<String> roles, Set<String> allowed) {
        if (roles != null && roles.size() > allowed.size()) {
            throw new Refused("roles", "at most " + allowed.size() + " roles");
        }
        if (roles == null || roles.isEmpty()) {
            throw new Refused("roles", "at least one of " + allowed.stream().sorted().toList());
        }
        for (String role : roles) {
            if (!allowed.contains(role)) {
                throw new Refused("roles", "role '" + role + "' is not a tenant role; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
        if (Set.copyOf(roles).size() != roles.size()) {
            throw new Refused("roles", "a role is named twice");
        }
        return List.copyOf(roles);
    }

    /**
     * @param username a requested login name
     * @return it lowercased, when 3-64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit
     * @throws Refused otherwise
     */
    public static String username(String username) {
        String name = username == null ? "" : username.toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw new Refused("username", "3-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }
        return name;
    }

    /**
     * @param password a requested password
     * @return it, when at least {@link #MIN_PASSWORD} characters
     * @throws Refused otherwise
     */
    public static String password(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > 256) {
            throw new Refused("password", MIN_PASSWORD + "-256 characters");
        }
        return password;
    }

    /**
     * @param field the field's name
     * @param value a first or last name
     * @return it, when 1-255 characters without control characters or {@code < > & "}
     * @throws Refused otherwise
     */
    public static String personName(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new Refused(field, "1-255 characters without control characters or < > & \"");
        }
        return value;
    }

    /**
     * @param email an email address
     * @return it lowercased, when it has the form local@domain (no spaces, quotes or angle brackets)
     * @throws Refused otherwise
     */
    public static String email(String email) {
        if (email == null || !EMAIL.matcher(email).matches()) {
            throw new Refused("email", "an address of the form local@domain");
        }
        return email.toLowerCase(Locale.ROOT);
    }
}
