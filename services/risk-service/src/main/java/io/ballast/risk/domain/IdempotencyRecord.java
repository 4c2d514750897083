package io.ballast.risk.domain;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The first answer to a write sent with an {@code Idempotency-Key} (table {@code idempotency_record}). */
@Entity
@Table(name = "idempotency_record")
public class IdempotencyRecord {
    /** (tenant, key). */
    @EmbeddedId
    public Key id;
    /** SHA-256 (hex) of method, path and canonical request body. */
    public String requestHash;
    /** HTTP status of the first answer. */
    public int status;
    /** JSON body of the first answer. */
    public String responseBody;
    /** When the first answer was given (UTC). */
    public OffsetDateTime createdAt;

    /** Composite key: keys are scoped per tenant. */
    @Embeddable
    public record Key(UUID tenantId, String idemKey) implements Serializable {
    }
}
