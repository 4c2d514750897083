package io.ballast.risk.support;

import io.ballast.devstack.KafkaBroker;
import io.ballast.risk.support.TestTenants.Tenant;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The live-loop fixture the failover and fault tests share (the instances are {@link ServiceJvms}): accounts long
 * one perpetual, a tick path through margin call and liquidation and back, and the margin events it produces per
 * tenant.
 */
public final class LiveRun {

    /** How long a test waits for an instance, an owner or the events. */
    public static final Duration WAIT = Duration.ofSeconds(180);
    /** The tick path: a fall through margin call and liquidation, then back. */
    public static final List<String> PATH = List.of("58000", "56500", "55000", "54000", "52500", "51500", "50500",
            "52000", "54500", "57000", "59500", "61000");
    /** Collateral (USDT) of the fixture's accounts, each long one perpetual at 60,000 (IM 10 %, MM 5 %). */
    public static final List<Integer> COLLATERAL = List.of(9_000, 10_000, 11_500);

    private LiveRun() {
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

    /** A tenant with the fixture on underlying {@code u}; returns its account ids (COLLATERAL order). */
    public static List<String> fixture(Tenant t, String u) {
        TestTenants.perpetualMarket(t, u);
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < COLLATERAL.size(); i++) {
            String a = TestTenants.account(t, "0xSCALE" + i);
            t.asIntegrator().body(Map.of("asset", "USDT", "amount", String.valueOf(COLLATERAL.get(i)),
                    "externalRef", TestTenants.ref()))
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
                        .log().ifValidationFails().statusCode(200).extract().path("answeredFrom");
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

    /**
     * A hot book to wait on after each tick of {@link #ticks(KafkaBroker, String, List, long, List)}.
     *
     * @param tenant   a tenant of {@link #fixture}
     * @param accounts its fixture accounts (the first one's equity tells which price its book valued)
     * @param url      the instance that owns it
     */
    public record Watch(Tenant tenant, List<String> accounts, String url) {
    }

    /**
     * Publishes ticks like {@link #ticks(KafkaBroker, String, List, long)}, and after each waits until every watched
     * hot book has started valuing it (its first account's equity, answered from the hot book, is the one at the
     * tick's price), so that the next tick never finds two moves waiting. The live loop conflates moves that wait
     * for a busy book (LiveLoop.offerPrice); without this wait, a slow machine would skip path prices in one run and
     * not in another, and event lists could not be compared.
     */
    public static void ticks(KafkaBroker broker, String u, List<String> prices, long pauseMs, List<Watch> watches)
            throws Exception {
        try (KafkaProducer<String, String> p = KafkaClients.producer(broker)) {
            for (String price : prices) {
                KafkaClients.send(p, "ballast.prices", u, tick(u, price));
                Thread.sleep(pauseMs);
                for (Watch w : watches) {
                    awaitValued(w, price);
                }
            }
        }
    }

    /**
     * Waits until every watched hot book has started valuing a price (see {@link #ticks(KafkaBroker, String, List,
     * long, List)}).
     *
     * @param watches the books
     * @param price   the tick's price
     * @throws InterruptedException when interrupted
     */
    public static void awaitValued(List<Watch> watches, String price) throws InterruptedException {
        for (Watch w : watches) {
            awaitValued(w, price);
        }
    }

    private static void awaitValued(Watch w, String price) throws InterruptedException {
        // one perpetual long at 60,000 on COLLATERAL.get(0) USDT: equity = collateral + price - 60,000
        double expected = COLLATERAL.get(0) + Double.parseDouble(price) - 60_000;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            io.restassured.path.json.JsonPath m = on(w.tenant().asIntegrator(), w.url())
                    .get("/api/v1/accounts/" + w.accounts().get(0) + "/margin").then().extract().jsonPath();
            if ("hot-book".equals(m.getString("answeredFrom")) && m.get("equityUsd") != null
                    && Math.abs(m.getDouble("equityUsd") - expected) < 1e-6) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the hot book of tenant " + w.tenant().id() + " on " + w.url()
                + " did not value the tick at " + price);
    }

    /** One tick of source {@code feed}, dated now. */
    public static String tick(String u, String price) {
        return new JsonObject().put("source", "feed").put("underlying", u).put("priceUsd", price)
                .put("sourceTime", Instant.now().toString()).encode();
    }

    /**
     * Each tenant's margin events as "at price: account-index type seq" (the fixture's underlying's price the event
     * was evaluated at), in the topic's order, and every event id seen. The events of one tick are listed by account
     * index: their order on the topic is the order in which the hot book evaluates accounts, which depends on the
     * book's history, not only on the ticks (an account the bulk book does not hold, one added since its build
     * that fits no number or spare, is evaluated among its "cold" accounts, in hash order, after the accounts it
     * holds, until the bulk book is built again: docs/architecture.md "Exactly one record per row"), and the live loop
     * promises an order per account (its sequence numbers) and tick after tick, not across the accounts of one tick.
     * A tenant of {@code LiveFaultsIT} whose ticks came before that build failed the whole-list comparison.
     */
    public static Map<String, List<String>> events(KafkaBroker broker, Map<Tenant, List<String>> tenants,
            int expectedPerTenant, Set<String> eventIds) {
        Set<String> ids = new HashSet<>();
        tenants.keySet().forEach(t -> ids.add(t.id()));
        List<ConsumerRecord<String, String>> records = KafkaClients.read(broker, "ballast.margin-events",
                r -> ids.contains(r.key()), rs -> rs.size() >= expectedPerTenant * tenants.size(), WAIT,
                Duration.ofSeconds(10));
        Map<String, List<List<String>>> ticks = new LinkedHashMap<>();
        Map<String, String> lastPrice = new HashMap<>();
        tenants.forEach((t, accounts) -> ticks.put(t.id(), new ArrayList<>()));
        for (ConsumerRecord<String, String> r : records) {
            JsonObject e = new JsonObject(r.value());
            JsonObject p = e.getJsonObject("payload");
            Tenant t = tenants.keySet().stream().filter(x -> x.id().equals(r.key())).findFirst().orElseThrow();
            String price = p.getJsonArray("prices").stream().map(JsonObject.class::cast)
                    .filter(x -> !"USDT".equals(x.getString("underlying")))
                    .map(x -> java.math.BigDecimal.valueOf(x.getDouble("priceUsd")).toPlainString())
                    .findFirst().orElse("?");
            List<List<String>> mine = ticks.get(t.id());
            if (!price.equals(lastPrice.put(t.id(), price))) {
                mine.add(new ArrayList<>());
            }
            mine.get(mine.size() - 1).add("at " + price + ": " + tenants.get(t).indexOf(p.getString("accountId"))
                    + " " + e.getString("type") + " " + p.getLong("seq"));
            eventIds.add(String.valueOf(e.getValue("eventId")));
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        ticks.forEach((tenant, groups) -> out.put(tenant, groups.stream()
                .flatMap(g -> g.stream().sorted()).toList()));
        return out;
    }
}
