package io.ballast.risk.governance.service;

import io.ballast.predictive.Preset;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.governance.domain.AuditAction;
import io.ballast.risk.governance.domain.GovernancePolicy;
import io.ballast.risk.governance.domain.ParameterSource;
import io.ballast.risk.governance.domain.Proposal;
import io.ballast.risk.governance.domain.ProposalKind;
import io.ballast.risk.governance.domain.ProposalOrigin;
import io.ballast.risk.governance.domain.ProposalStatus;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.domain.Setting;
import io.ballast.risk.governance.domain.Vote;
import io.ballast.risk.governance.repository.PolicyRepository;
import io.ballast.risk.governance.repository.ProposalRepository;
import io.ballast.risk.governance.repository.VoteRepository;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.tenancy.rls.CrossTenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The governance workflow (docs/governance.md). A recommendation within the tenant's bounds becomes the live version
 * at once (actor: the model version); beyond the bounds, or any manual change, it becomes a proposal with its
 * evidence. Committee members approve or reject; the proposer cannot vote; a member votes once; votes, vetoes and
 * the effect take a row lock on the proposal, so racing requests leave one consistent state. An approved proposal
 * waits out the timelock (a tenant-admin may veto), then the scheduler makes it the live version. Every step is
 * audited and announced by exactly one outbox event, in the step's transaction.
 */
@ApplicationScoped
public class GovernanceService {

    private static final Logger LOG = Logger.getLogger(GovernanceService.class);

    /** What {@link #submitRecommendation} did. */
    public enum Outcome {
        /** Within bounds: written as the live version. */
        AUTO_APPLIED,
        /** Beyond bounds: a proposal for the committee. */
        PROPOSED,
        /** Within bounds, but automatic adjustments are frozen: held, nothing written but the audit entry. */
        FROZEN,
        /**
         * Received before (the job handed it over again after a crash or retry): nothing is written again; what
         * was done the first time stands.
         */
        ALREADY_RECEIVED
    }

    /**
     * A daily recommendation for one asset, as the recommendation job hands it to governance.
     *
     * @param assetId          the tenant's asset
     * @param recommendationId id of the stored recommendation (margin_recommendation), or null
     * @param modelVersion     registered model version that forecast (the actor of an automatic change)
     * @param date             day the parameters are for
     * @param recommended      the parameters after every guardrail (fractions); mmf, imf and haircut move the
     *                         asset's risk parameters, scanRange and the vol shocks its settings
     * @param forecastModel    model whose forecast was used ("EWMA" after a fallback)
     * @param sigmaPerp        forecast log-return standard deviation over the perp MPOR
     * @param sigmaOption      forecast log-return standard deviation over the option MPOR
     * @param fallbackReason   why the registered model was not used, or null; a fallback is never auto-applied
     * @param recentAccuracy   the model's recent accuracy against realised volatility (e.g. {@code qlike},
     *                         {@code qlikeEwma}, {@code days}), free-form numbers shown to the committee
     * @param bindingGuardrails guardrails that changed at least one value, in order
     * @param evidence         the engine's human-readable lines
     * @param policyReplay     starts the replay of the recommending policy on the tenant's history (its coverage
     *                         for a proposal's evidence), run only when the recommendation becomes a proposal; null
     *                         when none can be made
     */
    public record RecommendationSubmission(UUID assetId, UUID recommendationId, String modelVersion, LocalDate date,
            RecommendedParameters recommended, String forecastModel, double sigmaPerp, double sigmaOption,
            String fallbackReason, Map<String, Double> recentAccuracy, List<String> bindingGuardrails,
            List<String> evidence, java.util.function.Supplier<Uni<Evidence.PolicyCoverage>> policyReplay) {
    }

    /**
     * What became of a recommendation.
     *
     * @param outcome    AUTO_APPLIED, PROPOSED or FROZEN
     * @param proposalId the proposal (PROPOSED), else null
     * @param change     the values that moved (by name), compared with those in force
     * @param reason     why this outcome
     */
    public record SubmissionResult(Outcome outcome, UUID proposalId, Map<String, BigDecimal> change, String reason) {
    }

    /**
     * A policy change; null fields keep their value.
     *
     * @param approvalsRequired distinct committee approvals, 1 to 10
     * @param proposalTtl       how long a proposal is open
     * @param timelock          wait between approval and effect
     * @param reason            why
     */
    public record PolicyChange(Integer approvalsRequired, Duration proposalTtl, Duration timelock, String reason) {
    }

    /**
     * The result of a policy change: applied at once (a tightening or a neutral change) or proposed (fewer
     * approvals: a loosening, which needs the committee like any proposal).
     *
     * @param policy   the policy now in force
     * @param proposal the proposal when the change was a loosening, else null
     */
    public record PolicyResult(GovernancePolicy policy, Proposal proposal) {
    }

    /**
     * A proposal with its votes.
     *
     * @param proposal the proposal
     * @param votes    its votes, oldest first
     */
    public record Detail(Proposal proposal, List<Vote> votes) {
    }

    private final PolicyRepository policies;
    private final ProposalRepository proposals;
    private final VoteRepository votes;
    private final LiveParameters live;
    private final Evidence evidence;
    private final AuditTrail audit;
    private final OutboxWriter outbox;
    private final io.ballast.risk.repository.RiskParameterRepository parameterRows;
    private final io.ballast.risk.governance.repository.RiskSettingsRepository settingsRows;

    /** Wires collaborators. */
    public GovernanceService(PolicyRepository policies, ProposalRepository proposals, VoteRepository votes,
            LiveParameters live, Evidence evidence, AuditTrail audit, OutboxWriter outbox,
            io.ballast.risk.repository.RiskParameterRepository parameterRows,
            io.ballast.risk.governance.repository.RiskSettingsRepository settingsRows) {
        this.parameterRows = parameterRows;
        this.settingsRows = settingsRows;
        this.policies = policies;
        this.proposals = proposals;
        this.votes = votes;
        this.live = live;
        this.evidence = evidence;
        this.audit = audit;
        this.outbox = outbox;
    }

    // ---------------------------------------------------------------- onboarding and reads

    /**
     * Writes a new tenant's documented defaults (policy and tenant-wide settings), in the onboarding transaction:
     * one audit entry and one {@code ballast.parameters} event.
     */
    public Uni<Void> writeDefaults(TenantId tenant) {
        GovernancePolicy p = defaultPolicy(tenant);
        return policies.persist(p)
                .flatMap(x -> live.writeDefaults(tenant))
                .call(s -> audit.append(tenant, AuditAction.DEFAULTS_WRITTEN, Actor.ONBOARDING, null,
                        null, null, Map.of("policy", policyView(p), "settingsVersion", s.version), "onboarding",
                        null))
                .call(s -> outbox.record(tenant, Topics.PARAMETERS, "risk-settings", tenant.value(),
                        "RiskSettingsDefaulted", Map.of("settingsVersion", s.version, "effectiveFrom",
                                s.effectiveFrom.toString())))
                .replaceWithVoid();
    }

    /** The tenant's policy; the defaults (unsaved) for a tenant onboarded before issue 8. */
    @WithSession
    public Uni<GovernancePolicy> policy(TenantId tenant) {
        return policies.of(tenant).map(p -> p != null ? p : defaultPolicy(tenant));
    }

    /** The parameters in force for an asset (or tenant-wide settings when null): the guardrail base. */
    @WithSession
    public Uni<LiveParameters.InForce> inForce(TenantId tenant, UUID assetId) {
        return live.inForce(tenant, assetId);
    }

    /**
     * A page of proposals, newest first: after the cursor (the last proposal's creation time and id) or from
     * {@code offset}.
     */
    @WithSession
    public Uni<Page<Proposal>> list(TenantId tenant, ProposalStatus status, UUID assetId, Cursor after, int offset,
            int limit) {
        return proposals.page(tenant, status, assetId, after == null ? null : List.of(after.time(0), after.uuid(1)),
                offset, limit).map(rows -> Page.of(rows, limit, p -> Cursor.of(p.createdAt, p.id)));
    }

    /**
     * The version history of an asset's parameters and settings (and the tenant-wide settings), oldest first.
     *
     * @param parameters the asset's risk_parameter versions (ASSET scope)
     * @param settings   the tenant-wide and the asset's risk_settings versions
     */
    public record History(List<io.ballast.risk.domain.RiskParameter> parameters, List<RiskSettings> settings) {
    }

    /** The history of an asset (404 when unknown) or, when null, of the tenant-wide settings. */
    @WithSession
    public Uni<History> history(TenantId tenant, UUID assetId) {
        Uni<List<io.ballast.risk.domain.RiskParameter>> ps = assetId == null ? Uni.createFrom().item(List.of())
                : live.inForce(tenant, assetId).flatMap(x -> parameterRows.versions(tenant,
                        io.ballast.risk.domain.RiskParameterScope.ASSET, assetId));
        return ps.flatMap(p -> settingsRows.history(tenant, assetId).map(s -> new History(p, s)));
    }

    /** One proposal with its votes; 404 when unknown to this tenant. */
    @WithSession
    public Uni<Detail> detail(TenantId tenant, UUID id) {
        return proposals.find(tenant, id).onItem().ifNull().failWith(() -> ApiException.notFound("proposal", id))
                .flatMap(p -> votes.of(tenant, id).map(v -> new Detail(p, v)));
    }

    // ---------------------------------------------------------------- recommendations and proposals

    /**
     * The entry point of the daily recommendation job: compares the recommendation with the parameters in force
     * (never with an earlier recommendation or an unapproved proposal) and applies it, proposes it or holds it.
     * Within bounds means: the forecast did not fall back, every value is within the hard minimums and maximums of
     * the settings in force, and moves by at most {@code autoApplyMaxChange} (relative) from the value in force.
     * Idempotent on {@code recommendationId}: a recommendation received before is answered ALREADY_RECEIVED and
     * changes nothing (a unique index on its audit receipt settles a race), so the job may hand over again after a
     * crash between storing a recommendation and handing it over.
     */
    public Uni<SubmissionResult> submitRecommendation(TenantId tenant, RecommendationSubmission r) {
        if (r.recommendationId() == null) {
            return firstSubmission(tenant, r);
        }
        return Panache.withSession(() -> audit.received(tenant, r.recommendationId())).flatMap(seen -> seen
                ? Uni.createFrom().item(alreadyReceived())
                : firstSubmission(tenant, r).onFailure(GovernanceService::isDuplicateReceipt)
                        .recoverWithItem(alreadyReceived()));
    }

    private static SubmissionResult alreadyReceived() {
        return new SubmissionResult(Outcome.ALREADY_RECEIVED, null, Map.of(),
                "this recommendation was received before; what was done then stands");
    }

    /** A concurrent hand-over of the same recommendation lost the race on the audit's unique receipt index. */
    private static boolean isDuplicateReceipt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("governance_audit_recommendation_once")) {
                return true;
            }
        }
        return false;
    }

    private Uni<SubmissionResult> firstSubmission(TenantId tenant, RecommendationSubmission r) {
        Actor model = Actor.model(r.modelVersion());
        return inForce(tenant, r.assetId()).flatMap(base -> {
            Map<String, BigDecimal> change = recommendedChange(base, r.recommended());
            String outOfBounds = outOfBounds(base, r);
            Map<String, Object> received = new LinkedHashMap<>();
            received.put("recommendationId", r.recommendationId());
            received.put("date", r.date());
            received.put("recommended", r.recommended());
            received.put("modelVersion", r.modelVersion());
            received.put("forecastModel", r.forecastModel());
            received.put("sigmaPerp", r.sigmaPerp());
            received.put("sigmaOption", r.sigmaOption());
            received.put("fallbackReason", r.fallbackReason());
            received.put("recentAccuracy", r.recentAccuracy());
            received.put("bindingGuardrails", r.bindingGuardrails());
            received.put("engineEvidence", r.evidence());
            if (change.isEmpty()) {
                return receivedOnly(tenant, model, r, received)
                        .replaceWith(new SubmissionResult(Outcome.AUTO_APPLIED, null, change,
                                "nothing moves: the recommendation equals the parameters in force"));
            }
            if (outOfBounds == null) {
                return autoApply(tenant, model, r, base, change, received);
            }
            Map<String, Object> forecast = new LinkedHashMap<>();
            forecast.put("date", r.date());
            forecast.put("forecastModel", r.forecastModel());
            forecast.put("modelVersion", r.modelVersion());
            forecast.put("sigmaPerp", r.sigmaPerp());
            forecast.put("sigmaOption", r.sigmaOption());
            forecast.put("fallbackReason", r.fallbackReason());
            forecast.put("recentAccuracy", r.recentAccuracy());
            forecast.put("bindingGuardrails", r.bindingGuardrails());
            forecast.put("engineEvidence", r.evidence());
            forecast.put("outOfBounds", outOfBounds);
            return gatherEvidence(tenant, base, change, forecast)
                    .flatMap(ev -> evidence.policy(r.policyReplay()).map(policy -> {
                        ev.put("policyCoverage", policy);
                        return ev;
                    }))
                    .flatMap(ev -> createProposal(tenant, model, ProposalKind.PARAMETERS,
                            ProposalOrigin.RECOMMENDATION, r.assetId(), change, LiveParameters.before(base, change),
                            ev, "recommendation beyond bounds: " + outOfBounds, r.recommendationId(),
                            r.modelVersion(), received))
                    .map(p -> new SubmissionResult(Outcome.PROPOSED, p.id, change, outOfBounds));
        });
    }

    private Uni<Void> receivedOnly(TenantId tenant, Actor model, RecommendationSubmission r,
            Map<String, Object> received) {
        return RowSecurity.transaction(tenant, () -> audit.append(tenant, AuditAction.RECOMMENDATION_RECEIVED, model,
                r.assetId(), null, null, received, "no change from the parameters in force",
                AuditTrail.sha256(audit.toJson(received)))).replaceWithVoid();
    }

    private Uni<SubmissionResult> autoApply(TenantId tenant, Actor model, RecommendationSubmission r,
            LiveParameters.InForce base, Map<String, BigDecimal> change, Map<String, Object> received) {
        Map<String, BigDecimal> before = LiveParameters.before(base, change);
        String digest = AuditTrail.sha256(audit.toJson(received));
        return RowSecurity.transaction(tenant, () -> lockPolicy(tenant).flatMap(policy -> audit.append(tenant,
                        AuditAction.RECOMMENDATION_RECEIVED, model, r.assetId(), null, before, received,
                        "within bounds", digest)
                .flatMap(x -> {
                    if (policy.frozen) {
                        return audit.append(tenant, AuditAction.RECOMMENDATION_HELD, model, r.assetId(), null,
                                        before, change, "automatic adjustments frozen: " + policy.frozenReason,
                                        digest)
                                .call(() -> outbox.record(tenant, Topics.GOVERNANCE, "recommendation",
                                        r.assetId(), "RecommendationHeld", Map.of("assetId", r.assetId(),
                                                "change", change, "reason", "automatic adjustments frozen")))
                                .replaceWith(new SubmissionResult(Outcome.FROZEN, null, change,
                                        "automatic adjustments are frozen"));
                    }
                    return live.write(tenant, r.assetId(), change, ParameterSource.AUTO_APPLY, model, null)
                            .call(w -> audit.append(tenant, AuditAction.AUTO_APPLIED, model, r.assetId(), null,
                                    before, change, "within the tenant's bounds", digest))
                            .map(w -> new SubmissionResult(Outcome.AUTO_APPLIED, null, change,
                                    "within the tenant's bounds"));
                })));
    }

    /**
     * A manual proposal by a tenant-admin or committee member: checked against the parameters in force (422 naming
     * each bad field), with its evidence.
     */
    public Uni<Proposal> propose(TenantId tenant, Actor actor, UUID assetId, Map<String, BigDecimal> change,
            String reason) {
        return propose(tenant, actor, assetId, null, change, reason);
    }

    /**
     * A manual proposal that may apply a labelled preset ({@link LiveParameters#withPreset}): one proposal holding
     * every value the preset moves (and the explicit {@code change} on top), with the preset's label in its evidence
     * ({@code preset}), so the whole preset is voted, audited and takes effect as one change.
     *
     * @param preset the preset, or null for a plain change
     */
    public Uni<Proposal> propose(TenantId tenant, Actor actor, UUID assetId, Preset preset,
            Map<String, BigDecimal> change, String reason) {
        return inForce(tenant, assetId).flatMap(base -> {
            Map<String, BigDecimal> checked = LiveParameters.check(base, preset == null ? change
                    : LiveParameters.withPreset(base, preset, change));
            return gatherEvidence(tenant, base, checked, null)
                    .invoke(ev -> {
                        if (preset != null) {
                            ev.put("preset", preset.label());
                        }
                    })
                    .flatMap(ev -> createProposal(tenant, actor, ProposalKind.PARAMETERS, ProposalOrigin.MANUAL,
                            assetId, checked, LiveParameters.before(base, checked), ev, reason, null, null, null));
        });
    }

    private Uni<Map<String, Object>> gatherEvidence(TenantId tenant, LiveParameters.InForce base,
            Map<String, BigDecimal> change, Map<String, Object> forecast) {
        return evidence.coverage(tenant, base, change)
                .flatMap(cov -> evidence.impact(tenant, base, change).map(imp -> {
                    Map<String, Object> ev = new LinkedHashMap<>();
                    ev.put("asset", base.asset() == null ? null : base.asset().symbol);
                    ev.put("versionsInForce", base.versions());
                    List<Map<String, Object>> moves = new ArrayList<>();
                    Map<String, BigDecimal> before = LiveParameters.before(base, change);
                    change.forEach((k, v) -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("parameter", k);
                        m.put("before", Setting.display(k, before.get(k)));
                        m.put("after", Setting.display(k, v));
                        BigDecimal b = before.get(k);
                        boolean choice = Setting.byName(k) != null && Setting.byName(k).choices() != null;
                        m.put("relativeChange", choice || b == null || b.signum() == 0 ? null
                                : v.doubleValue() / b.doubleValue() - 1);
                        moves.add(m);
                    });
                    ev.put("changes", moves);
                    ev.put("forecast", forecast);
                    ev.put("coverage", cov);
                    ev.put("impact", imp);
                    return ev;
                }));
    }

    /** Writes a proposal in a transaction (joining the caller's when there is one). */
    private Uni<Proposal> createProposal(TenantId tenant, Actor actor, ProposalKind kind, ProposalOrigin origin,
            UUID assetId, Map<String, ?> change, Map<String, ?> before, Map<String, Object> ev, String reason,
            UUID recommendationId, String modelVersion, Map<String, Object> received) {
        return RowSecurity.transaction(tenant, () -> lockPolicy(tenant).flatMap(policy -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Proposal p = new Proposal();
            p.id = UUID.randomUUID();
            p.tenantId = tenant.value();
            p.kind = kind;
            p.origin = origin;
            p.assetId = assetId;
            p.status = ProposalStatus.OPEN;
            p.proposerSubject = actor.subject();
            p.proposerClient = actor.client();
            p.proposerName = actor.name();
            p.recommendationId = recommendationId;
            p.modelVersion = modelVersion;
            p.reason = reason;
            p.changes = audit.toJson(new TreeMap<>(change));
            p.before = audit.toJson(new TreeMap<>(before));
            p.evidence = audit.toJson(ev);
            p.evidenceDigest = AuditTrail.sha256(p.evidence);
            p.approvalsRequired = policy.approvalsRequired;
            p.approvals = 0;
            p.createdAt = now;
            p.expiresAt = now.plusSeconds(policy.proposalTtlSeconds);
            Uni<?> first = received == null ? Uni.createFrom().voidItem()
                    : audit.append(tenant, AuditAction.RECOMMENDATION_RECEIVED, actor, assetId, p.id, before,
                            received, "beyond bounds", AuditTrail.sha256(audit.toJson(received)));
            return first.flatMap(x -> proposals.persist(p))
                    .call(x -> audit.append(tenant, AuditAction.PROPOSED, actor, assetId, p.id, readable(before),
                            readable(change), reason, p.evidenceDigest))
                    .call(x -> event(tenant, p, "ProposalCreated", actor, reason));
        }));
    }

    // ---------------------------------------------------------------- votes, veto

    /** A committee member approves (403 for the proposer, 409 when voted, not open or expired, 404 unknown). */
    @WithTransaction
    public Uni<Proposal> approve(TenantId tenant, Actor actor, UUID id, String comment) {
        return vote(tenant, actor, id, comment, true);
    }

    /** A committee member rejects: the proposal is closed (same refusals as {@link #approve}). */
    @WithTransaction
    public Uni<Proposal> reject(TenantId tenant, Actor actor, UUID id, String comment) {
        return vote(tenant, actor, id, comment, false);
    }

    private Uni<Proposal> vote(TenantId tenant, Actor actor, UUID id, String comment, boolean approve) {
        return proposals.lock(tenant, id).onItem().ifNull().failWith(() -> ApiException.notFound("proposal", id))
                .flatMap(p -> {
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    if (p.status != ProposalStatus.OPEN) {
                        return fail(ApiException.conflict("proposal " + id + " is " + p.status + ", not OPEN"));
                    }
                    if (!now.isBefore(p.expiresAt)) {
                        return fail(ApiException.conflict("proposal " + id + " expired at " + p.expiresAt));
                    }
                    if (p.proposerSubject.equals(actor.subject())) {
                        return fail(ApiException.forbidden("the proposer cannot vote on their own proposal"));
                    }
                    return votes.voted(tenant, id, actor.subject()).flatMap(voted -> {
                        if (voted) {
                            return fail(ApiException.conflict("you already voted on proposal " + id));
                        }
                        Vote v = new Vote();
                        v.id = UUID.randomUUID();
                        v.tenantId = tenant.value();
                        v.proposalId = id;
                        v.voterSubject = actor.subject();
                        v.voterClient = actor.client();
                        v.voterName = actor.name();
                        v.vote = approve ? "APPROVE" : "REJECT";
                        v.comment = comment;
                        v.createdAt = now;
                        String type;
                        if (approve) {
                            p.approvals++;
                            type = "ProposalApprovalRecorded";
                        } else {
                            close(p, ProposalStatus.REJECTED, actor, comment, now);
                            type = "ProposalRejected";
                        }
                        Uni<String> next = Uni.createFrom().item(type);
                        if (approve && p.approvals >= p.approvalsRequired) {
                            next = lockPolicy(tenant).map(policy -> {
                                p.status = ProposalStatus.APPROVED;
                                p.approvedAt = now;
                                p.effectiveAt = now.plusSeconds(policy.timelockSeconds);
                                return "ProposalApproved";
                            });
                        }
                        return next.flatMap(t -> votes.persist(v)
                                .call(x -> audit.append(tenant, approve ? AuditAction.APPROVED : AuditAction.REJECTED,
                                        actor, p.assetId, id, null, Map.of("status", p.status, "approvals",
                                                p.approvals, "approvalsRequired", p.approvalsRequired), comment,
                                        p.evidenceDigest))
                                .call(x -> event(tenant, p, t, actor, comment))
                                .replaceWith(p));
                    });
                });
    }

    /** A tenant-admin vetoes an approved proposal during its timelock (409 when not APPROVED). */
    @WithTransaction
    public Uni<Proposal> veto(TenantId tenant, Actor actor, UUID id, String comment) {
        return proposals.lock(tenant, id).onItem().ifNull().failWith(() -> ApiException.notFound("proposal", id))
                .flatMap(p -> {
                    if (p.status != ProposalStatus.APPROVED) {
                        return fail(ApiException.conflict("only an APPROVED proposal in its timelock can be vetoed; "
                                + "proposal " + id + " is " + p.status));
                    }
                    close(p, ProposalStatus.VETOED, actor, comment, OffsetDateTime.now(ZoneOffset.UTC));
                    return audit.append(tenant, AuditAction.VETOED, actor, p.assetId, id, null,
                                    Map.of("status", p.status), comment, p.evidenceDigest)
                            .call(x -> event(tenant, p, "ProposalVetoed", actor, comment))
                            .replaceWith(p);
                });
    }

    // ---------------------------------------------------------------- freeze and policy

    /** Freezes (or lifts the freeze on) automatic adjustments; 409 when already in that state. */
    @WithTransaction
    public Uni<GovernancePolicy> setFrozen(TenantId tenant, Actor actor, boolean frozen, String reason) {
        return lockPolicy(tenant).flatMap(p -> {
            if (p.frozen == frozen) {
                return fail(ApiException.conflict(frozen ? "automatic adjustments are already frozen"
                        : "automatic adjustments are not frozen"));
            }
            Map<String, Object> before = policyView(p);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            p.frozen = frozen;
            p.frozenReason = frozen ? reason : null;
            p.frozenBy = frozen ? actor.subject() : null;
            p.frozenByName = frozen ? actor.name() : null;
            p.frozenAt = frozen ? now : null;
            p.version++;
            p.updatedAt = now;
            return audit.append(tenant, frozen ? AuditAction.FROZEN : AuditAction.UNFROZEN, actor, null, null, before,
                            policyView(p), reason, null)
                    .call(x -> outbox.record(tenant, Topics.GOVERNANCE, "policy", tenant.value(),
                            frozen ? "AutomaticAdjustmentsFrozen" : "AutomaticAdjustmentsUnfrozen",
                            Map.of("actor", actor.subject(), "actorName", actor.name(),
                                    "reason", reason == null ? "" : reason,
                                    "policyVersion", p.version)))
                    .replaceWith(p);
        });
    }

    /**
     * Changes the policy. Fewer approvals required is a loosening: it becomes a POLICY proposal for the committee
     * (approved, it takes effect after the timelock). Anything else applies at once. Both are audited.
     */
    @WithTransaction
    public Uni<PolicyResult> changePolicy(TenantId tenant, Actor actor, PolicyChange c) {
        List<FieldError> errors = new ArrayList<>();
        if (c.approvalsRequired() != null && (c.approvalsRequired() < 1 || c.approvalsRequired() > 10)) {
            errors.add(FieldError.of("approvalsRequired", "between 1 and 10"));
        }
        if (c.proposalTtl() != null && (c.proposalTtl().toSeconds() < 1 || c.proposalTtl().toDays() > 30)) {
            errors.add(FieldError.of("proposalTtl", "between PT1S and P30D"));
        }
        if (c.timelock() != null && (c.timelock().isNegative() || c.timelock().toDays() > 30)) {
            errors.add(FieldError.of("timelock", "between PT0S and P30D"));
        }
        if (!errors.isEmpty()) {
            return fail(ApiException.unprocessable("invalid policy", errors));
        }
        return lockPolicy(tenant).flatMap(p -> {
            Map<String, Object> before = policyView(p);
            boolean loosening = c.approvalsRequired() != null && c.approvalsRequired() < p.approvalsRequired;
            if (loosening) {
                Map<String, Object> change = new TreeMap<>(Map.of("approvalsRequired", c.approvalsRequired()));
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("policyBefore", before);
                ev.put("changes", List.of(Map.of("parameter", "approvalsRequired", "before", p.approvalsRequired,
                        "after", c.approvalsRequired())));
                Uni<GovernancePolicy> rest = applyPolicy(tenant, actor, p, new PolicyChange(null, c.proposalTtl(),
                        c.timelock(), c.reason()), before);
                return rest.flatMap(applied -> createProposal(tenant, actor, ProposalKind.POLICY,
                                ProposalOrigin.MANUAL, null, change, Map.of("approvalsRequired",
                                        p.approvalsRequired), ev, c.reason(), null, null, null)
                        .map(prop -> new PolicyResult(applied, prop)));
            }
            return applyPolicy(tenant, actor, p, c, before).map(x -> new PolicyResult(x, null));
        });
    }

    private Uni<GovernancePolicy> applyPolicy(TenantId tenant, Actor actor, GovernancePolicy p, PolicyChange c,
            Map<String, Object> before) {
        boolean changes = (c.approvalsRequired() != null && c.approvalsRequired() != p.approvalsRequired)
                || (c.proposalTtl() != null && c.proposalTtl().toSeconds() != p.proposalTtlSeconds)
                || (c.timelock() != null && c.timelock().toSeconds() != p.timelockSeconds);
        if (!changes) {
            return Uni.createFrom().item(p);
        }
        if (c.approvalsRequired() != null) {
            p.approvalsRequired = c.approvalsRequired();
        }
        if (c.proposalTtl() != null) {
            p.proposalTtlSeconds = c.proposalTtl().toSeconds();
        }
        if (c.timelock() != null) {
            p.timelockSeconds = c.timelock().toSeconds();
        }
        p.version++;
        p.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        return audit.append(tenant, AuditAction.POLICY_CHANGED, actor, null, null, before, policyView(p), c.reason(),
                        null)
                .call(x -> outbox.record(tenant, Topics.GOVERNANCE, "policy", tenant.value(), "PolicyChanged",
                        Map.of("actor", actor.subject(), "actorName", actor.name(), "before", before, "after",
                                policyView(p))))
                .replaceWith(p);
    }

    // ---------------------------------------------------------------- the scheduled steps

    /**
     * Makes due approved proposals effective (their timelock elapsed) and expires open proposals past their expiry,
     * across tenants; rows are locked with {@code skip locked}, so several instances never do a step twice.
     *
     * @return how many proposals changed state
     */
    @WithTransaction
    @CrossTenant("the scheduled sweep finds due and expired proposals of every tenant")
    public Uni<Integer> sweep(int limit) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return proposals.dueForUpdate(ProposalStatus.APPROVED, "effective_at", now, limit)
                .flatMap(due -> chain(due, p -> takeEffect(p, now)).map(x -> due.size()))
                .flatMap(n -> proposals.dueForUpdate(ProposalStatus.OPEN, "expires_at", now, limit)
                        .flatMap(old -> chain(old, p -> expire(p, now)).map(x -> n + old.size())));
    }

    private Uni<Void> takeEffect(Proposal p, OffsetDateTime now) {
        TenantId tenant = TenantId.of(p.tenantId);
        Actor actor = Actor.SCHEDULER;
        if (p.kind == ProposalKind.POLICY) {
            return lockPolicy(tenant).flatMap(policy -> {
                Map<String, Object> before = policyView(policy);
                Map<String, BigDecimal> change = readChange(p.changes);
                close(p, ProposalStatus.EFFECTIVE, actor, "timelock elapsed", now);
                return applyPolicy(tenant, actor, policy, new PolicyChange(change.get("approvalsRequired").intValue(),
                                null, null, "proposal " + p.id), before)
                        .call(x -> audit.append(tenant, AuditAction.EFFECTIVE, actor, null, p.id, before,
                                policyView(policy), "timelock elapsed", p.evidenceDigest))
                        .call(x -> event(tenant, p, "ProposalEffective", actor, "timelock elapsed"))
                        .replaceWithVoid();
            });
        }
        Map<String, BigDecimal> change = readChange(p.changes);
        return live.write(tenant, p.assetId, change, ParameterSource.PROPOSAL, actor, p.id)
                .flatMap(w -> {
                    close(p, ProposalStatus.EFFECTIVE, actor, "timelock elapsed", now);
                    return audit.append(tenant, AuditAction.EFFECTIVE, actor, p.assetId, p.id,
                            Setting.display(readChange(p.before)), Setting.display(change), "timelock elapsed",
                            p.evidenceDigest)
                            .call(x -> event(tenant, p, "ProposalEffective", actor, "timelock elapsed"));
                })
                .replaceWithVoid()
                .onFailure(ApiException.class).recoverWithUni(e -> {
                    LOG.warnf("proposal %s no longer applies to the parameters in force: %s", p.id, e.getMessage());
                    close(p, ProposalStatus.REJECTED, actor, "no longer consistent with the parameters in force: "
                            + e.getMessage(), now);
                    return audit.append(tenant, AuditAction.REJECTED, actor, p.assetId, p.id, null,
                                    Map.of("status", p.status), p.closedComment, null)
                            .call(x -> event(tenant, p, "ProposalRejected", actor, p.closedComment))
                            .replaceWithVoid();
                });
    }

    private Uni<Void> expire(Proposal p, OffsetDateTime now) {
        TenantId tenant = TenantId.of(p.tenantId);
        close(p, ProposalStatus.EXPIRED, Actor.SCHEDULER, "not enough approvals before " + p.expiresAt, now);
        return audit.append(tenant, AuditAction.EXPIRED, Actor.SCHEDULER, p.assetId, p.id, null,
                        Map.of("status", p.status, "approvals", p.approvals), p.closedComment, p.evidenceDigest)
                .call(x -> event(tenant, p, "ProposalExpired", Actor.SCHEDULER, p.closedComment))
                .replaceWithVoid();
    }

    // ---------------------------------------------------------------- helpers

    private Uni<GovernancePolicy> lockPolicy(TenantId tenant) {
        return policies.lock(tenant).flatMap(p -> p != null ? Uni.createFrom().item(p)
                : policies.persist(defaultPolicy(tenant)));
    }

    private static GovernancePolicy defaultPolicy(TenantId tenant) {
        GovernancePolicy p = new GovernancePolicy();
        p.tenantId = tenant.value();
        p.approvalsRequired = GovernancePolicy.DEFAULT_APPROVALS;
        p.proposalTtlSeconds = GovernancePolicy.DEFAULT_TTL.toSeconds();
        p.timelockSeconds = GovernancePolicy.DEFAULT_TIMELOCK.toSeconds();
        p.version = 1;
        p.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        return p;
    }

    /** The policy as a JSON-able map (audit before/after, events). */
    public static Map<String, Object> policyView(GovernancePolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", p.version);
        m.put("approvalsRequired", p.approvalsRequired);
        m.put("proposalTtl", Duration.ofSeconds(p.proposalTtlSeconds).toString());
        m.put("timelock", Duration.ofSeconds(p.timelockSeconds).toString());
        m.put("frozen", p.frozen);
        m.put("frozenReason", p.frozenReason);
        return m;
    }

    private static void close(Proposal p, ProposalStatus status, Actor actor, String comment, OffsetDateTime now) {
        p.status = status;
        p.closedAt = now;
        p.closedBy = actor.subject();
        p.closedByName = actor.name();
        p.closedComment = comment;
    }

    private Uni<Void> event(TenantId tenant, Proposal p, String type, Actor actor, String comment) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("proposalId", p.id);
        payload.put("kind", p.kind);
        payload.put("assetId", p.assetId);
        payload.put("status", p.status);
        payload.put("approvals", p.approvals);
        payload.put("approvalsRequired", p.approvalsRequired);
        payload.put("expiresAt", p.expiresAt.toString());
        payload.put("effectiveAt", p.effectiveAt == null ? null : p.effectiveAt.toString());
        payload.put("actor", actor.subject());
        payload.put("actorName", actor.name());
        payload.put("comment", comment);
        payload.put("evidenceDigest", p.evidenceDigest);
        return outbox.record(tenant, Topics.GOVERNANCE, "proposal", p.id, type, payload);
    }

    /** The named change a recommendation makes: the values that differ from those in force. */
    static Map<String, BigDecimal> recommendedChange(LiveParameters.InForce base, RecommendedParameters r) {
        Map<String, BigDecimal> all = base.values();
        Map<String, BigDecimal> proposed = new TreeMap<>();
        proposed.put(LiveParameters.MMF, BigDecimal.valueOf(r.mmf()));
        proposed.put(LiveParameters.IMF, BigDecimal.valueOf(r.imf()));
        proposed.put(LiveParameters.HAIRCUT, BigDecimal.valueOf(r.haircut()));
        proposed.put("scanRangeFraction", BigDecimal.valueOf(r.scanRange()));
        proposed.put("volShockUpFraction", BigDecimal.valueOf(r.volShockUp()));
        proposed.put("volShockDownFraction", BigDecimal.valueOf(r.volShockDown()));
        proposed.entrySet().removeIf(e -> all.get(e.getKey()) != null
                && all.get(e.getKey()).compareTo(e.getValue()) == 0);
        return proposed;
    }

    /** Why a recommendation is beyond the bounds in force, or null when it is within them. */
    static String outOfBounds(LiveParameters.InForce base, RecommendationSubmission r) {
        if (r.fallbackReason() != null) {
            return "the forecast fell back: " + r.fallbackReason();
        }
        if (base.parameters() == null || base.settings() == null) {
            return "no parameters in force to compare with";
        }
        RiskSettings s = base.settings();
        RecommendedParameters x = r.recommended();
        RecommendedParameters min = s.minimums();
        RecommendedParameters max = s.maximums();
        for (io.ballast.predictive.Parameter p : io.ballast.predictive.Parameter.values()) {
            if (x.get(p) < min.get(p) || x.get(p) > max.get(p)) {
                return p + " " + x.get(p) + " outside [" + min.get(p) + ", " + max.get(p) + "]";
            }
        }
        Map<String, BigDecimal> all = base.values();
        for (var e : recommendedChange(base, x).entrySet()) {
            BigDecimal cur = all.get(e.getKey());
            double rel = cur == null || cur.signum() == 0 ? Double.POSITIVE_INFINITY
                    : Math.abs(e.getValue().doubleValue() / cur.doubleValue() - 1);
            if (rel > s.autoApplyMaxChange + 1e-12) {
                return e.getKey() + " moves " + (Double.isInfinite(rel) ? "from 0" : String.format("%.2f %%",
                        rel * 100)) + ", beyond the auto-apply bound of " + s.autoApplyMaxChange * 100 + " %";
            }
        }
        return null;
    }

    /** A change or its before as people read it: choices by name ({@link Setting#display}), other maps as they are. */
    @SuppressWarnings("unchecked")
    private static Object readable(Map<String, ?> m) {
        if (m == null || !m.values().stream().allMatch(v -> v instanceof BigDecimal)) {
            return m;
        }
        return Setting.display((Map<String, BigDecimal>) m);
    }

    private Map<String, BigDecimal> readChange(String json) {
        try {
            Map<String, BigDecimal> m = new TreeMap<>();
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json);
            n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().decimalValue()));
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored proposal change is not JSON", e);
        }
    }

    private static <T> Uni<Void> chain(List<T> items, java.util.function.Function<T, Uni<Void>> step) {
        Uni<Void> u = Uni.createFrom().voidItem();
        for (T t : items) {
            u = u.flatMap(x -> step.apply(t));
        }
        return u;
    }

    private static <T> Uni<T> fail(ApiException e) {
        return Uni.createFrom().failure(e);
    }
}
