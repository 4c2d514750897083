package io.ballast.risk.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.devstack.ChildProcess;
import io.ballast.devstack.DevStack;
import io.ballast.devstack.KafkaUser;
import io.ballast.devstack.Ports;
import io.ballast.devstack.ProjectRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The packaged service ({@code target/quarkus-app}) as separate JVMs for failsafe ITs: started against the test
 * servers, killed with SIGKILL, closed at the end. Each instance logs to
 * {@code target/it-servers/risk-service-<id>.log} (appended).
 */
public final class ServiceJvms implements AutoCloseable {

    private final DevStack stack;
    private final List<ChildProcess> started = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();

    /**
     * JVMs against these servers; creates {@code ballast.events} with 4 partitions unless it exists (the ITs of one
     * failsafe JVM share the broker, and ownership needs the partitions before the first instance makes the topic).
     *
     * @param stack the test servers
     * @throws Exception when the topic cannot be made
     */
    public ServiceJvms(DevStack stack) throws Exception {
        this.stack = stack;
        try (Admin admin = Admin.create(stack.kafka().clientConfig(KafkaUser.ADMIN))) {
            admin.createTopics(List.of(new NewTopic("ballast.events", 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** @return the log file of instance {@code id} */
    public static Path log(String id) {
        return serversDir().resolve("risk-service-" + id + ".log");
    }

    /** @return where the instances' logs and {@link #diagnose}'s file go */
    private static Path serversDir() {
        return ProjectRoot.locate().resolve("services/risk-service/target/it-servers");
    }

    /**
     * The service JVMs started with a command-line argument: those without children (the others are the launcher's
     * wrapper around them).
     */
    private static List<ProcessHandle> jvmsWith(String argument) {
        return ProcessHandle.current().descendants().filter(h -> h.children().findAny().isEmpty()
                && h.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false)).toList();
    }

    /**
     * Starts the packaged service as instance {@code id} and waits until it is ready.
     *
     * @param id    instance id ({@code ballast.instance-id})
     * @param extra further {@code -D} options
     * @return its base URL
     */
    public String start(String id, List<String> extra) {
        Path root = ProjectRoot.locate();
        Path jar = root.resolve("services/risk-service/target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("packaged service (failsafe runs after package)").exists();
        int port = Ports.free();
        String url = "http://" + Ports.LOOPBACK + ":" + port;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m"));
        stack.quarkusConfig().forEach((k, v) -> {
            if (!k.startsWith("ballast.test.")) {
                command.add("-D" + k + "=" + v);
            }
        });
        command.addAll(List.of("-Dballast.instance-id=" + id, "-Dquarkus.http.host=" + Ports.LOOPBACK,
                "-Dquarkus.http.port=" + port,
                "-Dmp.messaging.incoming.ballast-owned-events.session.timeout.ms=8000",
                "-Dmp.messaging.incoming.ballast-owned-events.heartbeat.interval.ms=1000"));
        command.addAll(extra);
        command.addAll(List.of("-jar", jar.toString()));
        ChildProcess p = ChildProcess.start("risk-service-" + id, command, root, Map.of(), log(id));
        started.add(p);
        ids.add(id);
        p.awaitReady("instance " + id + " ready", Duration.ofSeconds(240), () -> answers(url + "/q/health/ready"));
        return url;
    }

    private static boolean answers(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Kills the JVM serving on a URL with SIGKILL (no shutdown hook, nothing flushed; it leaves the consumer group
     * only by timing out) and waits until it is gone.
     *
     * @param url its base URL
     */
    public static void kill(String url) {
        String port = url.substring(url.lastIndexOf(':') + 1);
        List<ProcessHandle> service = jvmsWith("-Dquarkus.http.port=" + port);
        assertThat(service).as("the JVM of " + url).hasSize(1);
        service.get(0).destroyForcibly();
        service.get(0).onExit().join();
    }

    /**
     * What a failed test leaves for its reader, taken before the instances stop: a thread dump of every instance still
     * running (SIGQUIT: the JVM writes it to its own log) and PostgreSQL's sessions and ungranted locks, appended to
     * {@code target/it-servers/diagnosis.txt}. A test that waits in vain for the service (a stalled stream, a lock
     * wait) then says where it stood.
     *
     * @param why what failed
     */
    public void diagnose(String why) {
        Path file = serversDir().resolve("diagnosis.txt");
        StringBuilder out = new StringBuilder("=== " + java.time.Instant.now() + " " + why + "\n");
        for (String id : ids) {
            for (ProcessHandle h : jvmsWith("-Dballast.instance-id=" + id)) {
                try {
                    int rc = new ProcessBuilder("kill", "-QUIT", String.valueOf(h.pid())).start().waitFor();
                    out.append("thread dump of instance ").append(id).append(" (pid ").append(h.pid())
                            .append(rc == 0 ? ") written to its log\n" : ") not taken: kill said " + rc + "\n");
                } catch (Exception e) {
                    out.append("thread dump of instance ").append(id).append(": ").append(e).append('\n');
                }
            }
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(stack.postgres().jdbcUrl(),
                io.ballast.devstack.PostgresServer.USER, io.ballast.devstack.PostgresServer.PASSWORD);
                java.sql.Statement st = c.createStatement()) {
            table(st, out, "sessions", "select pid, usename, client_port, state, wait_event_type, wait_event, "
                    + "xact_start, state_change, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as query "
                    + "from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() "
                    + "order by xact_start nulls last");
            table(st, out, "locks not granted", "select l.pid, l.locktype, l.relation::regclass as relation, l.mode, "
                    + "pg_blocking_pids(l.pid) as blocked_by from pg_locks l where not l.granted");
        } catch (Exception e) {
            out.append("PostgreSQL not read: ").append(e).append('\n');
        }
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, out, java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            System.err.println(out);
        }
    }

    private static void table(java.sql.Statement st, StringBuilder out, String title, String sql)
            throws java.sql.SQLException {
        out.append("--- ").append(title).append('\n');
        try (java.sql.ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    out.append(i == 1 ? "" : " | ").append(rs.getMetaData().getColumnLabel(i)).append('=')
                            .append(rs.getString(i));
                }
                out.append('\n');
            }
        }
    }

    /**
     * A JUnit extension that runs {@link #diagnose} when a test fails, before {@code @AfterAll} stops the instances.
     *
     * @param jvms the test class's instances (read when a test fails)
     * @return the extension, for a static {@code @RegisterExtension} field
     */
    public static org.junit.jupiter.api.extension.TestWatcher diagnoseOnFailure(
            java.util.function.Supplier<ServiceJvms> jvms) {
        return new org.junit.jupiter.api.extension.TestWatcher() {
            @Override
            public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
                ServiceJvms j = jvms.get();
                if (j != null) {
                    j.diagnose(context.getDisplayName() + ": " + cause);
                }
            }
        };
    }

    /** Stops every instance started. */
    @Override
    public void close() {
        started.forEach(ChildProcess::close);
    }
}
