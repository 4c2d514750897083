package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.devstack.PostgresServer;
import io.ballast.risk.support.BallastServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service connects as the application role and holds data rights only (docs/security.md "Database roles"):
 * it owns nothing, cannot create, drop or alter objects, cannot disable a trigger, and cannot UPDATE, DELETE or
 * TRUNCATE an append-only table (permission denied by the grants, before the refusing trigger is reached). The
 * append-only tables are found in the catalog by their refusing trigger, so a new one is checked too.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class DatabaseRolesTest {

    /** SQLSTATE insufficient_privilege: "permission denied" and "must be owner". */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Inject
    Pool pool;

    @Test
    void theServiceConnectsAsTheApplicationRoleWhichIsNoSuperuserOwnsNothingAndCannotCreateTables() {
        Row me = pool.query("select current_user, r.rolsuper, r.rolbypassrls, r.rolcreaterole, "
                + "has_schema_privilege('public', 'create') as can_create, "
                + "(select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                + "where n.nspname = 'public' and c.relowner = r.oid) as owned "
                + "from pg_roles r where r.rolname = current_user").execute().await().indefinitely().iterator().next();
        assertThat(me.getString("current_user")).isEqualTo(PostgresServer.APP_USER);
        assertThat(me.getBoolean("rolsuper")).isFalse();
        assertThat(me.getBoolean("rolbypassrls")).isFalse();
        assertThat(me.getBoolean("rolcreaterole")).isFalse();
        assertThat(me.getBoolean("can_create")).isFalse();
        assertThat(me.getLong("owned")).isZero();
        assertThat(sqlState("create table intruder (v int)")).isEqualTo(INSUFFICIENT_PRIVILEGE);
        assertThat(sqlState("alter table account add column intruder int")).isEqualTo(INSUFFICIENT_PRIVILEGE);
        assertThat(sqlState("drop table governance_audit")).isEqualTo(INSUFFICIENT_PRIVILEGE);
    }

    @Test
    void everyAppendOnlyTableRefusesUpdateDeleteAndTruncateByGrantAndItsTriggerCannotBeDroppedOrDisabled() {
        List<String> tables = new ArrayList<>();
        List<String> triggers = new ArrayList<>();
        pool.query("select c.relname, g.tgname from pg_trigger g join pg_class c on c.oid = g.tgrelid "
                + "join pg_namespace n on n.oid = c.relnamespace join pg_proc p on p.oid = g.tgfoid "
                + "where n.nspname = 'public' and not g.tgisinternal and p.proname like '%\\_is\\_append\\_only' "
                + "order by 1, 2").execute().await().indefinitely().forEach(r -> {
                    if (!tables.contains(r.getString(0))) {
                        tables.add(r.getString(0));
                    }
                    triggers.add(r.getString(1) + " on " + r.getString(0));
                });
        assertThat(tables).contains("governance_audit", "ledger_entry", "market_price", "oracle_config",
                "margin_recommendation", "forecast_model", "vol_forecast");
        for (String table : tables) {
            for (String privilege : List.of("UPDATE", "DELETE", "TRUNCATE")) {
                assertThat(pool.query("select has_table_privilege('" + table + "', '" + privilege + "')").execute()
                        .await().indefinitely().iterator().next().getBoolean(0))
                        .as("%s on %s", privilege, table).isFalse();
            }
            assertThat(sqlState("delete from " + table)).as("delete from %s", table)
                    .isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertThat(sqlState("truncate " + table)).as("truncate %s", table).isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertThat(sqlState("alter table " + table + " disable trigger all")).as("disable triggers of %s", table)
                    .isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
        for (String sql : List.of("update governance_audit set reason = 'rewritten'",
                "update ledger_entry set amount = amount * 2", "delete from ledger_entry")) {
            assertThat(sqlState(sql)).as(sql).isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
        for (String trigger : triggers) {
            assertThat(sqlState("drop trigger " + trigger)).as("drop trigger %s", trigger)
                    .isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void theTriggerStillRefusesTheOwnerWhoseGrantsWouldAllowTheChange() throws SQLException {
        PostgresServer pg = BallastServersResource.servers().postgres();
        try (Connection owner = DriverManager.getConnection(pg.jdbcUrl(), pg.ownerUser(), pg.ownerPassword());
                Statement s = owner.createStatement()) {
            for (String sql : List.of("update governance_audit set reason = 'rewritten'",
                    "delete from governance_audit", "truncate governance_audit")) {
                // the trigger fires per row: give it one row to refuse in a transaction rolled back afterwards
                owner.setAutoCommit(false);
                try {
                    s.execute("insert into tenant (id, name, slug, status, integrator_client_id, admin_client_id) "
                            + "values ('00000000-0000-0000-0000-0000000000aa', 'owner probe', 'owner-probe', "
                            + "'ACTIVE', 'x', 'y')");
                    s.execute("insert into governance_audit (tenant_id, action, actor_subject) "
                            + "values ('00000000-0000-0000-0000-0000000000aa', 'PROBE', 'owner')");
                    assertThatThrownBy(() -> s.execute(sql)).isInstanceOf(SQLException.class)
                            .hasMessageContaining("append-only");
                } finally {
                    owner.rollback();
                    owner.setAutoCommit(true);
                }
            }
        }
    }

    private String sqlState(String sql) {
        return pool.query(sql).execute().onItem().transform(x -> "none").onFailure(PgException.class)
                .recoverWithItem(e -> ((PgException) e).getSqlState()).await().indefinitely();
    }
}
