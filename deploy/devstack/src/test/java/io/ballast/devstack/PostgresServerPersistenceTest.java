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

/** The launcher's PostgreSQL keeps its data across restarts on a fixed port. */
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

    private static void execute(PostgresServer pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
