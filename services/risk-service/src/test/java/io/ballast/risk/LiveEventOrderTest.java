package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.OwnerSql;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Outbox ids are taken when a transaction writes its event and become visible when it commits, so a tenant's change
 * events can reach the hot book out of id order: a transaction that took id 9 may commit after the one that took
 * id 10 was published and applied. The book must still apply the late one (its change would otherwise be missing
 * from the hot book while the book claims to be caught up).
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class LiveEventOrderTest {

    @Test
    void anAccountEventCommittedAfterALaterIdIsStillApplied() throws Exception {
        Tenant t = TestTenants.onboard("live-order");
        String u = "O" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String a = LiveMarginKafkaTest.fixture(t, u);
        JsonPath before = LiveMarginKafkaTest.awaitHotMargin(t, a, "HEALTHY");
        assertThat(before.getString("answeredFrom")).isEqualTo("hot-book");
        assertThat(before.getDouble("maintenanceMarginUsd")).isCloseTo(3_000, within(1e-6));

        // a transaction takes its outbox id now ...
        long early = nextOutboxId();
        // ... another one takes a later id, commits, is published and applied (the book's mark passes `early`)
        String b = TestTenants.account(t, "0xLATER");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "5000", "externalRef", "tx-later"))
                .post("/api/v1/accounts/" + b + "/deposits").then().statusCode(201);
        awaitHot(t, b);
        // ... and only then does the first commit: account a's position doubles, with its event under the early id
        try (Connection c = OwnerSql.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("update position set quantity = 2 where tenant_id = ? "
                    + "and account_id = ?")) {
                s.setObject(1, UUID.fromString(t.id()));
                s.setObject(2, UUID.fromString(a));
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement s = c.prepareStatement("insert into outbox_event (id, tenant_id, aggregate_type, "
                    + "aggregate_id, event_type, payload, topic) values (?, ?, 'account', ?, 'PositionChanged', "
                    + "'{}', 'ballast.events')")) {
                s.setLong(1, early);
                s.setObject(2, UUID.fromString(t.id()));
                s.setString(3, a);
                s.executeUpdate();
            }
            c.commit();
        }

        JsonPath db = LiveMarginKafkaTest.margin(t, a, "?from=database");
        assertThat(db.getDouble("maintenanceMarginUsd")).isCloseTo(6_000, within(1e-6));
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonPath hot = LiveMarginKafkaTest.margin(t, a, "");
        while (System.nanoTime() < deadline && !("hot-book".equals(hot.getString("answeredFrom"))
                && Math.abs(hot.getDouble("maintenanceMarginUsd") - 6_000) < 1e-6)) {
            Thread.sleep(200);
            hot = LiveMarginKafkaTest.margin(t, a, "");
        }
        assertThat(hot.getString("answeredFrom")).isEqualTo("hot-book");
        assertThat(hot.getDouble("maintenanceMarginUsd")).as("the late event's change is in the hot book")
                .isCloseTo(6_000, within(1e-6));
    }

    private static long nextOutboxId() throws Exception {
        try (Connection c = OwnerSql.connection(); PreparedStatement s = c.prepareStatement(
                "select nextval(pg_get_serial_sequence('outbox_event', 'id'))"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Waits until the account's margin is answered from the hot book with its deposit in it. */
    private static void awaitHot(Tenant t, String account) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonPath m = LiveMarginKafkaTest.margin(t, account, "");
            if ("hot-book".equals(m.getString("answeredFrom")) && m.getDouble("equityUsd") > 4_999) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the later deposit did not reach the hot book within a minute");
    }
}
