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
        return ProjectRoot.locate().resolve("services/risk-service/target/it-servers/risk-service-" + id + ".log");
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
        List<ProcessHandle> jvms = ProcessHandle.current().descendants().filter(h -> h.info().arguments()
                .map(a -> List.of(a).contains("-Dquarkus.http.port=" + port)).orElse(false)).toList();
        // the service JVM is the one without children (the others are the launcher's wrapper around it)
        List<ProcessHandle> service = jvms.stream().filter(h -> h.children().findAny().isEmpty()).toList();
        assertThat(service).as("the JVM of " + url).hasSize(1);
        service.get(0).destroyForcibly();
        service.get(0).onExit().join();
    }

    /** Stops every instance started. */
    @Override
    public void close() {
        started.forEach(ChildProcess::close);
    }
}
