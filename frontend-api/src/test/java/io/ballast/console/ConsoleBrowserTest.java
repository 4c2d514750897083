package io.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.console.support.Browser;
import io.ballast.console.support.ConsoleServers;
import io.ballast.console.support.ConsoleServersResource;
import io.ballast.console.support.TenantFixture;
import io.ballast.devstack.DemoSeeder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console end to end in headless Chromium, against real Keycloak (its login page), the packaged risk service,
 * PostgreSQL and Kafka. Two tenants; users created through the Keycloak admin API.
 */
@QuarkusTest
@QuarkusTestResource(ConsoleServersResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    /** Days of real daily history the policy-replay tenant gets (deploy/demo-data, the most recent ones). */
    private static final int HISTORY_DAYS = 400;
    /** A token subject (Keycloak user or client id) as it must not appear where a person is named. */
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private ConsoleServers servers;
    private TenantFixture tenantA;
    private TenantFixture tenantB;
    private String alice;
    private String bob;
    private Browser aliceBrowser;

    @BeforeAll
    void seed() {
        servers = ConsoleServers.get();
        tenantA = TenantFixture.create(servers, "console-a");
        tenantB = TenantFixture.create(servers, "console-b");
        alice = servers.user("alice", tenantA.id(), "risk-committee");
        bob = servers.user("bob", tenantB.id(), "risk-committee");
        aliceBrowser = new Browser();
    }

    @AfterAll
    void closeBrowser() {
        if (aliceBrowser != null) {
            aliceBrowser.close();
        }
    }

    @Test
    @Order(1)
    void committeeMemberSignsInThroughKeycloakAndSeesHerTenantsSummary() {
        aliceBrowser.signIn(servers.consoleUrl() + "/dashboard", alice, ConsoleServers.PASSWORD);
        var page = aliceBrowser.driver();
        assertThat(page.getCurrentUrl()).isEqualTo(servers.consoleUrl() + "/dashboard");
        assertThat(page.findElement(By.id("who")).getText()).contains(alice).contains(tenantA.id())
                .contains("risk-committee");
        assertThat(page.findElement(By.id("count-accounts")).getText()).isEqualTo("3");
        assertThat(page.findElement(By.id("count-healthy")).getText()).isEqualTo("1");
        assertThat(page.findElement(By.id("count-margin-call")).getText()).isEqualTo("1");
        assertThat(page.findElement(By.id("count-liquidatable")).getText()).isEqualTo("1");
        // 3 accounts x 1 BTC-PERP at 60,000: IM 10 % = 6,000 each, MM 5 % = 3,000 each
        assertThat(page.findElement(By.id("total-im")).getText()).isEqualTo("18,000.00");
        assertThat(page.findElement(By.id("total-mm")).getText()).isEqualTo("9,000.00");
        String body = page.findElement(By.tagName("body")).getText();
        assertThat(body).contains(tenantA.externalId("0xLIQ")).doesNotContain(tenantB.externalId("0xLIQ"));
        // oracle health per underlying: the fixture's marks (BTC 60,000, USDT 1), each with its health and age
        var btcOracle = page.findElement(By.cssSelector("#oracles tr[data-underlying='BTC']")).getText();
        assertThat(btcOracle).contains("60,000.00").containsPattern("(UN)?HEALTHY")
                .containsPattern("\\d+ (s|min|h)");
        assertThat(page.findElement(By.id("oracles")).getText()).contains("USDT");
        aliceBrowser.screenshot("dashboard");
        // by keyboard: the first Tab reaches the skip link
        new org.openqa.selenium.interactions.Actions(page).sendKeys(org.openqa.selenium.Keys.TAB).perform();
        assertThat(page.switchTo().activeElement().getText()).isEqualTo("Skip to content");

        page.findElement(By.linkText(tenantA.externalId("0xLIQ"))).click();
        aliceBrowser.waitFor(By.id("margin-status"));
        assertThat(page.findElement(By.id("margin-status")).getText()).isEqualTo("LIQUIDATABLE");
        assertThat(page.findElement(By.id("margin-im")).getText()).isEqualTo("6,000.00");
        assertThat(page.findElement(By.id("margin-mm")).getText()).isEqualTo("3,000.00");
        assertThat(page.findElement(By.id("prices")).getText()).contains("BTC").contains("60,000.00");
        assertThat(page.findElement(By.id("margin-oracle")).getText()).containsPattern("(UN)?HEALTHY");
        aliceBrowser.screenshot("account");
    }

    @Test
    @Order(2)
    void parametersShowTheLiveSetPerAssetAndMarketAndWhoChangedWhat() {
        var page = aliceBrowser.driver();
        page.get(servers.consoleUrl() + "/parameters");
        // BTC in force: the fixture's first version (IM 10 %, MM 5 %) and the onboarding settings (scan range 15 %)
        String assets = aliceBrowser.waitFor(By.id("live-parameters")).getText();
        assertThat(assets).contains("BTC").contains("USDT").contains("10.00 %").contains("5.00 %")
                .contains("15.00 %").contains("parameters v1, settings TENANT v1");
        String markets = page.findElement(By.id("market-parameters")).getText();
        assertThat(markets).contains("BTC-PERP").contains("PERPETUAL").contains("10.00 %").contains("5.00 %");
        // tenant-wide history: the onboarding settings, written by the platform
        assertThat(page.findElement(By.id("history")).getText()).contains("settings TENANT v1")
                .contains("first version");
        aliceBrowser.screenshot("parameters");

        page.get(servers.consoleUrl() + "/parameters?asset=BTC");
        String history = aliceBrowser.waitFor(By.id("history")).getText();
        assertThat(history).contains("parameters ASSET v1").contains("MANUAL").contains("by ")
                .contains("maintenanceMarginFraction").contains("settings TENANT v1");
        assertThat(page.findElement(By.id("history-asset")).getAttribute("value")).isEqualTo("BTC");

        for (String path : List.of("/proposals", "/audit", "/admin")) {
            page.get(servers.consoleUrl() + path);
            String text = aliceBrowser.waitFor(By.tagName("main")).getText();
            assertThat(text).as(path).doesNotContain("not available").doesNotContain("HTTP 404");
            assertThat(page.findElements(By.cssSelector(".notice.error"))).as(path).isEmpty();
            assertThat((Boolean) page.executeScript("return document.documentElement.scrollWidth"
                    + " <= document.documentElement.clientWidth;")).as(path + " fits a laptop's width").isTrue();
        }
        page.get(servers.consoleUrl() + "/audit?action=MANUAL_PARAMETER_EDIT");
        assertThat(aliceBrowser.waitFor(By.id("audit")).getText()).contains("MANUAL_PARAMETER_EDIT");
        aliceBrowser.screenshot("audit");
        // a second page (empty here) links back to the first with the same filters
        page.get(servers.consoleUrl() + "/audit?action=MANUAL_PARAMETER_EDIT&page=1");
        assertThat(aliceBrowser.waitFor(By.id("previous-page")).getAttribute("href"))
                .endsWith("/audit?action=MANUAL_PARAMETER_EDIT&page=0");
        page.get(servers.consoleUrl() + "/proposals?status=ALL&page=1");
        assertThat(aliceBrowser.waitFor(By.id("previous-page")).getAttribute("href"))
                .endsWith("/proposals?status=ALL&asset=&page=0");
    }

    @Test
    @Order(3)
    void aMemberOfAnotherTenantSeesNoneOfIt() {
        try (Browser bobBrowser = new Browser()) {
            bobBrowser.signIn(servers.consoleUrl() + "/dashboard", bob, ConsoleServers.PASSWORD);
            String body = bobBrowser.driver().findElement(By.tagName("body")).getText();
            assertThat(body).contains(tenantB.externalId("0xOK"));
            for (String external : tenantA.accountIdsByName().keySet()) {
                assertThat(body).doesNotContain(external);
            }
            bobBrowser.driver().get(servers.consoleUrl() + "/accounts/" + tenantA.account("0xLIQ"));
            String refused = bobBrowser.waitFor(By.cssSelector(".notice.error")).getText();
            assertThat(refused).contains("does not exist").contains("HTTP 404");
            assertThat(bobBrowser.driver().findElements(By.id("margin-status"))).isEmpty();
        }
    }

    @Test
    @Order(4)
    void aFormPostedWithoutItsCsrfTokenIsRefused() {
        var page = aliceBrowser.driver();
        page.get(servers.consoleUrl() + "/dashboard");
        aliceBrowser.waitFor(By.id("logout-form"));
        String post = "const done = arguments[arguments.length - 1];"
                + "const body = new URLSearchParams({decision: 'approve', comment: 'forged'});"
                + "if (arguments[0] !== null) { body.set('csrf-token', arguments[0]); }"
                + "fetch('/proposals/' + arguments[1] + '/decision', {method: 'POST', body: body,"
                + " headers: {'Content-Type': 'application/x-www-form-urlencoded'}})"
                + ".then(r => r.text().then(t => done(r.status + ' ' + t)));";
        String proposal = UUID.randomUUID().toString();
        String token = page.findElement(By.cssSelector("#logout-form input[name=csrf-token]")).getAttribute("value");

        String withoutToken = (String) page.executeAsyncScript(post, null, proposal);
        String wrongToken = (String) page.executeAsyncScript(post, "not-the-token", proposal);
        String withToken = (String) page.executeAsyncScript(post, token, proposal);

        assertThat(withoutToken).startsWith("400 ").doesNotContain("risk service");
        assertThat(wrongToken).startsWith("400 ").doesNotContain("risk service");
        // the same form with its token reaches the console's handler, which forwards the decision to the service
        assertThat(withToken).doesNotStartWith("400 ").contains("the risk service refused to approve");
    }

    @Test
    @Order(5)
    void aMarginEventAppearsOnTheDashboardWithoutAReload() throws Exception {
        var page = aliceBrowser.driver();
        page.get(servers.consoleUrl() + "/dashboard");
        new WebDriverWait(page, Duration.ofSeconds(30)).until(d -> "open".equals(
                d.findElement(By.id("sse-state")).getAttribute("data-state")));
        page.executeScript("window.ballastNoReload = 'same page';");
        awaitConsumerAtEndOfTopic();

        String otherTenantEvent = UUID.randomUUID().toString();
        String ownEvent = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                servers.stack().kafka().clientConfig(io.ballast.devstack.KafkaUser.ADMIN),
                new StringSerializer(), new StringSerializer())) {
            // one partition, so the other tenant's event is consumed before ours
            producer.send(new ProducerRecord<>(ConsoleServers.MARGIN_EVENTS, 0, tenantB.id(),
                    envelope(otherTenantEvent, tenantB.id(), tenantB.account("0xLIQ")))).get();
            producer.send(new ProducerRecord<>(ConsoleServers.MARGIN_EVENTS, 0, "not json", "{oops")).get();
            producer.send(new ProducerRecord<>(ConsoleServers.MARGIN_EVENTS, 0, tenantA.id(),
                    envelope(ownEvent, tenantA.id(), tenantA.account("0xLIQ")))).get();
        }

        var row = new WebDriverWait(page, Duration.ofSeconds(30)).until(d -> d.findElements(
                By.cssSelector("tr[data-event-id='" + ownEvent + "']")).stream().findFirst().orElse(null));
        assertThat(row.getText()).contains("LIQUIDATABLE").contains("MARGIN_CALL → LIQUIDATABLE")
                .contains("2,000.00").contains("6,000.00").contains("3,000.00");
        assertThat(page.findElements(By.cssSelector("tr[data-event-id='" + otherTenantEvent + "']"))).isEmpty();
        assertThat(page.executeScript("return window.ballastNoReload;")).isEqualTo("same page");
        aliceBrowser.screenshot("dashboard-live-event", By.id("events"));
    }

    @Test
    @Order(6)
    void signingOutEndsTheSession() {
        var page = aliceBrowser.driver();
        page.get(servers.consoleUrl() + "/dashboard");
        aliceBrowser.waitFor(By.id("logout")).click();
        new WebDriverWait(page, Duration.ofSeconds(30)).withMessage(() -> "not signed out: at "
                + page.getCurrentUrl() + ": " + page.findElement(By.tagName("body")).getText())
                .until(d -> java.net.URI.create(d.getCurrentUrl()).getPath().equals("/signed-out"));
        page.get(servers.consoleUrl() + "/dashboard");
        aliceBrowser.waitFor(By.id("kc-login"));
        assertThat(page.getCurrentUrl()).startsWith(servers.stack().keycloak().serverUrl());
    }

    /**
     * Issue 10's approval scenario: two committee members approve through Keycloak logins, the proposal is APPROVED
     * then EFFECTIVE after a 3 s timelock and the parameters page shows the new version with its proposal; another
     * tenant's member gets the service's 404 in words; a viewer is offered no button and a forged approve from the
     * viewer's session is refused by the service.
     */
    @Test
    @Order(7)
    void committeeApprovesAProposalTwiceAndItTakesEffect() {
        var admin = servers.api(servers.clientToken(tenantA.adminId(), tenantA.adminSecret()));
        admin.body(Map.of("timelock", "PT3S", "reason", "console end-to-end test: a short timelock"))
                .put("/api/v1/governance/policy").then().statusCode(200);
        String proposal = propose();
        String carol = servers.user("carol", tenantA.id(), "risk-committee");
        String victor = servers.user("victor", tenantA.id(), "viewer");

        try (Browser a = new Browser(); Browser c = new Browser()) {
            a.signIn(servers.consoleUrl() + "/proposals", alice, ConsoleServers.PASSWORD);
            assertThat(a.waitFor(By.id("proposals")).getText()).contains("maintenanceMarginFraction");
            a.screenshot("proposals-open");
            a.driver().findElement(By.cssSelector("a[href='/proposals/" + proposal + "']")).click();
            // evidence as charts: the impact on the three accounts (the fixture has no daily history: no coverage)
            a.waitFor(By.id("impact-chart"));
            assertThat(a.driver().findElement(By.id("evidence-charts")).getText())
                    .contains("impact: initial margin now and with the change (USD)");
            a.screenshot("proposal-evidence", By.id("evidence-charts"));
            a.waitFor(By.id("comment")).sendKeys("coverage holds at 99 %; approve");
            a.screenshot("proposal-detail");
            a.driver().findElement(By.id("approve")).click();
            assertThat(a.waitFor(By.id("done")).getText()).contains("approve");
            assertThat(a.driver().findElement(By.id("approvals")).getText()).startsWith("1 of 2");

            c.signIn(servers.consoleUrl() + "/proposals/" + proposal, carol, ConsoleServers.PASSWORD);
            // by keyboard only: type the comment, Tab to Approve, Enter
            c.waitFor(By.id("comment")).sendKeys("second approval", org.openqa.selenium.Keys.TAB);
            assertThat(c.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("approve");
            c.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ENTER);
            assertThat(c.waitFor(By.id("proposal-status")).getText()).isIn("APPROVED", "EFFECTIVE");

            new WebDriverWait(c.driver(), Duration.ofSeconds(120), Duration.ofSeconds(2)).until(d -> {
                d.navigate().refresh();
                return "EFFECTIVE".equals(d.findElement(By.id("proposal-status")).getText());
            });
            c.screenshot("proposal-effective");
            // people by name, not token subject: the approvers' usernames, the proposing machine's client id
            assertThat(c.driver().findElements(By.cssSelector("#votes td.voter"))).extracting(e -> e.getText())
                    .containsExactly(alice, carol);
            assertThat(c.driver().findElement(By.id("proposer")).getText()).isEqualTo(tenantA.adminId());
            assertThat(c.driver().findElement(By.id("votes")).getText()).doesNotContainPattern(UUID_PATTERN);

            c.driver().get(servers.consoleUrl() + "/parameters?asset=BTC");
            String live = c.waitFor(By.id("live-parameters")).getText();
            assertThat(live).contains("6.00 %").contains("parameters v2");
            String history = c.driver().findElement(By.id("history")).getText();
            assertThat(history).contains("parameters ASSET v2").contains("PROPOSAL").contains("0.05 → 0.06")
                    .contains("proposed by " + tenantA.adminId()).contains("approved by " + alice + ", " + carol);
            assertThat(c.driver().findElements(By.cssSelector("#history a[href='/proposals/" + proposal + "']")))
                    .isNotEmpty();
            c.screenshot("parameters-after-proposal", By.id("history"));
            // the audit trail names the actor and its filter takes the name
            c.driver().get(servers.consoleUrl() + "/audit?actor=" + carol);
            assertThat(c.waitFor(By.id("audit")).findElements(By.cssSelector("td.actor")))
                    .extracting(e -> e.getText()).containsExactly(carol + " (ballast-console)");
        }

        try (Browser b = new Browser()) {
            b.signIn(servers.consoleUrl() + "/proposals/" + proposal, bob, ConsoleServers.PASSWORD);
            assertThat(b.waitFor(By.cssSelector(".notice.error")).getText()).contains("Not Found")
                    .contains("proposal " + proposal + " does not exist").contains("HTTP 404");
            assertThat(b.driver().findElements(By.id("proposal-status"))).isEmpty();
        }

        String open = propose();
        try (Browser v = new Browser()) {
            v.signIn(servers.consoleUrl() + "/proposals/" + open, victor, ConsoleServers.PASSWORD);
            assertThat(v.waitFor(By.id("proposal-status")).getText()).isEqualTo("OPEN");
            assertThat(v.driver().findElements(By.id("approve"))).isEmpty();
            assertThat(v.driver().findElements(By.id("decision-form"))).isEmpty();
            String token = v.driver().findElement(By.cssSelector("#logout-form input[name=csrf-token]"))
                    .getAttribute("value");
            String forged = (String) v.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/proposals/' + arguments[0] + '/decision', {method: 'POST', body: new URLSearchParams("
                    + "{decision: 'approve', comment: 'forged', 'csrf-token': arguments[1]})})"
                    + ".then(r => r.text().then(t => done(r.status + ' ' + t)));", open, token);
            assertThat(forged).startsWith("403 ").contains("the risk service refused to approve");
        }
        admin.get("/api/v1/governance/proposals/" + open).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("OPEN"))
                .body("approvals", org.hamcrest.Matchers.equalTo(0));
    }

    /**
     * Tenant admin: a policy change applying at once, one refused by the console's validation, fewer approvals and
     * new bounds becoming proposals (the page links them), freeze and lift, and a veto during the timelock; a
     * committee member is offered none of these forms.
     */
    @Test
    @Order(8)
    void tenantAdminChangesThePolicyProposesBoundsFreezesAndVetoes() {
        String dana = servers.user("dana", tenantA.id(), "tenant-admin");
        String erin = servers.user("erin", tenantA.id(), "risk-committee");
        try (Browser d = new Browser()) {
            d.signIn(servers.consoleUrl() + "/admin", dana, ConsoleServers.PASSWORD);
            var page = d.driver();
            assertThat(d.waitFor(By.id("policy-approvals")).getText()).isEqualTo("2");

            fill(d, "timelock", "PT10M");
            fill(d, "policy-reason", "console test: a ten-minute veto window");
            page.findElement(By.id("policy-submit")).click();
            assertThat(d.waitFor(By.id("done")).getText()).contains("Policy changed");
            assertThat(page.findElement(By.id("policy-timelock")).getText()).isEqualTo("PT10M");

            // the browser's own checks are bypassed: the console refuses the form with the reason, nothing changes
            page.executeScript("document.getElementById('policy-form').noValidate = true;");
            fill(d, "timelock", "ten minutes");
            fill(d, "policy-reason", "");
            page.findElement(By.id("policy-submit")).click();
            assertThat(d.waitFor(By.id("form-error")).getText()).contains("timelock: an ISO-8601 duration")
                    .contains("reason: 1 to 500 characters");
            assertThat(page.findElement(By.id("policy-timelock")).getText()).isEqualTo("PT10M");

            page.get(servers.consoleUrl() + "/admin");
            fill(d, "approvalsRequired", "1");
            fill(d, "policy-reason", "console test: one approval is enough");
            page.findElement(By.id("policy-submit")).click();
            assertThat(d.waitFor(By.id("done")).getText()).contains("Fewer approvals is a loosening")
                    .contains("proposal");
            assertThat(page.findElement(By.id("policy-approvals")).getText()).isEqualTo("2");
            assertThat(page.findElement(By.id("outcome-proposal")).getAttribute("href")).contains("/proposals/");

            fill(d, "bound-autoApplyMaxChange", "0.2");
            fill(d, "bounds-reason", "console test: a wider auto-apply band");
            page.findElement(By.id("bounds-submit")).click();
            // the outcome of the policy change above is still on the page until the answer replaces it
            assertThat(d.waitForText(By.id("done"), "risk settings", "proposal")).contains("risk settings");
            d.screenshot("admin");
            page.findElement(By.id("outcome-proposal")).click();
            assertThat(d.waitFor(By.id("proposal-status")).getText()).isEqualTo("OPEN");
            assertThat(page.findElement(By.id("changes")).getText()).contains("autoApplyMaxChange").contains("0.2");

            page.get(servers.consoleUrl() + "/admin");
            fill(d, "reason", "console test: oracle incident drill");
            page.findElement(By.id("freeze")).click();
            // re-found each time: the page before the answer may still hold a #frozen that then goes stale
            assertThat(d.waitForText(By.id("frozen"), "FROZEN", "oracle incident drill")).startsWith("FROZEN");
            fill(d, "unfreeze-reason", "drill over");
            page.findElement(By.id("unfreeze")).click();
            assertThat(d.waitForText(By.id("frozen"), "running")).isEqualTo("running");

            String approved = propose();
            approveInBrowser(alice, approved, "first approval");
            approveInBrowser(erin, approved, "second approval");
            page.get(servers.consoleUrl() + "/admin");
            assertThat(d.waitFor(By.id("timelocked")).getText()).contains("maintenanceMarginFraction");
            d.screenshot("admin-timelock", By.id("timelocked"));
            fill(d, "veto-" + approved, "console test: vetoed during the timelock");
            page.findElement(By.id("veto-button-" + approved)).click();
            assertThat(d.waitFor(By.id("proposal-status")).getText()).isEqualTo("VETOED");
        }
        try (Browser a = new Browser()) {
            a.signIn(servers.consoleUrl() + "/admin", alice, ConsoleServers.PASSWORD);
            assertThat(a.waitFor(By.id("policy")).getText()).contains("PT10M");
            for (String form : List.of("policy-form", "bounds-form", "freeze-form", "unfreeze-form")) {
                assertThat(a.driver().findElements(By.id(form))).as(form).isEmpty();
            }
            assertThat(a.driver().findElements(By.cssSelector(".veto-form"))).isEmpty();
        }
    }

    /**
     * Issue 10's "margin over time under the static and recommended policies with exceptions marked": a tenant of
     * its own gets the last {@value #HISTORY_DAYS} days of real BTC daily bars (deploy/demo-data, the slice and code
     * {@code ./ballast run} seeds with) and one recommendation run. BTC's haircut in force is 0, so the recommended
     * haircut is beyond the auto-apply bound and the run makes a proposal whose evidence carries the recommending
     * policy replayed day by day ({@code policyCoverage.series}). The chart drawn in the browser is read back from
     * its Chart.js instance: one point per replayed day, the recommended and the in-force maintenance fraction as
     * lines, and exactly the days the service counted as exceptions marked.
     */
    @Test
    @Order(9)
    @SuppressWarnings("unchecked")
    void aRecommendationsPolicyReplayIsDrawnAsMarginOverTimeWithItsExceptionsMarked() throws Exception {
        TenantFixture c = TenantFixture.create(servers, "console-c");
        var admin = servers.api(servers.clientToken(c.adminId(), c.adminSecret()));
        admin.contentType("text/csv").body(DemoSeeder.history("BTC", HISTORY_DAYS))
                .put("/api/v1/market/history/BTC").then().statusCode(200);
        String run = admin.post("/api/v1/risk/recommendations/runs").then().statusCode(202).extract().path("id");
        String status = "PENDING";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!status.equals("SUCCEEDED") && !status.equals("FAILED") && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            status = servers.api(servers.clientToken(c.adminId(), c.adminSecret()))
                    .get("/api/v1/risk/recommendations/runs/" + run).then().statusCode(200).extract().path("status");
        }
        assertThat(status).as("recommendation run " + run).isEqualTo("SUCCEEDED");
        var reader = servers.api(servers.clientToken(c.adminId(), c.adminSecret()));
        String proposal = reader.queryParam("status", "OPEN").get("/api/v1/governance/proposals").then()
                .statusCode(200).extract().path("find { it.origin == 'RECOMMENDATION' }.id");
        assertThat(proposal).as("the run's proposal").isNotNull();
        var policy = servers.api(servers.clientToken(c.adminId(), c.adminSecret()))
                .get("/api/v1/governance/proposals/" + proposal).then().statusCode(200).extract().jsonPath()
                .setRootPath("evidence.policyCoverage");
        List<String> dates = policy.getList("series.date", String.class);
        List<Double> recommended = policy.getList("series.recommendedMmf", Double.class);
        List<Boolean> exceptions = policy.getList("series.exception", Boolean.class);
        assertThat(dates).hasSizeGreaterThan(50);
        assertThat(exceptions).as("the replay counted exceptions to mark").contains(true);

        String cora = servers.user("cora", c.id(), "risk-committee");
        try (Browser b = new Browser()) {
            b.signIn(servers.consoleUrl() + "/proposals/" + proposal, cora, ConsoleServers.PASSWORD);
            var canvas = b.waitFor(By.id("series-policyCoverage-series"));
            assertThat(b.driver().findElement(By.id("evidence-charts")).getText()).contains("margin over time");
            Map<String, Object> chart = (Map<String, Object>) b.driver().executeScript("const c = Chart.getChart("
                    + "arguments[0]); return {type: c.config.type, labels: c.data.labels, sets: c.data.datasets.map("
                    + "d => ({label: d.label, data: d.data, radius: d.pointRadius}))};", canvas);
            assertThat(chart.get("type")).isEqualTo("line");
            assertThat((List<String>) chart.get("labels")).containsExactlyElementsOf(dates);
            List<Map<String, Object>> sets = (List<Map<String, Object>>) chart.get("sets");
            assertThat(sets).extracting(set -> set.get("label")).contains("recommendedMmf", "mmfInForce");
            Map<String, Object> drawn = sets.stream().filter(set -> "recommendedMmf".equals(set.get("label")))
                    .findFirst().orElseThrow();
            List<Number> values = (List<Number>) drawn.get("data");
            assertThat(values).hasSameSizeAs(recommended);
            // RestAssured's JsonPath reads JSON numbers as float: equal to about 7 significant digits
            for (int i = 0; i < values.size(); i++) {
                assertThat(values.get(i).doubleValue()).as(dates.get(i)).isCloseTo(recommended.get(i),
                        org.assertj.core.data.Offset.offset(1e-7));
            }
            List<Number> inForce = (List<Number>) sets.stream().filter(set -> "mmfInForce".equals(set.get("label")))
                    .findFirst().orElseThrow().get("data");
            assertThat(inForce).as("the static policy: BTC's MM in force").allSatisfy(v -> assertThat(
                    v.doubleValue()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9)));
            List<Number> radius = (List<Number>) drawn.get("radius");
            for (int i = 0; i < radius.size(); i++) {
                assertThat(radius.get(i).intValue() > 0).as("marked on " + dates.get(i))
                        .isEqualTo(exceptions.get(i));
            }
            b.screenshot("policy-replay", By.id("series-policyCoverage-series"));
        }
    }

    private void approveInBrowser(String member, String proposal, String comment) {
        try (Browser b = new Browser()) {
            b.signIn(servers.consoleUrl() + "/proposals/" + proposal, member, ConsoleServers.PASSWORD);
            b.waitFor(By.id("comment")).sendKeys(comment);
            b.driver().findElement(By.id("approve")).click();
            assertThat(b.waitFor(By.id("done")).getText()).contains("approve");
        }
    }

    private static void fill(Browser browser, String id, String value) {
        var field = browser.waitFor(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private String propose() {
        return servers.api(servers.clientToken(tenantA.adminId(), tenantA.adminSecret()))
                .body(Map.of("asset", "BTC", "changes", Map.of("maintenanceMarginFraction", 0.06),
                        "reason", "console end-to-end test"))
                .post("/api/v1/governance/proposals").then().statusCode(201).extract().path("id");
    }

    private static String envelope(String eventId, String tenantId, String accountId) {
        return """
                {"eventId": "%s", "tenantId": "%s", "type": "LIQUIDATABLE", "aggregateType": "account",
                 "aggregateId": "%s", "occurredAt": "%s",
                 "payload": {"accountId": "%s", "type": "LIQUIDATABLE", "previousStatus": "MARGIN_CALL",
                             "status": "LIQUIDATABLE", "equityUsd": 2000.0, "initialMarginUsd": 6000.0,
                             "maintenanceMarginUsd": 3000.0, "oracleHealth": "HEALTHY", "held": false,
                             "liquidationPlan": [{"instrument": "BTC-PERP", "reduceBy": 0.5}]}}
                """.formatted(eventId, tenantId, accountId, Instant.now(), accountId);
    }

    /**
     * Waits until the console's consumer group has committed, on every partition, the current end of the topic:
     * from then on it reads every new message (its offset reset is "latest").
     */
    private void awaitConsumerAtEndOfTopic() throws Exception {
        try (Admin admin = Admin.create(
                servers.stack().kafka().clientConfig(io.ballast.devstack.KafkaUser.ADMIN))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(
                        List.of(ConsoleServersResource.GROUP)).all().get().get(ConsoleServersResource.GROUP);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        ConsoleServersResource.GROUP).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(ConsoleServers.MARGIN_EVENTS, p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest).all().get();
                boolean caughtUp = !group.members().isEmpty() && ends.entrySet().stream().allMatch(end ->
                        committed.containsKey(end.getKey())
                                && committed.get(end.getKey()).offset() >= end.getValue().offset());
                if (caughtUp) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the console's consumer group never caught up: " + group + " "
                            + committed + " " + ends);
                }
                Thread.sleep(250);
            }
        }
    }
}
