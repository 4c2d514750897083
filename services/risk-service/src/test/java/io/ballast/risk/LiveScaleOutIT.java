package io.ballast.risk;

import static io.ballast.risk.support.LiveRun.PATH;
import static io.ballast.risk.support.LiveRun.WAIT;
import static io.ballast.risk.support.LiveRun.events;
import static io.ballast.risk.support.LiveRun.fixture;
import static io.ballast.risk.support.LiveRun.owner;
import static io.ballast.risk.support.LiveRun.ticks;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.devstack.DevStack;
import io.ballast.devstack.KafkaBroker;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.LiveRun;
import io.ballast.risk.support.ServiceJvms;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private static KafkaBroker kafka;
    private static ServiceJvms jvms;

    /** Thread dumps and PostgreSQL's sessions when a test fails ({@link ServiceJvms#diagnose}). */
    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.junit.jupiter.api.extension.TestWatcher DIAGNOSE = ServiceJvms.diagnoseOnFailure(() -> jvms);

    @BeforeAll
    static void servers() throws Exception {
        DevStack stack = BallastServersResource.servers();
        kafka = stack.kafka();
        for (String id : List.of("a", "b")) { // the instances append to their logs; this run reads them
            Files.deleteIfExists(ServiceJvms.log(id));
        }
        jvms = new ServiceJvms(stack);
    }

    @AfterAll
    static void stop() {
        jvms.close();
    }

    @Test
    void twoInstancesShareTheTenantsAndTheSurvivorTakesOverAKilledOnesWithoutLossOrDuplicate() throws Exception {
        String a = jvms.start("a", List.of());
        LiveRun.aimAt(a);

        // baseline: one instance, its own tenants and underlying
        String us = LiveRun.underlying("S");
        Map<Tenant, List<String>> single = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            Tenant t = TestTenants.onboard("single");
            single.put(t, fixture(t, us));
        }
        for (Map.Entry<Tenant, List<String>> e : single.entrySet()) {
            assertThat(owner(e.getKey(), e.getValue().get(0), List.of(a))).isEqualTo(a);
        }
        ticks(kafka, us, PATH, 300, single.entrySet().stream()
                .map(e -> new LiveRun.Watch(e.getKey(), e.getValue(), a)).toList());
        Set<String> singleIds = new HashSet<>();
        Map<String, List<String>> baseline = events(kafka, single, 1, singleIds);
        List<String> expected = baseline.values().iterator().next();
        assertThat(expected).as("the tick path moves the accounts").hasSizeGreaterThanOrEqualTo(6);
        assertThat(baseline.values()).allSatisfy(l -> assertThat(l).isEqualTo(expected));

        // two instances share new tenants with the same fixture
        String b = jvms.start("b", List.of());
        // ready is not yet in the group: wait until the second instance has been assigned partitions
        Path logB = ServiceJvms.log("b");
        long joined = System.nanoTime() + WAIT.toNanos();
        while (!java.util.regex.Pattern.compile("owning partitions \\[\\d").matcher(Files.readString(logB)).find()) {
            assertThat(System.nanoTime()).as("instance b joined the group").isLessThan(joined);
            Thread.sleep(500);
        }
        String ud = LiveRun.underlying("D");
        Map<Tenant, List<String>> shared = new LinkedHashMap<>();
        Map<Tenant, String> owners = new LinkedHashMap<>();
        for (int i = 0; i < 16 && (i < 6 || !(owners.containsValue(a) && owners.containsValue(b))); i++) {
            Tenant t = TestTenants.onboard("shared");
            shared.put(t, fixture(t, ud));
            owners.put(t, owner(t, shared.get(t).get(0), List.of(a, b)));
        }
        assertThat(owners.values()).as("both instances own tenants").contains(a, b);

        // the same path; the second instance dies in the middle of it
        ticks(kafka, ud, PATH.subList(0, 5), 300, shared.entrySet().stream()
                .map(e -> new LiveRun.Watch(e.getKey(), e.getValue(), owners.get(e.getKey()))).toList());
        ServiceJvms.kill(b);
        // the survivor's own tenants are watched; the killed one's are valued by the survivor's replay after it
        // takes them over, one tick after the other
        ticks(kafka, ud, PATH.subList(5, PATH.size()), 1_500, shared.entrySet().stream()
                .filter(e -> owners.get(e.getKey()).equals(a))
                .map(e -> new LiveRun.Watch(e.getKey(), e.getValue(), a)).toList());
        Set<String> sharedIds = new HashSet<>();
        Map<String, List<String>> after = events(kafka, shared, expected.size(), sharedIds);
        for (Map.Entry<Tenant, String> e : owners.entrySet()) {
            assertThat(after.get(e.getKey().id())).as("events of tenant %s (owned by %s)", e.getKey().id(),
                    e.getValue().equals(a) ? "the survivor" : "the killed instance").isEqualTo(expected);
        }
        assertThat(sharedIds).as("distinct event ids").hasSize(expected.size() * shared.size());
        for (Map.Entry<Tenant, String> e : owners.entrySet()) {
            assertThat(owner(e.getKey(), shared.get(e.getKey()).get(0), List.of(a))).isEqualTo(a);
        }
        // the group rebalances cooperatively: the survivor kept the partitions it retained through both rebalances
        // (b joining, b dying). With the eager default it owned nothing for a few milliseconds each time, and a tick
        // whose batch came then reached no tenant until a next tick came (sessions 31 and 33)
        List<String> ownership = Files.readAllLines(ServiceJvms.log("a")).stream()
                .filter(l -> l.contains("owning partitions")).map(l -> l.substring(l.indexOf("owning partitions")))
                .dropWhile(l -> l.startsWith("owning partitions []")) // a member of an earlier test may linger
                .toList();
        assertThat(ownership).as("the survivor's assignments, in order").isNotEmpty()
                .noneMatch(l -> l.startsWith("owning partitions []"));
    }
}
