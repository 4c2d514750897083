package io.ballast.risk.support;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Risk settings rows written straight to PostgreSQL, for tests that need a version no API call writes directly. */
public final class SettingsRows {

    private SettingsRows() {
    }

    /**
     * Writes an underlying's own settings version 1 (scope ASSET, source MANUAL, actor {@code test}): a copy of the
     * tenant's version 1 with some columns changed.
     *
     * @param pool    the service's pool (the row goes in under the tenant's row-level security)
     * @param tenant  the tenant
     * @param assetId the underlying
     * @param columns column name to new value, e.g. {@code exception_trigger -> false}
     */
    public static void assetVersion(Pool pool, TenantId tenant, UUID assetId, Map<String, Object> columns) {
        RowSecurity.query(pool, tenant, "insert into risk_settings select (jsonb_populate_record(r, "
                        + "jsonb_build_object('id', gen_random_uuid(), 'scope', 'ASSET', 'target_id', $2::uuid, "
                        + "'version', 1, 'source', 'MANUAL', 'actor', 'test') || $3::text::jsonb)).* from risk_settings r "
                        + "where r.tenant_id = $1 and r.scope = 'TENANT' and r.version = 1",
                        Tuple.of(tenant.value(), assetId, new JsonObject(Map.copyOf(columns)).encode()))
                .await().atMost(Duration.ofSeconds(30));
    }
}
