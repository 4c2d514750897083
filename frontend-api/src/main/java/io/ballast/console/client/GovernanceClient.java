package io.ballast.console.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Governance of the signed-in user's tenant (issue 8) as {@link ServiceAnswer}s. While the risk service has no
 * governance API, every answer is {@link ServiceAnswer#notAvailable()} and the pages say so.
 */
@ApplicationScoped
public class GovernanceClient {

    /** Decisions a committee member or tenant admin can take on a proposal (path segments of the API). */
    public static final Set<String> DECISIONS = Set.of("approve", "reject", "veto");

    /** Proposals per page of the queue. */
    public static final int PAGE_SIZE = 50;

    private static final String GOVERNANCE = "the governance API (/api/v1/governance)";

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
        return calls.run(api::policy, GOVERNANCE);
    }

    /**
     * @param status status filter or null
     * @param asset  asset filter or null
     * @param page   zero-based page of {@value #PAGE_SIZE}
     * @return that page of proposals
     */
    public ServiceAnswer proposals(String status, String asset, int page) {
        return calls.run(() -> api.proposals(blankToNull(status), blankToNull(asset), page * PAGE_SIZE, PAGE_SIZE),
                GOVERNANCE);
    }

    /**
     * @param id proposal id
     * @return the proposal with its evidence (a 404 is "not found" or "not available yet": both are told)
     */
    public ServiceAnswer proposal(String id) {
        return calls.run(() -> api.proposal(id), "proposal " + id + " (or " + GOVERNANCE + ")");
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
        return calls.run(() -> api.decide(id, decision, json.createObjectNode().put("comment", comment)),
                "proposal " + id + " (or " + GOVERNANCE + ")");
    }

    /**
     * @param reason why automatic adjustments stop
     * @return the policy after the freeze
     */
    public ServiceAnswer freeze(String reason) {
        return calls.run(() -> api.freeze(json.createObjectNode().put("reason", reason)), GOVERNANCE);
    }

    /**
     * @param reason why the freeze is lifted
     * @return the policy after lifting the freeze
     */
    public ServiceAnswer unfreeze(String reason) {
        return calls.run(() -> api.unfreeze(blankToNull(reason)), GOVERNANCE);
    }

    /**
     * @param asset asset filter or null
     * @return parameter history, newest first
     */
    public ServiceAnswer parameterHistory(String asset) {
        return calls.run(() -> api.parameterHistory(blankToNull(asset)), GOVERNANCE);
    }

    /**
     * @param filter the audit filters
     * @return matching audit entries
     */
    public ServiceAnswer audit(AuditFilter filter) {
        return calls.run(() -> api.audit(filter.action(), filter.actor(), filter.from(), filter.to()), GOVERNANCE);
    }

    /**
     * The raw export answer, streamed back to the browser as a download.
     *
     * @param format {@code csv} or {@code json}
     * @param filter the audit filters
     * @return the service's response (the caller closes it)
     */
    public Response auditExport(String format, AuditFilter filter) {
        return api.auditExport(format, filter.action(), filter.actor(), filter.from(), filter.to());
    }

    /**
     * Audit filters; blank values mean "any".
     *
     * @param action audit action, e.g. APPROVAL
     * @param actor  actor subject
     * @param from   ISO-8601 lower bound
     * @param to     ISO-8601 upper bound
     */
    @TemplateData
    public record AuditFilter(String action, String actor, String from, String to) {
        /** Blank fields become null. */
        public AuditFilter {
            action = blankToNull(action);
            actor = blankToNull(actor);
            from = blankToNull(from);
            to = blankToNull(to);
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
