package io.ballast.risk.live;

import static io.ballast.risk.support.HotBooks.await;
import static io.ballast.risk.support.HotBooks.hot;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Takeovers on a real broker and PostgreSQL. A gained tenant's book that is not built (here held forever) holds no
 * other tenant's ticks: since session 34 the books are built in the background while the batches go on for the
 * other tenants, and the gained tenants' ticks are kept for their replay. Until session 32 nothing bounded the price
 * consumer's wait for those books (a takeover that never completed stopped the ticks of every tenant for good, seen
 * once in CI, {@code LiveScaleOutIT}); until session 34 every tenant's ticks waited for them up to
 * {@code ballast.live.takeover-step-limit} (10 s in tests; a 100,000-account build takes 15-40 s).
 *
 * <p>The rebalances are played on {@link Ownership} itself (one instance owns every tenant here): tenants'
 * partitions are taken away, then given back. The second test holds a takeover the same way to make the window in
 * which a batch's tenants are gained during its takeover.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class TakeoverStallTest {

    @Inject
    LiveLoop loop;

    @Inject
    Ownership ownership;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    @Inject
    io.ballast.risk.market.PriceFeedConsumer prices;

    @Test
    void aBuildThatNeverCompletesDoesNotStopTheTicksOfOtherTenants() throws Exception {
        // ballast.events has one partition here: the ownership plays four (a tenant's partition is its id's hash
        // modulo the count, whatever the topic has), and is given back as it was at the end
        int partitions = 4;
        Book flowing = book(TestTenants.onboard("flowing"), "Y");
        Book x = book(onboardOutside("held", partitions, Set.of(flowing.tenant())), "X");
        Tenant y = flowing.tenant();
        String uy = flowing.underlying();
        String accountY = flowing.account();
        HotBooks.feedReaches(y, uy, "60000");
        Tenant held = x.tenant();
        UUID heldId = x.id();
        String accountX = x.account();
        Ownership.View original = ownership.view();
        Set<Integer> all = partitionsBut(partitions);
        Set<Integer> withoutX = partitionsBut(partitions, x);
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            // X's partition is lost: its book goes out of use, and a tick shows the consumer the new ownership
            ownership.assign(withoutX, partitions);
            await(() -> !loop.inUse(heldId), "X's book out of use (the reconciler drops a lost tenant's book)");
            double before = equity(y, accountY, 0);
            KafkaClients.send(p, "ballast.prices", uy, HotBooks.feedTick(uy, "60100"));
            await(() -> equity(y, accountY, before) == before + 100, "Y valued at 60,100");

            // X's partition comes back; its next build is held before it reads its prices, forever
            CompletableFuture<Void> reached = new CompletableFuture<>();
            loop.pauseNextBuild(heldId, "rows", reached, release);
            double stalled = stalled();
            ownership.assign(all, partitions);
            KafkaClients.send(p, "ballast.prices", uy, HotBooks.feedTick(uy, "60200"));
            reached.get(HotBooks.WAIT.toSeconds(), TimeUnit.SECONDS);
            await(() -> equity(y, accountY, before) == before + 200,
                    "Y valued at 60,200 although X's book never came during the takeover");
            assertThat(stalled()).as("Y's tick did not wait for X's held build to be given up").isEqualTo(stalled);
            assertThat(TestTenants.margin(held, accountX).getString("answeredFrom"))
                    .as("X's build was still held when Y's tick went through").isNotEqualTo("hot-book");
            await(() -> stalled() >= stalled + 1, "the takeover gives X's held build up after the step limit (the "
                    + "reconciler may give up the same build)");
        } finally {
            ownership.assign(original.partitions(), original.partitionCount());
            release.complete(null);
        }
        await(() -> hot(held, accountX, "HEALTHY") != null, "X's book, once released, in use");
    }

    /**
     * A tenant gained after a batch that carried its tick came, but before the batch is applied, gets the tick from its
     * takeover's replay, not from the batch: a batch applies its ticks to the tenants of the view the lane's last
     * takeover processed. Fixture: X long 1 perpetual at 60,000 with 10,000 USDT (IM 10 %: at 55,000 its equity 5,000
     * is below IM 5,500). X is lost; the lane is held (as a long takeover step would hold it); X's tick at 55,000 comes
     * and waits in the lane; X is gained (its takeover queues behind the batch); the lane goes on; X's tick at 60,000
     * follows. X must publish MARGIN_CALL at 55,000 and RECOVERED at 60,000, both caused by ticks.
     *
     * <p>Had the batch applied its tick to X (the live ownership, as before session 32), X's oracle would have stored
     * it without a move of X's book (X had none), the takeover's build would have read 55,000 and published the
     * MARGIN_CALL as caused by a rebuild, and the replay would have refused the tick as out of order (checked: the
     * events are then "MARGIN_CALL (rebuild)", "RECOVERED (tick)"). With a book in use the tick's transitions are lost
     * outright (seen once in {@code LiveScaleOutIT}). Session 34's takeovers no longer held the lane for a build, and
     * this test then relied on timing; since session 35 it holds the lane itself.
     */
    @Test
    void aTenantGainedAfterItsTicksCameGetsThemFromItsReplay() throws Exception {
        int partitions = 4;
        Book[] pair = fedPair("steady", "gained", partitions);
        Book y = pair[0];
        Book x = pair[1];
        Tenant ty = y.tenant();
        String uy = y.underlying();
        String ux = x.underlying();
        String accountY = y.account();

        Ownership.View original = ownership.view();
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            // X is lost, and a tick of Y shows the price consumer that ownership
            ownership.assign(partitionsBut(partitions, x), partitions);
            await(() -> !loop.inUse(x.id()), "X's book out of use");
            double before = equity(ty, accountY, 0);
            KafkaClients.send(p, "ballast.prices", uy, HotBooks.feedTick(uy, "60100"));
            await(() -> equity(ty, accountY, before) == before + 100, "Y valued at 60,100");

            // the lane is held; X's fall comes and waits in it; X is gained meanwhile; then the lane goes on
            CompletableFuture<Void> reached = new CompletableFuture<>();
            prices.pauseLane(reached, release);
            reached.get(HotBooks.WAIT.toSeconds(), TimeUnit.SECONDS);
            double received = ticksReceived();
            p.send(new ProducerRecord<>("ballast.prices", ux, HotBooks.feedTick(ux, "55000")));
            p.send(new ProducerRecord<>("ballast.prices", uy, HotBooks.feedTick(uy, "60150")));
            p.flush();
            await(() -> ticksReceived() >= received + 2, "X's and Y's ticks received, waiting in the lane");
            ownership.assign(partitionsBut(partitions), partitions);
            release.complete(null);
            await(() -> equity(ty, accountY, before) == before + 150, "Y valued at 60,150");
            await(() -> hot(x.tenant(), x.account(), "MARGIN_CALL") != null, "X answered from its book, in margin "
                    + "call");
            KafkaClients.send(p, "ballast.prices", ux, HotBooks.feedTick(ux, "60000"));
        } finally {
            ownership.assign(original.partitions(), original.partitionCount());
            release.complete(null);
        }
        List<JsonObject> events = eventsOf(x, 2);
        assertThat(events).as("X's margin events: the tick that waited in the lane, replayed, then the next")
                .extracting(TakeoverStallTest::described)
                .containsExactly("MARGIN_CALL, equity 5000 (tick)", "RECOVERED, equity 10000 (tick)");
        assertThat(events).extracting(e -> e.getString("accountId")).containsOnly(x.account());
    }

    /**
     * A tenant gained when no tick follows is taken over at once, not on the next tick: the ticks nobody applied to it
     * are replayed on the new assignment. X (long 1 perpetual at 60,000 with 10,000 USDT) is lost; its fall to 55,000
     * comes while nobody owns it; X is gained again and no tick is sent after that. X must publish MARGIN_CALL at
     * 55,000. Before session 34 the takeover waited for the next price batch: in a quiet market a dead owner's tenants
     * went on the price from before the gap until a tick came.
     */
    @Test
    void aTenantGainedWhenNoTickFollowsGetsTheTicksNobodyAppliedAtOnce() throws Exception {
        int partitions = 4;
        Book[] pair = fedPair("quiet", "quiet-gained", partitions);
        Book y = pair[0];
        Book x = pair[1];
        Ownership.View original = ownership.view();
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            fallsWhileLost(x, y, partitions, p);

            // X is gained, and no tick follows
            ownership.assign(partitionsBut(partitions), partitions);
            List<JsonObject> events = eventsOf(x, 1);
            assertThat(events).as("X's margin events after its takeover, with no tick after it")
                    .extracting(TakeoverStallTest::described)
                    .containsExactly("MARGIN_CALL, equity 5000 (tick)");
        } finally {
            ownership.assign(original.partitions(), original.partitionCount());
        }
    }

    /**
     * A gained tenant's replay runs outside the lane: while it is under way (here its first replayed move is held),
     * the other tenants' ticks go on, and the gained tenant's ticks that come meanwhile are replayed after it, in
     * order, before the batches include it again. X (long 1 perpetual at 60,000 with 10,000 USDT) is lost; its fall to
     * 55,000 comes while nobody owns it; X is gained and its replayed move held; X's recovery to 60,000 and a tick of
     * Y come meanwhile. Y must be valued on its tick while X's move is still held, and X must publish MARGIN_CALL at
     * 55,000, then RECOVERED at 60,000. Until session 35 the replay ran in the lane and held every tenant's ticks
     * (a 55 s gap at 1,000 ticks/s took 57-76 s to replay on the dev stack): here Y would have waited until the step
     * limit gave X's replay up.
     */
    @Test
    void aReplayUnderWayDoesNotStopTheTicksOfOtherTenants() throws Exception {
        int partitions = 4;
        Book[] pair = fedPair("busy", "replayed", partitions);
        Book y = pair[0];
        Book x = pair[1];
        Ownership.View original = ownership.view();
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            double before = fallsWhileLost(x, y, partitions, p);

            // X is gained; its book is built, and its first replayed move is held
            CompletableFuture<Void> reached = new CompletableFuture<>();
            loop.pauseNextBuild(x.id(), "replay", reached, release);
            double stalled = stalled();
            ownership.assign(partitionsBut(partitions), partitions);
            reached.get(HotBooks.WAIT.toSeconds(), TimeUnit.SECONDS);
            p.send(new ProducerRecord<>("ballast.prices", x.underlying(), HotBooks.feedTick(x.underlying(), "60000")));
            p.send(new ProducerRecord<>("ballast.prices", y.underlying(), HotBooks.feedTick(y.underlying(), "60200")));
            p.flush();
            await(() -> equity(y.tenant(), y.account(), before) == before + 200,
                    "Y valued at 60,200 while X's replay is under way");
            assertThat(stalled()).as("Y's tick did not wait for X's held replay to be given up").isEqualTo(stalled);
            assertThat(release).as("X's replayed move still held when Y's tick went through").isNotDone();
            release.complete(null);

            List<JsonObject> events = eventsOf(x, 2);
            assertThat(events).as("X's margin events: the replay's, then the tick that came while it was under way")
                    .extracting(TakeoverStallTest::described)
                    .containsExactly("MARGIN_CALL, equity 5000 (tick)", "RECOVERED, equity 10000 (tick)");
            await(() -> hot(x.tenant(), x.account(), "HEALTHY") != null, "X answered from its book after its replay");
        } finally {
            ownership.assign(original.partitions(), original.partitionCount());
            release.complete(null);
        }
    }

    /**
     * The reconciler builds gained tenants' books one after the other; a build that never completes no longer keeps
     * the tenants after it without a book. X and Y are lost, then gained again, X first in the reconciler's order (by
     * id); X's build is held forever. Y's book must come into use while X's is still held, once the reconciler has
     * given X's build up after {@code ballast.live.takeover-step-limit}. Before session 33 Y waited for X for good.
     */
    @Test
    void aBuildThatNeverCompletesDoesNotKeepTheReconcilerFromTheNextTenants() throws Exception {
        int partitions = 4;
        Tenant x = TestTenants.onboard("first");
        Tenant y;
        do { // after X in id order (PostgreSQL orders uuids by their bytes, as their text compares), another partition
            y = TestTenants.onboard("second");
        } while (y.id().compareTo(x.id()) <= 0 || Ownership.partition(UUID.fromString(y.id()), partitions)
                == Ownership.partition(UUID.fromString(x.id()), partitions));
        Book first = book(x, "F");
        Book second = book(y, "S");

        Ownership.View original = ownership.view();
        CompletableFuture<Void> release = new CompletableFuture<>();
        try {
            ownership.assign(partitionsBut(partitions, first, second), partitions);
            await(() -> !loop.inUse(first.id()) && !loop.inUse(second.id()), "X's and Y's books out of use");
            CompletableFuture<Void> reached = new CompletableFuture<>();
            loop.pauseNextBuild(first.id(), "rows", reached, release);
            double stalled = stalled();
            ownership.assign(partitionsBut(partitions), partitions);
            reached.get(HotBooks.WAIT.toSeconds(), TimeUnit.SECONDS);
            await(() -> loop.inUse(second.id()), "Y's book in use although X's build, before it, never completes");
            assertThat(loop.inUse(first.id())).as("X's build still held").isFalse();
            await(() -> stalled() >= stalled + 1, "the given-up build counted");
        } finally {
            ownership.assign(original.partitions(), original.partitionCount());
            release.complete(null);
        }
        await(() -> hot(first.tenant(), first.account(), "HEALTHY") != null, "X's book, once released, in use");
    }

    /** A tenant with a perpetual market on an underlying of its own and one account, answered from its hot book. */
    private record Book(Tenant tenant, UUID id, String underlying, String account) {
    }

    /**
     * Fixture: USDT and an underlying (a name starting with {@code letter}) at 60,000 with a perpetual (IM 10 %, MM
     * 5 %); one account with 10,000 USDT, long 1 perpetual at 60,000 (HEALTHY), once answered from the hot book.
     */
    private static Book book(Tenant t, String letter) throws InterruptedException {
        String u = letter + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(t, u);
        String account = TestTenants.account(t, "0x" + u, "CROSS", "10000", Map.of(u + "-PERP", "1"));
        await(() -> hot(t, account, "HEALTHY") != null, letter + "'s account answered from the hot book");
        return new Book(t, UUID.fromString(t.id()), u, account);
    }

    /** Every partition of {@code partitions} but the books' tenants'. */
    private static Set<Integer> partitionsBut(int partitions, Book... lost) {
        Set<Integer> out = IntStream.range(0, partitions).boxed().collect(Collectors.toSet());
        for (Book b : lost) {
            out.remove(Ownership.partition(b.id(), partitions));
        }
        return out;
    }

    /** Onboards tenants until one's partition (of {@code partitions}) is none of the others'. */
    private static Tenant onboardOutside(String prefix, int partitions, Set<Tenant> others) {
        Set<Integer> taken = others.stream().map(t -> Ownership.partition(UUID.fromString(t.id()), partitions))
                .collect(Collectors.toSet());
        Tenant t;
        do {
            t = TestTenants.onboard(prefix);
        } while (taken.contains(Ownership.partition(UUID.fromString(t.id()), partitions)));
        return t;
    }

    /**
     * X is lost; its fall to 55,000 comes while nobody owns it, then a tick of Y at 60,100: once Y is valued on it,
     * X's tick was consumed.
     *
     * @return Y's equity before its tick
     */
    private double fallsWhileLost(Book x, Book y, int partitions, KafkaProducer<String, String> p) throws Exception {
        ownership.assign(partitionsBut(partitions, x), partitions);
        await(() -> !loop.inUse(x.id()), "X's book out of use");
        double before = equity(y.tenant(), y.account(), 0);
        p.send(new ProducerRecord<>("ballast.prices", x.underlying(), HotBooks.feedTick(x.underlying(), "55000")));
        p.send(new ProducerRecord<>("ballast.prices", y.underlying(), HotBooks.feedTick(y.underlying(), "60100")));
        p.flush();
        await(() -> equity(y.tenant(), y.account(), before) == before + 100, "Y valued at 60,100");
        return before;
    }

    /** Records received from {@code ballast.prices} so far (counted when a poll comes, before the lane). */
    private double ticksReceived() {
        io.micrometer.core.instrument.DistributionSummary d = metrics.find("ballast.ticks.batch").summary();
        return d == null ? 0 : d.totalAmount();
    }

    /** Y, and X on a partition (of {@code partitions}) of its own, each with the feed's ticks reaching it at 60,000. */
    private static Book[] fedPair(String yPrefix, String xPrefix, int partitions) throws InterruptedException {
        Book y = book(TestTenants.onboard(yPrefix), "Y");
        Book x = book(onboardOutside(xPrefix, partitions, Set.of(y.tenant())), "X");
        HotBooks.feedReaches(y.tenant(), y.underlying(), "60000");
        HotBooks.feedReaches(x.tenant(), x.underlying(), "60000");
        return new Book[] {y, x};
    }

    /** The payloads of X's margin events, once at least {@code n} came (and none more within 3 s). */
    private static List<JsonObject> eventsOf(Book x, int n) {
        return KafkaClients.read("ballast.margin-events", r -> x.id().toString().equals(r.key()),
                        rs -> rs.size() >= n, HotBooks.WAIT, Duration.ofSeconds(3)).stream()
                .map(r -> new JsonObject(r.value()).getJsonObject("payload")).toList();
    }

    /** An event as "TYPE, equity N (cause)". */
    private static String described(JsonObject e) {
        return e.getString("type") + ", equity " + Math.round(e.getDouble("equityUsd")) + " (" + e.getString("cause")
                + ")";
    }

    private double stalled() {
        io.micrometer.core.instrument.Counter c = metrics.find("ballast.live.takeover.stalled").counter();
        return c == null ? 0 : c.count();
    }

    /** Y's equity from the hot book, or {@code otherwise} while it does not answer from it. */
    private static double equity(Tenant t, String account, double otherwise) {
        JsonPath m = hot(t, account, "HEALTHY");
        return m == null ? otherwise : m.getDouble("equityUsd");
    }
}
