package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.ServiceJvms;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
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
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scale-out and failover of the live loop with the real broker and PostgreSQL: the packaged service
 * ({@code target/quarkus-app}) runs as separate JVMs in one consumer group of {@code ballast.events} (4 partitions).
 *
 * <p>A single instance first runs a tick path on its own tenants (the baseline). Then a second instance joins, the
 * two share new tenants with the same fixture, and the same tick path runs on them; the second instance is killed
 * (SIGKILL, no leaving the group) in the middle of it. The first takes its tenants over (after the session timeout),
 * builds their books and replays the ticks nobody applied. Every tenant must then have exactly the baseline's margin
 * events (types, accounts, sequence numbers): none lost, none duplicated.
 *
 * <p>Run by failsafe after {@code package} ({@code ./mvnw verify}).
 */
class LiveScaleOutIT {

    private static final Duration WAIT = Duration.ofSeconds(180);
    /** The tick path: a fall through margin call and liquidation, then back. */
    private static final List<String> PATH = List.of("58000", "56500", "55000", "54000", "52500", "51500", "50500",
            "52000", "54500", "57000", "59500", "61000");
    /** Collateral (USDT) of the fixture's accounts, each long one perpetual at 60,000 (IM 10 %, MM 5 %). */
    private static final List<Integer> COLLATERAL = List.of(9_000, 10_000, 11_500);

    private static ServiceJvms jvms;

    @BeforeAll
    static void servers() throws Exception {
        jvms = new ServiceJvms(BallastServersResource.servers());
        for (String id : List.of("a", "b")) { // the instances append to their logs; this run reads them
            Files.deleteIfExists(ServiceJvms.log(id));
        }
    }

    @AfterAll
    static void stop() {
        jvms.close();
    }

    /** Starts the packaged service as instance {@code id}; returns its base URL. */
    private static String start(String id) {
        return jvms.start(id, List.of());
    }

    private static void kill(String url) {
        ServiceJvms.kill(url);
    }

    /** A tenant with the fixture on underlying {@code u}; returns its account ids (COLLATERAL order). */
    private static List<String> fixture(Tenant t, String u) {
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
    private static String owner(Tenant t, String account, List<String> urls) throws InterruptedException {
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

    private static io.restassured.specification.RequestSpecification on(
            io.restassured.specification.RequestSpecification spec, String url) {
        return spec.baseUri(url.substring(0, url.lastIndexOf(':')))
                .port(Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)));
    }

    private static void ticks(String u, List<String> prices, long pauseMs) throws Exception {
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            for (String price : prices) {
                KafkaClients.send(p, "ballast.prices", u, new JsonObject().put("source", "feed").put("underlying", u)
                        .put("priceUsd", price).put("sourceTime", Instant.now().toString()).encode());
                Thread.sleep(pauseMs);
            }
        }
    }

    /** Each tenant's margin events as "account-index type seq", in order, and every event id seen. */
    private static Map<String, List<String>> events(Map<Tenant, List<String>> tenants, int expectedPerTenant,
            Set<String> eventIds) {
        Set<String> ids = new HashSet<>();
        tenants.keySet().forEach(t -> ids.add(t.id()));
        List<ConsumerRecord<String, String>> records = KafkaClients.read("ballast.margin-events",
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

    @Test
    void twoInstancesShareTheTenantsAndTheSurvivorTakesOverAKilledOnesWithoutLossOrDuplicate() throws Exception {
        String a = start("a");
        RestAssured.baseURI = a.substring(0, a.lastIndexOf(':'));
        RestAssured.port = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));

        // baseline: one instance, its own tenants and underlying
        String us = "S" + UUID.randomUUID().toString().substring(0, 7).toUpperCase();
        Map<Tenant, List<String>> single = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            Tenant t = TestTenants.onboard("single");
            single.put(t, fixture(t, us));
        }
        for (Map.Entry<Tenant, List<String>> e : single.entrySet()) {
            assertThat(owner(e.getKey(), e.getValue().get(0), List.of(a))).isEqualTo(a);
        }
        ticks(us, PATH, 300);
        Set<String> singleIds = new HashSet<>();
        Map<String, List<String>> baseline = events(single, 1, singleIds);
        List<String> expected = baseline.values().iterator().next();
        assertThat(expected).as("the tick path moves the accounts").hasSizeGreaterThanOrEqualTo(6);
        assertThat(baseline.values()).allSatisfy(l -> assertThat(l).isEqualTo(expected));

        // two instances share new tenants with the same fixture
        String b = start("b");
        // ready is not yet in the group: wait until the second instance has been assigned partitions
        Path logB = ServiceJvms.log("b");
        long joined = System.nanoTime() + WAIT.toNanos();
        while (!java.util.regex.Pattern.compile("owning partitions \\[\\d").matcher(Files.readString(logB)).find()) {
            assertThat(System.nanoTime()).as("instance b joined the group").isLessThan(joined);
            Thread.sleep(500);
        }
        String ud = "D" + UUID.randomUUID().toString().substring(0, 7).toUpperCase();
        Map<Tenant, List<String>> shared = new LinkedHashMap<>();
        Map<Tenant, String> owners = new LinkedHashMap<>();
        for (int i = 0; i < 16 && (i < 6 || !(owners.containsValue(a) && owners.containsValue(b))); i++) {
            Tenant t = TestTenants.onboard("shared");
            shared.put(t, fixture(t, ud));
            owners.put(t, owner(t, shared.get(t).get(0), List.of(a, b)));
        }
        assertThat(owners.values()).as("both instances own tenants").contains(a, b);

        // the same path; the second instance dies in the middle of it
        ticks(ud, PATH.subList(0, 5), 300);
        kill(b);
        ticks(ud, PATH.subList(5, PATH.size()), 1_500);
        Set<String> sharedIds = new HashSet<>();
        Map<String, List<String>> after = events(shared, expected.size(), sharedIds);
        for (Map.Entry<Tenant, String> e : owners.entrySet()) {
            assertThat(after.get(e.getKey().id())).as("events of tenant %s (owned by %s)", e.getKey().id(),
                    e.getValue().equals(a) ? "the survivor" : "the killed instance").isEqualTo(expected);
        }
        assertThat(sharedIds).as("distinct event ids").hasSize(expected.size() * shared.size());
        for (Map.Entry<Tenant, String> e : owners.entrySet()) {
            assertThat(owner(e.getKey(), shared.get(e.getKey()).get(0), List.of(a))).isEqualTo(a);
        }
    }
}
