package io.ballast.risk.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.devstack.ChildProcess;
import io.ballast.devstack.DevStack;
import io.ballast.devstack.KafkaBroker;
import io.ballast.devstack.Ports;
import io.ballast.devstack.ProjectRoot;
import io.ballast.risk.support.TestTenants.Tenant;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The packaged risk service ({@code target/quarkus-app}) run as separate JVMs against a stack, and the live-loop
 * fixture the failover and fault tests share: accounts long one perpetual, a tick path through margin call and
 * liquidation and back, and the margin events it produces per tenant. Close it to stop the instances.
 */
public final class LiveRun implements AutoCloseable {

    /** How long a test waits for an instance, an owner or the events. */
    public static final Duration WAIT = Duration.ofSeconds(180);
    /** The tick path: a fall through margin call and liquidation, then back. */
    public static final List<String> PATH = List.of("58000", "56500", "55000", "54000", "52500", "51500", "50500",
            "52000", "54500", "57000", "59500", "61000");
    /** Collateral (USDT) of the fixture's accounts, each long one perpetual at 60,000 (IM 10 %, MM 5 %). */
    public static final List<Integer> COLLATERAL = List.of(9_000, 10_000, 11_500);

    private final DevStack stack;
    private final String logPrefix;
    private final List<ChildProcess> instances = new ArrayList<>();

    /**
     * @param stack     the servers the instances use
     * @param logPrefix file name prefix of the instances' logs under {@code services/risk-service/target/it-servers}
     */
    public LiveRun(DevStack stack, String logPrefix) {
        this.stack = stack;
        this.logPrefix = logPrefix;
    }

    /** The log file of instance {@code id}. */
    public Path log(String id) {
        return ProjectRoot.locate().resolve("services/risk-service/target/it-servers/" + logPrefix + id + ".log");
    }

    /**
     * Starts the packaged service as instance {@code id} (its log deleted first) and waits until it is ready.
     *
     * @param id instance id ({@code ballast.instance-id})
     * @return its base URL
     */
    public String start(String id) throws java.io.IOException {
        Path root = ProjectRoot.locate();
        Path jar = root.resolve("services/risk-service/target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("packaged service (failsafe runs after package)").exists();
        Files.deleteIfExists(log(id));
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
                "-Dmp.messaging.incoming.ballast-owned-events.heartbeat.interval.ms=1000",
                "-jar", jar.toString()));
        ChildProcess p = ChildProcess.start(logPrefix + id, command, root, Map.of(), log(id));
        instances.add(p);
        p.awaitReady("instance " + id + " ready", Duration.ofSeconds(240), () -> answers(url + "/q/health/ready"));
        return url;
    }

    /** Points RestAssured's default requests at an instance. */
    public static void aimAt(String url) {
        io.restassured.RestAssured.baseURI = url.substring(0, url.lastIndexOf(':'));
        io.restassured.RestAssured.port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }

    /** A fresh underlying symbol: the prefix and 7 random characters, upper case. */
    public static String underlying(String prefix) {
        return prefix + java.util.UUID.randomUUID().toString().substring(0, 7).toUpperCase();
    }

    /** Whether a URL answers 200. */
    public static boolean answers(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Kills the JVM serving on a URL with SIGKILL: it leaves the consumer group only by timing out. */
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
        instances.forEach(ChildProcess::close);
    }

    /** A tenant with the fixture on underlying {@code u}; returns its account ids (COLLATERAL order). */
    public static List<String> fixture(Tenant t, String u) {
        String usdt = TestTenants.asset(t, "USDT");
        String asset = TestTenants.asset(t, u);
        String perp = TestTenants.perpetual(t, u + "-PERP", u, "USDT");
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", asset, "0.1", "0.05", "0.1");
        TestTenants.riskParameters(t, "instruments", perp, "0.1", "0.05", "0");
        TestTenants.prices(t, Map.of("USDT", 1, u, new Object[] {60000, 0.5}));
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < COLLATERAL.size(); i++) {
            String a = TestTenants.account(t, "0xSCALE" + i);
            t.asIntegrator().body(Map.of("asset", "USDT", "amount", String.valueOf(COLLATERAL.get(i))))
                    .post("/api/v1/accounts/" + a + "/deposits").then().statusCode(201);
            t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "60000"))
                    .put("/api/v1/accounts/" + a + "/positions/" + u + "-PERP").then().statusCode(200);
            accounts.add(a);
        }
        return accounts;
    }

    /** Which of the instances answers the tenant's margin from its hot book (waits until one does). */
    public static String owner(Tenant t, String account, List<String> urls) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String url : urls) {
                String from = on(t.asIntegrator(), url).get("/api/v1/accounts/" + account + "/margin").then()
                        .statusCode(200).extract().path("answeredFrom");
                if ("hot-book".equals(from)) {
                    return url;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no instance holds the hot book of tenant " + t.id());
    }

    /** A request specification aimed at one instance. */
    public static RequestSpecification on(RequestSpecification spec, String url) {
        return spec.baseUri(url.substring(0, url.lastIndexOf(':')))
                .port(Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)));
    }

    /** Publishes ticks of the feed for underlying {@code u}, each acknowledged by the broker, with a pause after. */
    public static void ticks(KafkaBroker broker, String u, List<String> prices, long pauseMs) throws Exception {
        try (KafkaProducer<String, String> p = KafkaClients.producer(broker)) {
            for (String price : prices) {
                KafkaClients.send(p, "ballast.prices", u, tick(u, price));
                Thread.sleep(pauseMs);
            }
        }
    }

    /** One tick of source {@code feed}, dated now. */
    public static String tick(String u, String price) {
        return new JsonObject().put("source", "feed").put("underlying", u).put("priceUsd", price)
                .put("sourceTime", Instant.now().toString()).encode();
    }

    /** Each tenant's margin events as "account-index type seq", in order, and every event id seen. */
    public static Map<String, List<String>> events(KafkaBroker broker, Map<Tenant, List<String>> tenants,
            int expectedPerTenant, Set<String> eventIds) {
        Set<String> ids = new HashSet<>();
        tenants.keySet().forEach(t -> ids.add(t.id()));
        List<ConsumerRecord<String, String>> records = KafkaClients.read(broker, "ballast.margin-events",
                r -> ids.contains(r.key()), rs -> rs.size() >= expectedPerTenant * tenants.size(), WAIT,
                Duration.ofSeconds(10));
        Map<String, List<String>> out = new LinkedHashMap<>();
        tenants.forEach((t, accounts) -> out.put(t.id(), new ArrayList<>()));
        for (ConsumerRecord<String, String> r : records) {
            JsonObject e = new JsonObject(r.value());
            JsonObject p = e.getJsonObject("payload");
            Tenant t = tenants.keySet().stream().filter(x -> x.id().equals(r.key())).findFirst().orElseThrow();
            out.get(t.id()).add(tenants.get(t).indexOf(p.getString("accountId")) + " " + e.getString("type") + " "
                    + p.getLong("seq"));
            eventIds.add(String.valueOf(e.getValue("eventId")));
        }
        return out;
    }
}
