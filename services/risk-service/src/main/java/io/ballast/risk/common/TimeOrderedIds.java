package io.ballast.risk.common;

import java.util.UUID;
import org.hibernate.id.uuid.UuidVersion7Strategy;

/**
 * Ids for rows of an append-only history written at a high rate ({@code market_price}: a row per tenant, asset and
 * price batch): UUID version 7 (RFC 9562), whose leading bits are the time, from Hibernate's generator. A random
 * (version 4) id lands on a random leaf of the primary key's index, so at millions of rows each insert reads a page
 * the buffer cache no longer holds; a time-ordered id lands on the index's last page, which stays in the cache.
 * Ids stay unique and opaque to callers; ordering by them follows the time they were made, within a millisecond.
 */
public final class TimeOrderedIds {

    private TimeOrderedIds() {
    }

    /** @return a new version-7 UUID */
    public static UUID next() {
        // the generator's state is an atomic reference; its session parameter is not used
        return UuidVersion7Strategy.INSTANCE.generateUuid(null);
    }
}
