package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.messaging.OutboxRelay;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.OwnerSql;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay: one active relay at a time across instances (the holder of an advisory lock), so a tenant's
 * events leave in commit order however many instances run; a row that cannot be published is parked with its reason
 * and the rows behind it are published.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OutboxRelayLockTest {

    /** While another session (standing in for another instance's relay) holds the lock, this instance sends nothing. */
    @Test
    void whileAnotherInstanceHoldsTheRelayLockThisOneSendsNothingAndAfterwardsEverything() throws Exception {
        Tenant t = TestTenants.onboard("relay-lock");
        UUID tenant = UUID.fromString(t.id());
        awaitPublished(tenant);
        try (Connection other = OwnerSql.connection()) {
            try (PreparedStatement s = other.prepareStatement("select pg_advisory_lock(?)")) {
                s.setLong(1, OutboxRelay.RELAY_LOCK);
                s.executeQuery().close();
            }
            TestTenants.asset(t, "USDT");
            String a = TestTenants.account(t, "0xLOCK");
            t.asIntegrator().body(Map.of("asset", "USDT", "amount", "1", "externalRef", TestTenants.ref()))
                    .post("/api/v1/accounts/" + a + "/deposits")
                    .then().statusCode(201);
            // several relay passes (every second, and one after each commit) run meanwhile
            Thread.sleep(4000);
            assertThat(count("select count(*) from outbox_event where tenant_id = ? and published_at is null",
                    tenant)).as("rows left unpublished while the lock is held elsewhere").isPositive();
            try (PreparedStatement s = other.prepareStatement("select pg_advisory_unlock(?)")) {
                s.setLong(1, OutboxRelay.RELAY_LOCK);
                s.executeQuery().close();
            }
        }
        awaitPublished(tenant);
    }

    /** A payload that is not JSON is parked with the reason; the events behind it are published. */
    @Test
    void aPayloadThatCannotBePublishedIsParkedWithItsReasonAndTheRowsBehindItAreStillPublished() throws Exception {
        Tenant t = TestTenants.onboard("relay-poison");
        UUID tenant = UUID.fromString(t.id());
        long poison;
        try (Connection c = OwnerSql.connection(); PreparedStatement s = c.prepareStatement(
                "insert into outbox_event (tenant_id, "
                + "aggregate_type, aggregate_id, event_type, payload, topic) values (?, 'tenant', ?, 'Poison', "
                + "'not json {', 'ballast.events') returning id")) {
            s.setObject(1, tenant);
            s.setString(2, t.id());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                poison = r.getLong(1);
            }
        }
        TestTenants.asset(t, "USDT");
        awaitPublished(tenant);
        try (Connection c = OwnerSql.connection(); PreparedStatement s = c.prepareStatement(
                "select parked_at is not null, published_at is null, parked_reason from outbox_event where id = ?")) {
            s.setLong(1, poison);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertThat(r.getBoolean(1)).as("parked").isTrue();
                assertThat(r.getBoolean(2)).as("not marked published").isTrue();
                assertThat(r.getString(3)).contains("DecodeException");
            }
        }
        assertThat(count("select count(*) from outbox_event where tenant_id = ? and published_at is not null",
                tenant)).as("the rows behind the parked one").isGreaterThanOrEqualTo(2);
    }

    /** Waits until every row of the tenant is published or parked (at most a minute). */
    private static void awaitPublished(UUID tenant) throws Exception {
        OwnerSql.awaitZero("select count(*) from outbox_event where tenant_id = ? and published_at is null "
                + "and parked_at is null", tenant, "the tenant's outbox rows were not published");
    }

    private static long count(String sql, UUID tenant) throws SQLException {
        return OwnerSql.count(sql, tenant);
    }
}
