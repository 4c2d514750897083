package io.ballast.console.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Governance of the signed-in user's tenant (docs/governance.md) as {@link ServiceAnswer}s: a refusal or a missing
 * row is the service's problem in words.
 */
@ApplicationScoped
public class GovernanceClient {

    /** Decisions a committee member or tenant admin can take on a proposal (path segments of the API). */
    public static final Set<String> DECISIONS = Set.of("approve", "reject", "veto");

    /** Proposals per page of the queue, and audit entries per page of the trail. */
    public static final int PAGE_SIZE = 50;

    private final GovernanceApi api;
    private final ServiceCalls calls;
    private final ObjectMapper json;

    /**
     * @param api   the REST client
     * @param calls answer conversion
     * @param json  the object mapper
     */
    public GovernanceClient(@RestClient GovernanceApi api, ServiceCalls calls, ObjectMapper json) {
        this.api = api;
        this.calls = calls;
        this.json = json;
    }

    /** @return the tenant's policy */
    public ServiceAnswer policy() {
        return calls.run(api::policy);
    }

    /**
     * @param status status filter or null
     * @param asset  asset filter or null
     * @param page   zero-based page of {@value #PAGE_SIZE}
     * @return that page of proposals
     */
    public ServiceAnswer proposals(String status, String asset, int page) {
        return calls.run(() -> api.proposals(blankToNull(status), blankToNull(asset), page * PAGE_SIZE, PAGE_SIZE));
    }

    /**
     * @param id proposal id
     * @return the proposal with its evidence (another tenant's: the service's 404 in words)
     */
    public ServiceAnswer proposal(String id) {
        return calls.run(() -> api.proposal(id));
    }

    /**
     * A manual proposal of the tenant-wide settings (bounds of automatic changes), or of an asset's parameters.
     *
     * @param asset   asset symbol, or null for the tenant-wide settings
     * @param changes new values by name (plain fractions)
     * @param reason  why, shown to the committee
     * @return the proposal with its evidence, or the refusal in words (422 names each field)
     */
    public ServiceAnswer propose(String asset, java.util.Map<String, java.math.BigDecimal> changes, String reason) {
        var body = json.createObjectNode();
        if (asset != null) {
            body.put("asset", asset);
        }
        var values = body.putObject("changes");
        changes.forEach(values::put);
        body.put("reason", reason);
        return calls.run(() -> api.propose(body));
    }

    /**
     * @param approvalsRequired distinct approvals, or null to keep it (fewer is a loosening: a proposal)
     * @param proposalTtl       ISO-8601 duration, or null to keep it
     * @param timelock          ISO-8601 duration, or null to keep it
     * @param reason            why (audited)
     * @return {@code {policy, proposal}} or the refusal in words
     */
    public ServiceAnswer changePolicy(Integer approvalsRequired, String proposalTtl, String timelock,
            String reason) {
        var body = json.createObjectNode();
        if (approvalsRequired != null) {
            body.put("approvalsRequired", approvalsRequired);
        }
        if (proposalTtl != null) {
            body.put("proposalTtl", proposalTtl);
        }
        if (timelock != null) {
            body.put("timelock", timelock);
        }
        body.put("reason", reason);
        return calls.run(() -> api.updatePolicy(body));
    }

    /**
     * @param id       proposal id
     * @param decision one of {@link #DECISIONS}
     * @param comment  the member's comment
     * @return the proposal after the decision, or the refusal in words
     */
    public ServiceAnswer decide(String id, String decision, String comment) {
        if (!DECISIONS.contains(decision)) {
            throw new IllegalArgumentException("unknown decision " + decision);
        }
        return calls.run(() -> api.decide(id, decision, json.createObjectNode().put("comment", comment)));
    }

    /**
     * @param reason why automatic adjustments stop
     * @return the policy after the freeze
     */
    public ServiceAnswer freeze(String reason) {
        return calls.run(() -> api.freeze(json.createObjectNode().put("reason", reason)));
    }

    /**
     * @param reason why the freeze is lifted
     * @return the policy after lifting the freeze
     */
    public ServiceAnswer unfreeze(String reason) {
        return calls.run(() -> api.unfreeze(blankToNull(reason)));
    }

    /**
     * @param asset asset symbol, or null for the tenant-wide settings
     * @return the values in force now with their versions
     */
    public ServiceAnswer parametersInForce(String asset) {
        return calls.run(() -> api.parametersInForce(blankToNull(asset)));
    }

    /**
     * @param asset asset symbol, or null for the tenant-wide settings only
     * @return every version of the asset's parameters and of the settings that apply to it, oldest first
     */
    public ServiceAnswer parameterHistory(String asset) {
        return calls.run(() -> api.parameterHistory(blankToNull(asset)));
    }

    /**
     * @param filter the audit filters
     * @param page   zero-based page of {@value #PAGE_SIZE}
     * @return that page of matching audit entries
     */
    public ServiceAnswer audit(AuditFilter filter, int page) {
        return calls.run(() -> api.audit(filter.action(), filter.actor(), filter.asset(), filter.from(),
                filter.to(), page * PAGE_SIZE, PAGE_SIZE));
    }

    /**
     * The raw export answer, streamed back to the browser as a download.
     *
     * @param format {@code csv} or {@code json}
     * @param filter the audit filters
     * @return the service's response (the caller closes it)
     */
    public Response auditExport(String format, AuditFilter filter) {
        return api.auditExport(format, filter.action(), filter.actor(), filter.asset(), filter.from(), filter.to());
    }

    /**
     * Audit filters; blank values mean "any".
     *
     * @param action audit action, e.g. APPROVED
     * @param actor  actor subject
     * @param asset  asset symbol
     * @param from   ISO-8601 lower bound
     * @param to     ISO-8601 upper bound
     */
    @TemplateData
    public record AuditFilter(String action, String actor, String asset, String from, String to) {
        /** Blank fields become null. */
        public AuditFilter {
            action = blankToNull(action);
            actor = blankToNull(actor);
            asset = blankToNull(asset);
            from = blankToNull(from);
            to = blankToNull(to);
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
