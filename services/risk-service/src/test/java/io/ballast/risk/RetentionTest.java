package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.messaging.Retention;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.OwnerSql;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Retention: published outbox rows older than {@code ballast.retention.published-outbox} and idempotency records
 * older than {@code ballast.retention.idempotency-records} are deleted; unpublished and recent rows stay.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class RetentionTest {

    @Inject
    Retention retention;

    @Test
    void publishedOutboxRowsAndIdempotencyRecordsPastTheirRetentionAreDeletedAndNothingElse() throws Exception {
        Tenant t = TestTenants.onboard("retain");
        TestTenants.asset(t, "USDT");
        String a = TestTenants.account(t, "0xRET");
        t.asIntegrator().header("Idempotency-Key", "ret-1").body(Map.of("asset", "USDT", "amount", "1"))
                .post("/api/v1/accounts/" + a + "/deposits").then().statusCode(201);
        UUID tenant = UUID.fromString(t.id());
        awaitPublished(tenant);
        long old = count("select count(*) from outbox_event where tenant_id = ?", tenant);
        assertThat(old).isPositive();
        // age every row of the tenant past its retention, then write one more event and one more key
        OwnerSql.execute("update outbox_event set published_at = now() - interval '8 days' where tenant_id = ?",
                tenant);
        OwnerSql.execute("update idempotency_record set created_at = now() - interval '2 days' where tenant_id = ?",
                tenant);
        t.asIntegrator().header("Idempotency-Key", "ret-2").body(Map.of("asset", "USDT", "amount", "2"))
                .post("/api/v1/accounts/" + a + "/deposits").then().statusCode(201);

        Retention.Removed removed = retention.removeExpired(OffsetDateTime.now(ZoneOffset.UTC)).await()
                .atMost(Duration.ofMinutes(1));

        assertThat(removed.outboxRows()).isGreaterThanOrEqualTo(old);
        assertThat(removed.idempotencyRecords()).isGreaterThanOrEqualTo(1);
        assertThat(count("select count(*) from outbox_event where tenant_id = ?", tenant))
                .as("the new deposit's event stays").isEqualTo(1);
        assertThat(count("select count(*) from idempotency_record where tenant_id = ?", tenant)).isEqualTo(1);
        // the expired key is free again: a different request under it is a new request, not a 422
        t.asIntegrator().header("Idempotency-Key", "ret-1").body(Map.of("asset", "USDT", "amount", "3"))
                .post("/api/v1/accounts/" + a + "/deposits").then().statusCode(201)
                .header("Idempotent-Replayed", "false");
        // the key kept is still answered from its record
        t.asIntegrator().header("Idempotency-Key", "ret-2").body(Map.of("asset", "USDT", "amount", "2"))
                .post("/api/v1/accounts/" + a + "/deposits").then().statusCode(201)
                .header("Idempotent-Replayed", "true");
    }

    /** Waits until every row of the tenant is published (at most a minute). */
    private static void awaitPublished(UUID tenant) throws Exception {
        OwnerSql.awaitZero("select count(*) from outbox_event where tenant_id = ? and published_at is null", tenant,
                "the tenant's outbox rows were not published");
    }

    private static long count(String sql, UUID tenant) throws SQLException {
        return OwnerSql.count(sql, tenant);
    }
}
