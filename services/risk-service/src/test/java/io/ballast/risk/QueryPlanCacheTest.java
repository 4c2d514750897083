package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.stat.QueryStatistics;
import org.junit.jupiter.api.Test;

/**
 * Hibernate's query plan cache and the statement that runs in every tenant-bound transaction.
 * Hibernate Reactive (3.2) never finds a native select's plan in the cache again (its result mapping is wrapped anew
 * at each execution, in a class without {@code equals}) and adds one more entry of the same hash each time, which every
 * later lookup of that statement walks. So the hot statements are not native selects with a plain parameter: the
 * tenant binding runs as an update (the price batch, which had the same workaround, now runs on the SQL client).
 * Read from Hibernate's own per-statement statistics (on in tests only).
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class QueryPlanCacheTest {

    @Inject
    Mutiny.SessionFactory sessions;

    @Test
    void aNativeSelectMissesTheCacheAtEachExecutionTheWorkaroundsReason() throws Throwable {
        String canary = "select 'query plan cache canary' as c";
        for (int i = 0; i < 3; i++) {
            VertxContextSupport.subscribeAndAwait(() -> sessions.withSession(s -> s.createNativeQuery(canary,
                    String.class).getSingleResult()));
        }
        QueryStatistics q = sessions.getStatistics().getQueryStatistics(canary);
        // when Hibernate Reactive fixes this, this fails: the tenant binding can then run as a select
        assertThat(q.getPlanCacheMissCount()).as("misses").isEqualTo(3);
        assertThat(q.getPlanCacheHitCount()).as("hits").isZero();
    }
}
