package io.ballast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.console.client.GovernanceClient;
import io.ballast.console.client.ServiceAnswer;
import io.ballast.console.security.ConsoleUser;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tenant administration: the governance policy (approvals required, proposal expiry, timelock) and the bounds of
 * automatic changes (tenant-wide risk settings) as validated forms, freeze and lift freeze, and veto of approved
 * proposals in their timelock. Forms are offered to tenant admins only; the risk service decides in any case. Fewer
 * approvals, and any change of a bound, become committee proposals in the service: the page says so and links them.
 */
@Path("/admin")
@Blocking
public class AdminResource {

    /** Longest reason accepted by the forms. */
    public static final int MAX_REASON = 500;

    /** The bounds of automatic changes the form edits (tenant-wide risk settings, plain fractions), in order. */
    public static final List<String> BOUNDS = List.of("autoApplyMaxChange", "maxDailyIncrease", "maxDailyDecrease",
            "minImf", "maxImf", "minMmf", "maxMmf");

    /** Largest value the bounds form accepts for any bound (the service checks each one's own range). */
    static final BigDecimal MAX_BOUND = BigDecimal.TEN;

    /** Longest duration the policy form accepts (the service's own limit, P30D). */
    static final Duration MAX_DURATION = Duration.ofDays(30);

    @Inject
    ConsoleUser user;
    @Inject
    GovernanceClient governance;
    @Inject
    PageData data;

    @Inject
    Template admin;

    /**
     * @param done     the action just taken, for the confirmation line
     * @param proposal the proposal a change became, if any
     * @return the policy, the bounds, the freeze switch and the proposals in their timelock
     */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page(@QueryParam("done") String done, @QueryParam("proposal") String proposal) {
        return page(done, proposal, null, Map.of());
    }

    /**
     * Changes the policy: only fields that differ from the policy in force are sent.
     *
     * @param approvalsRequired 1 to 10
     * @param proposalTtl       ISO-8601, PT1S to P30D
     * @param timelock          ISO-8601, PT0S to P30D
     * @param reason            1 to {@value #MAX_REASON} characters
     * @return a redirect to the page naming the outcome, or the page with the problem in words
     */
    @POST
    @Path("policy")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response policy(@FormParam("approvalsRequired") String approvalsRequired,
            @FormParam("proposalTtl") String proposalTtl, @FormParam("timelock") String timelock,
            @FormParam("reason") String reason) {
        Map<String, String> entered = entered("approvalsRequired", approvalsRequired, "proposalTtl", proposalTtl,
                "timelock", timelock, "reason", reason);
        ServiceAnswer current = governance.policy();
        if (!current.ok()) {
            return refused(current, entered);
        }
        JsonNode pol = current.body();
        List<String> problems = new ArrayList<>();
        Integer approvals = null;
        String approvalsText = entered.get("approvalsRequired");
        try {
            int a = Integer.parseInt(approvalsText);
            if (a < 1 || a > 10) {
                problems.add("approvals required: a whole number from 1 to 10");
            } else if (a != pol.path("approvalsRequired").asInt()) {
                approvals = a;
            }
        } catch (NumberFormatException e) {
            problems.add("approvals required: a whole number from 1 to 10");
        }
        String ttl = duration("proposal expiry", entered.get("proposalTtl"), Duration.ofSeconds(1),
                pol.path("proposalTtl").asText(), problems);
        String lock = duration("timelock", entered.get("timelock"), Duration.ZERO, pol.path("timelock").asText(),
                problems);
        String why = reason(entered.get("reason"), problems);
        if (problems.isEmpty() && approvals == null && ttl == null && lock == null) {
            problems.add("nothing changed: the values entered are the policy in force");
        }
        if (!problems.isEmpty()) {
            return invalid(problems, entered);
        }
        ServiceAnswer answer = governance.changePolicy(approvals, ttl, lock, why);
        if (!answer.ok()) {
            return refused(answer, entered);
        }
        JsonNode proposal = answer.body().path("proposal");
        return proposal.hasNonNull("id") ? done("policy-proposal", proposal.get("id").asText())
                : done("policy", null);
    }

    /**
     * Proposes new bounds of automatic changes (tenant-wide risk settings): only bounds that differ from those in
     * force are proposed; the committee decides.
     *
     * @param form one field per name of {@link #BOUNDS} (a plain fraction, 0 to 10) and {@code reason}
     * @return a redirect to the page naming the proposal, or the page with the problem in words
     */
    @POST
    @Path("bounds")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response bounds(@BeanParam BoundsForm form) {
        Map<String, String> entered = entered("autoApplyMaxChange", form.autoApplyMaxChange, "maxDailyIncrease",
                form.maxDailyIncrease, "maxDailyDecrease", form.maxDailyDecrease, "minImf", form.minImf, "maxImf",
                form.maxImf, "minMmf", form.minMmf, "maxMmf", form.maxMmf, "reason", form.reason);
        ServiceAnswer current = governance.parametersInForce(null);
        if (!current.ok()) {
            return refused(current, entered);
        }
        List<String> problems = new ArrayList<>();
        Map<String, BigDecimal> changes = new LinkedHashMap<>();
        for (String name : BOUNDS) {
            String text = entered.get(name);
            BigDecimal value;
            try {
                value = new BigDecimal(text);
            } catch (NumberFormatException | NullPointerException e) {
                problems.add(name + ": a number from 0 to " + MAX_BOUND + " (a plain fraction, 0.1 = 10 %)");
                continue;
            }
            if (value.signum() < 0 || value.compareTo(MAX_BOUND) > 0) {
                problems.add(name + ": a number from 0 to " + MAX_BOUND + " (a plain fraction, 0.1 = 10 %)");
                continue;
            }
            JsonNode inForce = current.body().path("values").get(name);
            if (inForce == null || !inForce.isNumber() || inForce.decimalValue().compareTo(value) != 0) {
                changes.put(name, value);
            }
        }
        String reason = reason(entered.get("reason"), problems);
        if (problems.isEmpty() && changes.isEmpty()) {
            problems.add("nothing changed: the values entered are the bounds in force");
        }
        if (!problems.isEmpty()) {
            return invalid(problems, entered);
        }
        ServiceAnswer answer = governance.propose(null, changes, reason);
        if (!answer.ok()) {
            return refused(answer, entered);
        }
        return done("bounds-proposal", answer.body().path("id").asText());
    }

    /**
     * Freezes automatic adjustments ({@code freeze=true}, reason required) or lifts the freeze.
     *
     * @param freeze {@code true} to freeze, {@code false} to lift
     * @param reason why (required to freeze, 1 to {@value #MAX_REASON} characters)
     * @return a redirect to the page, or the page with the refusal in words
     */
    @POST
    @Path("freeze")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response freeze(@FormParam("freeze") String freeze, @FormParam("reason") String reason) {
        Map<String, String> entered = entered("freeze", freeze, "reason", reason);
        boolean on = "true".equals(entered.get("freeze"));
        String why = entered.get("reason");
        if (on) {
            List<String> problems = new ArrayList<>();
            why = reason(why, problems);
            if (!problems.isEmpty()) {
                return invalid(problems, entered);
            }
        } else if (why.length() > MAX_REASON) {
            return invalid(List.of("reason: at most " + MAX_REASON + " characters"), entered);
        }
        ServiceAnswer answer = on ? governance.freeze(why) : governance.unfreeze(why);
        return answer.ok() ? done(on ? "frozen" : "unfrozen", null) : refused(answer, entered);
    }

    private TemplateInstance page(String done, String proposal, String formError, Map<String, String> entered) {
        ServiceAnswer policy = governance.policy();
        ServiceAnswer settings = governance.parametersInForce(null);
        ServiceAnswer approved = governance.proposals("APPROVED", null, 0);
        Map<String, Object> bounds = new LinkedHashMap<>();
        for (String name : BOUNDS) {
            JsonNode value = settings.ok() ? settings.body().path("values").get(name) : null;
            bounds.put(name, value == null || value.isNull() ? ""
                    : value.decimalValue().stripTrailingZeros().toPlainString());
        }
        return admin.data("header", data.header(user)).data("policy", data.view(policy))
                .data("settings", data.view(settings)).data("bounds", bounds)
                .data("timelocked", data.items(approved)).data("timelockedAnswer", data.view(approved))
                .data("done", done).data("proposal", proposal).data("formError", formError)
                .data("entered", entered);
    }

    private Response done(String what, String proposal) {
        String target = "/admin?done=" + what + (proposal == null ? ""
                : "&proposal=" + URLEncoder.encode(proposal, StandardCharsets.UTF_8));
        return Response.seeOther(URI.create(target)).build();
    }

    private Response invalid(List<String> problems, Map<String, String> entered) {
        return Response.status(400).entity(page(null, null, String.join("; ", problems), entered)).build();
    }

    private Response refused(ServiceAnswer answer, Map<String, String> entered) {
        return Response.status(answer.status() == 0 ? 502 : answer.status())
                .entity(page(null, null, "the risk service refused: " + answer.error(), entered)).build();
    }

    /** Form fields as entered (name, value, name, value ...), stripped, absent ones as empty text. */
    private static Map<String, String> entered(String... namesAndValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            out.put(namesAndValues[i], value == null ? "" : value.strip());
        }
        return out;
    }

    /** The bounds form: one plain fraction per bound of {@link #BOUNDS}, and the reason. */
    public static class BoundsForm {
        /** Largest relative move applied without the committee. */
        @FormParam("autoApplyMaxChange")
        public String autoApplyMaxChange;
        /** Largest relative rise per 24 h. */
        @FormParam("maxDailyIncrease")
        public String maxDailyIncrease;
        /** Largest relative fall per 24 h. */
        @FormParam("maxDailyDecrease")
        public String maxDailyDecrease;
        /** Lowest initial-margin fraction. */
        @FormParam("minImf")
        public String minImf;
        /** Highest initial-margin fraction. */
        @FormParam("maxImf")
        public String maxImf;
        /** Lowest maintenance-margin fraction. */
        @FormParam("minMmf")
        public String minMmf;
        /** Highest maintenance-margin fraction. */
        @FormParam("maxMmf")
        public String maxMmf;
        /** Why, shown to the committee. */
        @FormParam("reason")
        public String reason;
    }

    /** The reason when 1 to {@value #MAX_REASON} characters, else null and a problem. */
    private static String reason(String reason, List<String> problems) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            problems.add("reason: 1 to " + MAX_REASON + " characters, required");
            return null;
        }
        return reason;
    }

    /**
     * @return the ISO-8601 duration entered when valid and different from the one in force, null when unchanged
     *     or invalid (then a problem is added)
     */
    private static String duration(String label, String text, Duration min, String inForce, List<String> problems) {
        Duration value;
        try {
            value = Duration.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            problems.add(label + ": an ISO-8601 duration such as PT1H, PT30M or P1D");
            return null;
        }
        if (value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0) {
            problems.add(label + ": from " + min + " to P30D");
            return null;
        }
        try {
            if (!inForce.isEmpty() && Duration.parse(inForce).equals(value)) {
                return null;
            }
        } catch (DateTimeParseException e) {
            // the service's value is unreadable: send ours
        }
        return value.toString();
    }
}
