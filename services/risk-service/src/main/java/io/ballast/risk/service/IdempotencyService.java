package io.ballast.risk.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.IdempotencyRecord;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.live.BookLoader;
import io.ballast.risk.live.ConsistencyToken;
import io.ballast.risk.repository.IdempotencyRepository;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Runs a write in one transaction and, when the caller sent an {@code Idempotency-Key}, stores its answer (status
 * and JSON body) in the same transaction. A retry with the same key and the same request returns the stored answer
 * without running the write again; the same key with a different request is refused (422). Keys are per tenant.
 * Two concurrent first attempts with one key: one commits, the other fails on the primary key (409) and changes
 * nothing.
 *
 * <p>A replayed answer names the tenant's change marks as they are when it is replayed ({@link ConsistencyToken}):
 * the write it replays committed before, so they include it, and a read that sends them back sees it.
 */
@ApplicationScoped
public class IdempotencyService {

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    /**
     * The answer to give.
     *
     * @param status   HTTP status
     * @param json     JSON body
     * @param replayed true when this is the stored answer of an earlier attempt
     */
    public record Outcome(int status, String json, boolean replayed) {
    }

    private static final Logger LOG = Logger.getLogger(IdempotencyService.class);

    private final IdempotencyRepository repository;
    private final ObjectMapper mapper;
    private final BookLoader marks;

    /** Wires the repository, the JSON mapper and the reader of a tenant's change marks. */
    public IdempotencyService(IdempotencyRepository repository, ObjectMapper mapper, BookLoader marks) {
        this.repository = repository;
        this.mapper = mapper;
        this.marks = marks;
    }

    /**
     * Executes {@code work} at most once per (tenant, key).
     *
     * @param tenant  the caller's tenant
     * @param key     the Idempotency-Key header, or null for a plain write
     * @param method  HTTP method (part of the request fingerprint)
     * @param path    request path (part of the fingerprint)
     * @param request the parsed request body, or null (part of the fingerprint)
     * @param status  status of a successful answer
     * @param work    the write; its result becomes the JSON body
     */
    public Uni<Outcome> execute(TenantId tenant, String key, String method, String path, Object request, int status,
            Supplier<Uni<?>> work) {
        if (key == null) {
            return RowSecurity.transaction(tenant, work::get).map(body -> new Outcome(status, json(body), false));
        }
        if (!KEY.matcher(key).matches()) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid Idempotency-Key",
                    List.of(FieldError.of("Idempotency-Key", "1 to 200 printable ASCII characters"))));
        }
        String hash = sha256(method + " " + path + "\n" + json(request));
        IdempotencyRecord.Key id = new IdempotencyRecord.Key(tenant.value(), key);
        Context caller = ConsistencyToken.requestContext();
        return RowSecurity.transaction(tenant, () -> repository.findById(id).flatMap(existing -> {
            if (existing != null) {
                if (!existing.requestHash.equals(hash)) {
                    return Uni.createFrom().failure(ApiException.unprocessable(
                            "Idempotency-Key " + key + " was already used with a different request",
                            List.of(FieldError.of("Idempotency-Key", "reused with a different request"))));
                }
                return Uni.createFrom().item(new Outcome(existing.status, existing.responseBody, true));
            }
            return work.get().flatMap(body -> {
                IdempotencyRecord record = new IdempotencyRecord();
                record.id = id;
                record.requestHash = hash;
                record.status = status;
                record.responseBody = json(body);
                record.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                return repository.persist(record).map(r -> new Outcome(status, r.responseBody, false));
            });
        })).flatMap(outcome -> outcome.replayed() ? withMarks(tenant, caller, outcome)
                : Uni.createFrom().item(outcome));
    }

    /**
     * A replayed answer with the tenant's change marks read now as its token. Without them (the read failed) it goes
     * out without a token, as a read's answer may: the client then reads without one.
     */
    private Uni<Outcome> withMarks(TenantId tenant, Context request, Outcome outcome) {
        return marks.marks(tenant)
                .invoke(m -> ConsistencyToken.reflect(request, m[0], m[1]))
                .replaceWith(outcome)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("a replayed answer goes without a token: its tenant's marks were not read (%s)",
                            e.getMessage());
                    return outcome;
                });
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
