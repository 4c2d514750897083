package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's PostgreSQL keeps its data across restarts on a fixed port, and hands objects of an older data
 * directory (owned by the superuser) over to the owner role.
 */
class PostgresServerPersistenceTest {

    @TempDir
    Path state;

    @Test
    void aRestartOnTheSameDataDirectoryKeepsRows() throws Exception {
        int port = Ports.free();
        Path data = state.resolve("postgres");
        Path log = state.resolve("postgres.log");
        try (PostgresServer first = PostgresServer.startPersistent(data, port, log)) {
            assertThat(first.port()).isEqualTo(port);
            execute(first, "create table kept (v int); insert into kept values (42)");
        }
        assertThat(Ports.isFree(port)).as("port released after close").isTrue();
        assertThat(data.resolve("postgresql.conf")).exists();
        try (PostgresServer second = PostgresServer.startPersistent(data, port, log);
                Connection c = DriverManager.getConnection(second.jdbcUrl(), second.user(), second.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        assertThat(Files.size(log)).isPositive();
    }

    @Test
    void aTableTheSuperuserCreatedIsHandedToTheOwnerRoleAndTheApplicationRoleCannotCreateTables() throws Exception {
        int port = Ports.free();
        Path data = state.resolve("postgres");
        Path log = state.resolve("postgres.log");
        try (PostgresServer first = PostgresServer.startPersistent(data, port, log)) {
            execute(first, "create table older (v int)");
        }
        try (PostgresServer second = PostgresServer.startPersistent(data, port, log);
                Connection c = DriverManager.getConnection(second.jdbcUrl(), second.user(), second.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_get_userbyid(relowner), (select rolsuper or rolbypassrls "
                        + "from pg_roles where rolname = 'ballast_app'), has_schema_privilege('ballast_app', "
                        + "'public', 'create') from pg_class where relname = 'older'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(PostgresServer.OWNER_USER);
            assertThat(rs.getBoolean(2)).as("application role is superuser or bypasses RLS").isFalse();
            assertThat(rs.getBoolean(3)).as("application role may create in public").isFalse();
        }
    }

    private static void execute(PostgresServer pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
