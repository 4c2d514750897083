package io.ballast.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvidenceViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tablesScalarsObjectsAndShortListsButLeavesDatedSeriesToCharts() throws Exception {
        List<EvidenceView.Table> tables = EvidenceView.tables(JSON.readTree("""
                {"modelVersion": "sgd-3", "coverage": {"d250": {"exceptions": 3, "kupiecP": 0.41}, "light": "GREEN"},
                 "impact": {"additionalMarginUsd": 1200.5,
                            "mostAffected": [{"accountId": "a1", "deltaUsd": 800}, {"accountId": "a2"}]},
                 "forecast": [{"date": "2026-11-30", "forecastVol": 0.5, "realizedVol": 0.45}]}"""));
        assertThat(tables).extracting(EvidenceView.Table::title)
                .containsExactly("summary", "coverage", "impact.mostAffected", "impact");
        assertThat(tables.get(0).rows()).containsExactly(List.of("modelVersion", "sgd-3"));
        assertThat(tables.get(1).rows()).containsExactly(List.of("d250.exceptions", "3"),
                List.of("d250.kupiecP", "0.41"), List.of("light", "GREEN"));
        assertThat(tables.get(2).columns()).containsExactly("accountId", "deltaUsd");
        assertThat(tables.get(2).rows()).containsExactly(List.of("a1", "800"), List.of("a2", ""));
    }

    @Test
    void noEvidenceNoTables() {
        assertThat(EvidenceView.tables(null)).isEmpty();
        assertThat(EvidenceView.scriptJson(null)).isEqualTo("{}");
    }

    @Test
    void evidenceCannotCloseItsScriptElement() throws Exception {
        String json = EvidenceView.scriptJson(JSON.readTree("{\"reason\": \"</script><script>alert(1)</script>\"}"));
        assertThat(json).doesNotContain("<").contains("\\u003c/script>");
        assertThat(JSON.readTree(json).get("reason").asText()).isEqualTo("</script><script>alert(1)</script>");
    }
}
