package io.ballast.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterViewsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void timelineIsNewestFirstAndEachVersionNamesWhatItChangedAgainstItsPredecessor() throws Exception {
        // the service's history: the asset's parameter versions first, then the settings versions, oldest first
        List<Map<String, Object>> timeline = ParameterViews.timeline(JSON.readTree("""
                [{"kind": "parameters", "scope": "ASSET", "version": 1, "effectiveFrom": "2026-01-01T00:00:00Z",
                  "source": "MANUAL", "actor": "admin", "values": {"initialMarginFraction": 0.1,
                  "maintenanceMarginFraction": 0.0500}},
                 {"kind": "parameters", "scope": "ASSET", "version": 2, "effectiveFrom": "2026-12-01T10:00:00Z",
                  "source": "PROPOSAL", "actor": "scheduler", "proposalId": "p-1",
                  "values": {"initialMarginFraction": 0.10, "maintenanceMarginFraction": 0.06}},
                 {"kind": "settings", "scope": "TENANT", "version": 1, "effectiveFrom": "2026-06-01T00:00:00Z",
                  "source": "ONBOARDING", "actor": "onboarding", "values": {"scanRangeFraction": 0.15}}]"""));

        assertThat(timeline).extracting(e -> e.get("kind") + " v" + e.get("version"))
                .containsExactly("parameters v2", "settings v1", "parameters v1");
        Map<String, Object> v2 = timeline.get(0);
        assertThat(v2.get("first")).isEqualTo(false);
        assertThat(v2.get("proposalId")).isEqualTo("p-1");
        // 0.1 and 0.10 are the same value: only the maintenance fraction changed
        assertThat((List<Map<String, Object>>) v2.get("changes")).containsExactly(
                Map.of("name", "maintenanceMarginFraction", "before", "0.05", "after", "0.06"));
        Map<String, Object> v1 = timeline.get(2);
        assertThat(v1.get("first")).isEqualTo(true);
        assertThat(v1.get("proposalId")).isNull();
        assertThat((List<?>) v1.get("changes")).hasSize(2);
    }

    @Test
    void aVersionIsAttributedByNameAndFallsBackToTheSubjectForOlderRows() throws Exception {
        List<Map<String, Object>> timeline = ParameterViews.timeline(JSON.readTree("""
                [{"kind": "parameters", "scope": "ASSET", "version": 1, "effectiveFrom": "2026-01-01T00:00:00Z",
                  "source": "MANUAL", "actor": "0b6f6c1e-5d1a-4b7e-9a77-3e0d4c2f1a10", "actorName": "acme-admin",
                  "values": {"initialMarginFraction": 0.1}},
                 {"kind": "parameters", "scope": "ASSET", "version": 2, "effectiveFrom": "2026-02-01T00:00:00Z",
                  "source": "MANUAL", "actor": "5a8c2b9d-0000-4000-8000-000000000002", "actorName": null,
                  "values": {"initialMarginFraction": 0.2}}]"""));

        assertThat(timeline).extracting(e -> e.get("actor"))
                .containsExactly("5a8c2b9d-0000-4000-8000-000000000002", "acme-admin");
    }
}
