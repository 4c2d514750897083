package io.ballast.risk.governance.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.governance.domain.AuditAction;
import io.ballast.risk.governance.domain.AuditEntry;
import io.ballast.risk.governance.repository.AuditRepository;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Appends to the audit trail (in the caller's transaction) and reads it back with filters, as JSON or CSV. Values
 * before and after are stored as JSON; the evidence is stored with its proposal and referenced here by its SHA-256.
 */
@ApplicationScoped
public class AuditTrail {

    /**
     * One audit entry as answered and exported.
     *
     * @param id             append order
     * @param occurredAt     when (UTC)
     * @param action         step
     * @param actorSubject   token subject, {@code model:<version>} or {@code scheduler}
     * @param actorClient    client id (azp), or null
     * @param actorName      the actor's name: preferred_username, a machine's client id, {@code model <version>},
     *                       {@code scheduler}; null for entries written before names were recorded
     * @param assetId        asset, or null
     * @param proposalId     proposal, or null
     * @param before         values before (JSON), or null
     * @param after          values after (JSON), or null
     * @param reason         reason or comment
     * @param evidenceDigest SHA-256 (hex) of the evidence, or null
     */
    public record Entry(long id, OffsetDateTime occurredAt, AuditAction action, String actorSubject,
            String actorClient, String actorName, UUID assetId, UUID proposalId, JsonNode before, JsonNode after, String reason,
            String evidenceDigest) {

        static Entry of(AuditEntry e) {
            return new Entry(e.id, e.occurredAt, e.action, e.actorSubject, e.actorClient, e.actorName, e.assetId,
                    e.proposalId, tree(e.before), tree(e.after), e.reason, e.evidenceDigest);
        }
    }

    /** One CSV row: the entry with before and after as JSON text. */
    private record CsvRow(long id, OffsetDateTime occurredAt, AuditAction action, String actorSubject,
            String actorClient, String actorName, UUID assetId, UUID proposalId, String before, String after, String reason,
            String evidenceDigest) {

        static CsvRow of(Entry e) {
            return new CsvRow(e.id(), e.occurredAt(), e.action(), e.actorSubject(), e.actorClient(), e.actorName(),
                    e.assetId(),
                    e.proposalId(), e.before() == null ? null : e.before().toString(),
                    e.after() == null ? null : e.after().toString(), e.reason(), e.evidenceDigest());
        }
    }

    private static final CsvMapper CSV = CsvMapper.builder().findAndAddModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    private static final CsvSchema CSV_SCHEMA = CSV.schemaFor(CsvRow.class).withHeader()
            .sortedBy("id", "occurredAt", "action", "actorSubject", "actorClient", "actorName", "assetId",
                    "proposalId", "before", "after", "reason", "evidenceDigest");

    private static final ObjectMapper READER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final AuditRepository audit;
    private final ObjectMapper json;

    /** Wires collaborators. */
    public AuditTrail(AuditRepository audit, ObjectMapper json) {
        this.audit = audit;
        this.json = json;
    }

    /**
     * Whether governance already received this recommendation (see {@link AuditRepository#received}).
     *
     * @param tenant           the tenant
     * @param recommendationId the stored recommendation's id
     * @return true when received before
     */
    public Uni<Boolean> received(TenantId tenant, UUID recommendationId) {
        return audit.received(tenant, recommendationId);
    }

    /**
     * Appends one step.
     *
     * @param before         any JSON-serialisable value, or null
     * @param after          any JSON-serialisable value, or null
     * @param evidenceDigest SHA-256 (hex) of the evidence ({@link #sha256} of the proposal's stored evidence), or null
     */
    public Uni<AuditEntry> append(TenantId tenant, AuditAction action, Actor actor, UUID assetId, UUID proposalId,
            Object before, Object after, String reason, String evidenceDigest) {
        AuditEntry e = new AuditEntry();
        e.tenantId = tenant.value();
        e.occurredAt = OffsetDateTime.now(ZoneOffset.UTC);
        e.action = action;
        e.actorSubject = actor.subject();
        e.actorClient = actor.client();
        e.actorName = actor.name();
        e.assetId = assetId;
        e.proposalId = proposalId;
        e.before = before == null ? null : toJson(before);
        e.after = after == null ? null : toJson(after);
        e.reason = reason;
        e.evidenceDigest = evidenceDigest;
        return audit.persist(e);
    }

    /** A page ({@code offset}, {@code limit}) of entries, oldest first. */
    @WithSession
    public Uni<List<Entry>> query(TenantId tenant, AuditRepository.Filter filter, int offset, int limit) {
        return audit.page(tenant, filter, null, offset, limit).map(l -> l.stream().map(Entry::of).toList());
    }

    /** A page of entries, oldest first, after the cursor (the last entry's id) or from {@code offset}. */
    @WithSession
    public Uni<Page<Entry>> page(TenantId tenant, AuditRepository.Filter filter, Cursor after, int offset, int limit) {
        return audit.page(tenant, filter, after == null ? null : after.longInteger(0), offset, limit + 1)
                .map(l -> Page.of(l.stream().map(Entry::of).toList(), limit, e -> Cursor.of(e.id())));
    }

    /** Entries as CSV with a header row (RFC 4180 quoting). */
    public static String csv(List<Entry> entries) {
        try {
            return CSV.writer(CSV_SCHEMA).writeValueAsString(entries.stream().map(CsvRow::of).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit CSV", e);
        }
    }

    /** JSON text of a value (the mapper of the service: ISO dates, plain numbers). */
    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable: " + value.getClass().getSimpleName(), e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return json == null ? null : READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored audit JSON is not JSON", e);
        }
    }

    /** Lower-case hex SHA-256 of a text's UTF-8 bytes. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
