package io.ballast.risk.domain;

import java.util.Objects;
import java.util.UUID;

/**
 * The tenant a request acts for. Always taken from the verified access token (claim {@code tenant_id}),
 * never from a path, header or body, and passed down explicitly as a value.
 *
 * @param value the tenant's primary key
 */
public record TenantId(UUID value) {

    /** Rejects a null id. */
    public TenantId {
        Objects.requireNonNull(value, "tenant id");
    }

    /** Wraps a uuid. */
    public static TenantId of(UUID value) {
        return new TenantId(value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
