package io.ballast.risk.governance.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.predictive.Preset;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.governance.domain.GovernancePolicy;
import io.ballast.risk.governance.domain.Proposal;
import io.ballast.risk.governance.domain.ProposalKind;
import io.ballast.risk.governance.domain.ProposalOrigin;
import io.ballast.risk.governance.domain.ProposalStatus;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.domain.Setting;
import io.ballast.risk.governance.domain.Vote;
import io.ballast.risk.governance.service.LiveParameters;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request and response shapes of the governance API (docs/api.md, "Governance"). */
public final class GovernanceViews {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private GovernanceViews() {
    }

    /**
     * A policy change; absent fields keep their value.
     *
     * @param approvalsRequired distinct committee approvals, 1 to 10 (lowering it is a proposal)
     * @param proposalTtl       ISO-8601 duration a proposal stays open, PT1S to P30D
     * @param timelock          ISO-8601 duration between approval and effect, PT0S to P30D
     * @param reason            why
     */
    public record PolicyInput(Integer approvalsRequired, Duration proposalTtl, Duration timelock,
            @Size(max = 2000) String reason) {
    }

    /**
     * The policy in force.
     *
     * @param version           1, 2, 3 ...
     * @param approvalsRequired distinct committee approvals a proposal needs
     * @param proposalTtl       how long a proposal stays open (ISO-8601)
     * @param timelock          wait between approval and effect (ISO-8601)
     * @param frozen            whether automatic adjustments are frozen
     * @param frozenReason      why, when frozen
     * @param frozenBy          who froze them (token subject)
     * @param frozenByName      who froze them, by name (preferred_username or client id; null when not recorded)
     * @param frozenAt          when
     * @param updatedAt         last change
     */
    public record PolicyView(int version, int approvalsRequired, String proposalTtl, String timelock,
            boolean frozen, String frozenReason, String frozenBy, String frozenByName, OffsetDateTime frozenAt,
            OffsetDateTime updatedAt) {

        static PolicyView of(GovernancePolicy p) {
            return new PolicyView(p.version, p.approvalsRequired, Duration.ofSeconds(p.proposalTtlSeconds).toString(),
                    Duration.ofSeconds(p.timelockSeconds).toString(), p.frozen, p.frozenReason, p.frozenBy,
                    p.frozenByName, p.frozenAt, p.updatedAt);
        }
    }

    /**
     * The answer to a policy change.
     *
     * @param policy   the policy in force afterwards
     * @param proposal the proposal a loosening became, or null when everything applied at once
     */
    public record PolicyChangeView(PolicyView policy, ProposalView proposal) {
    }

    /**
     * A manual proposal: new values, a labelled preset, or both (at least one).
     *
     * @param asset   asset symbol whose parameters change; absent for tenant-wide settings
     * @param changes new values by parameter name (plain fractions; days as whole numbers; a choice setting such as
     *                {@code floorMode}, {@code volShockDteScaled}, {@code exceptionTrigger} or
     *                {@code capInitialMargin} by name, {@code "STRESSED_PERIOD"}, {@code false}, or by its code);
     *                beside a preset they override its values
     * @param preset  {@code crypto} or {@code emir} (predictive-margin {@link Preset}): every mapping, guardrail and
     *                regime value of the preset that differs from the one in force becomes part of the change
     * @param reason  why (shown to the committee)
     */
    public record ProposalInput(@Size(max = 32) String asset, Map<String, JsonNode> changes,
            @Size(max = 16) String preset, @NotBlank @Size(max = 2000) String reason) {

        /**
         * The preset named, or null when none is: 422 naming {@code preset} when it names none, 400 naming
         * {@code changes} when neither a change nor a preset is given.
         *
         * @return the preset, or null
         */
        public Preset chosenPreset() {
            if (preset == null) {
                if (changes == null || changes.isEmpty()) {
                    throw io.ballast.risk.domain.ApiException.badRequest("a proposal names changes or a preset",
                            List.of(io.ballast.risk.domain.FieldError.of("changes", "must not be empty")));
                }
                return null;
            }
            Preset p = Preset.byLabel(preset);
            if (p == null) {
                throw io.ballast.risk.domain.ApiException.unprocessable("unknown preset " + preset,
                        List.of(io.ballast.risk.domain.FieldError.of("preset", "one of "
                                + String.join(", ", Preset.labels()))));
            }
            return p;
        }

        /**
         * The change as named numbers (a choice by its code): 422 naming each value that is neither a number nor,
         * for a choice setting, one of its names.
         *
         * @return the change (empty when only a preset is given)
         */
        public Map<String, BigDecimal> numericChanges() {
            Map<String, BigDecimal> out = new java.util.TreeMap<>();
            List<io.ballast.risk.domain.FieldError> errors = new java.util.ArrayList<>();
            if (changes == null) {
                return out;
            }
            changes.forEach((name, v) -> {
                Setting s = Setting.byName(name);
                if (v == null || v.isNull()) {
                    out.put(name, null);
                } else if (v.isNumber()) {
                    out.put(name, v.decimalValue());
                } else if (s != null && s.choices() != null && (v.isTextual() || v.isBoolean())
                        && s.code(v.asText()) >= 0) {
                    out.put(name, BigDecimal.valueOf(s.code(v.asText())));
                } else {
                    errors.add(io.ballast.risk.domain.FieldError.of("changes." + name, s != null && s.choices() != null
                            ? name + " is one of " + String.join(", ", s.choices()) : name + " is a number"));
                }
            });
            if (!errors.isEmpty()) {
                throw io.ballast.risk.domain.ApiException.unprocessable("inconsistent parameter change", errors);
            }
            return out;
        }
    }

    /**
     * A vote or veto comment.
     *
     * @param comment why, required
     */
    public record CommentInput(@NotBlank @Size(max = 2000) String comment) {
    }

    /**
     * A freeze.
     *
     * @param reason why, required
     */
    public record FreezeInput(@NotBlank @Size(max = 2000) String reason) {
    }

    /**
     * A committee vote.
     *
     * @param voter     token subject
     * @param client    client id (azp)
     * @param voterName the member's name (preferred_username; null for votes cast before names were recorded)
     * @param vote      APPROVE or REJECT
     * @param comment   the member's comment
     * @param createdAt when
     */
    public record VoteView(String voter, String client, String voterName, String vote, String comment,
            OffsetDateTime createdAt) {
        static VoteView of(Vote v) {
            return new VoteView(v.voterSubject, v.voterClient, v.voterName, v.vote, v.comment, v.createdAt);
        }
    }

    /**
     * A proposal.
     *
     * @param id                id
     * @param kind              PARAMETERS or POLICY
     * @param origin            RECOMMENDATION or MANUAL
     * @param assetId           asset, or null
     * @param status            OPEN, APPROVED, REJECTED, EXPIRED, VETOED or EFFECTIVE
     * @param proposer          token subject ({@code model:<version>} for a recommendation)
     * @param proposerClient    client id
     * @param proposerName      the proposer's name: preferred_username, a machine's client id, or {@code
     *                          model <version>} (null for proposals made before names were recorded)
     * @param recommendationId  the recommendation, or null
     * @param modelVersion      the model version, or null
     * @param reason            the proposer's reason
     * @param changes           new values by name
     * @param before            values in force when proposed, by name
     * @param approvals         approvals so far
     * @param approvalsRequired approvals needed
     * @param createdAt         when made
     * @param expiresAt         voting closes
     * @param approvedAt        when approved, or null
     * @param effectiveAt       end of the timelock, or null
     * @param closedAt          when closed, or null
     * @param closedBy          who closed it (token subject, or {@code scheduler})
     * @param closedByName      who closed it, by name (null when not recorded)
     * @param closedComment     closing comment
     * @param evidenceDigest    SHA-256 of the evidence
     * @param evidence          the evidence (detail only; null in lists)
     * @param votes             votes (detail only; null in lists)
     */
    public record ProposalView(UUID id, ProposalKind kind, ProposalOrigin origin, UUID assetId, ProposalStatus status,
            String proposer, String proposerClient, String proposerName, UUID recommendationId, String modelVersion, String reason,
            JsonNode changes, JsonNode before, int approvals, int approvalsRequired, OffsetDateTime createdAt,
            OffsetDateTime expiresAt, OffsetDateTime approvedAt, OffsetDateTime effectiveAt,
            OffsetDateTime closedAt, String closedBy, String closedByName, String closedComment, String evidenceDigest, JsonNode evidence,
            List<VoteView> votes) {

        static ProposalView of(Proposal p, List<Vote> votes) {
            return new ProposalView(p.id, p.kind, p.origin, p.assetId, p.status, p.proposerSubject, p.proposerClient,
                    p.proposerName, p.recommendationId, p.modelVersion, p.reason, named(tree(p.changes)),
                    named(tree(p.before)), p.approvals,
                    p.approvalsRequired, p.createdAt, p.expiresAt, p.approvedAt, p.effectiveAt, p.closedAt,
                    p.closedBy, p.closedByName, p.closedComment, p.evidenceDigest, votes == null ? null : tree(p.evidence),
                    votes == null ? null : votes.stream().map(VoteView::of).toList());
        }
    }

    /**
     * The parameters in force for an asset (or tenant-wide).
     *
     * @param asset             asset symbol, or null
     * @param versions          versions in force ({@code parameters}: number; {@code settings}: scope and number)
     * @param values            every named value in force (choices as codes)
     * @param floorMode         anti-procyclicality floor mode
     * @param volShockDteScaled whether vol shocks are DTE-scaled
     * @param exceptionTrigger  whether an exception declares stress (regime settings)
     * @param capInitialMargin  whether the daily increase cap also holds the IMF (regime settings)
     */
    public record InForceView(String asset, Map<String, Object> versions, Map<String, BigDecimal> values,
            String floorMode, Boolean volShockDteScaled, Boolean exceptionTrigger, Boolean capInitialMargin) {
        static InForceView of(LiveParameters.InForce f) {
            RiskSettings s = f.settings();
            return new InForceView(f.asset() == null ? null : f.asset().symbol, f.versions(), f.values(),
                    s == null ? null : s.floorMode.name(), s == null ? null : s.volShockDteScaled,
                    s == null ? null : s.exceptionTrigger, s == null ? null : s.capInitialMargin);
        }
    }

    /**
     * One version in a history.
     *
     * @param kind          {@code parameters} or {@code settings}
     * @param scope         ASSET / INSTRUMENT (parameters), TENANT / ASSET (settings)
     * @param version       version number
     * @param effectiveFrom when it took (takes) effect
     * @param source        ONBOARDING, MANUAL, AUTO_APPLY, PROPOSAL (null for rows older than issue 8)
     * @param actor         who wrote it (token subject, {@code model:<version>}, {@code scheduler}, {@code onboarding})
     * @param actorName     who wrote it, by name (preferred_username, client id, {@code model <version>}; null for
     *                      versions written before names were recorded)
     * @param proposalId    the proposal, or null
     * @param values        its values by name
     */
    public record VersionView(String kind, String scope, int version, OffsetDateTime effectiveFrom, String source,
            String actor, String actorName, UUID proposalId, Map<String, Object> values) {

        static VersionView of(RiskParameter p) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put(LiveParameters.IMF, p.initialMarginFraction);
            v.put(LiveParameters.MMF, p.maintenanceMarginFraction);
            v.put(LiveParameters.HAIRCUT, p.collateralHaircut);
            v.put(LiveParameters.LIQUIDATION_FEE, p.liquidationFeeFraction);
            return new VersionView("parameters", p.scope.name(), p.version, p.effectiveFrom, p.source, p.actor,
                    p.actorName, p.proposalId, v);
        }

        static VersionView of(RiskSettings s) {
            Map<String, Object> v = new LinkedHashMap<>();
            for (Setting x : Setting.values()) {
                v.put(x.jsonName(), x.get(s));
            }
            v.put("floorMode", s.floorMode.name());
            v.put("volShockDteScaled", s.volShockDteScaled);
            v.put("exceptionTrigger", s.exceptionTrigger);
            v.put("capInitialMargin", s.capInitialMargin);
            return new VersionView("settings", s.scope.name(), s.version, s.effectiveFrom, s.source.name(), s.actor,
                    s.actorName, s.proposalId, v);
        }
    }

    /** A stored change (choices as codes) with each choice by name ({@link Setting#display}). */
    static JsonNode named(JsonNode change) {
        if (change instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.properties().forEach(e -> {
                if (e.getValue().isNumber() && Setting.display(e.getKey(), e.getValue().decimalValue())
                        instanceof String name) {
                    e.setValue(com.fasterxml.jackson.databind.node.TextNode.valueOf(name));
                }
            });
        }
        return change;
    }

    static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }
}
