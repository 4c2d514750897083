package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server started as a child never outlives its parent: neither a clean stop nor a {@code kill -9} of the JVM. */
class ChildProcessTest {

    @TempDir
    Path dir;

    @Test
    void stopEndsTheWholeTree() {
        ChildProcess child = ChildProcess.start("sleeper", List.of("sleep", "300"), dir, Map.of(),
                dir.resolve("sleeper.log"));
        ProcessHandle sleeper = awaitSleeper(ProcessHandle.current());
        child.stop(Duration.ofSeconds(10));
        assertThat(child.isAlive()).isFalse();
        assertThat(sleeper.isAlive()).isFalse();
    }

    @Test
    void childDiesWhenItsParentJvmIsKilled() throws Exception {
        String classpath = System.getProperty("java.class.path");
        Process parent = new ProcessBuilder(KafkaBroker.javaBinary(), "-cp", classpath,
                ParentMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
        long sleeperPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            sleeperPid = Long.parseLong(out.readLine().trim());
        }
        ProcessHandle sleeper = ProcessHandle.of(sleeperPid).orElseThrow();
        assertThat(sleeper.isAlive()).isTrue();

        parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
        parent.waitFor(10, TimeUnit.SECONDS);

        sleeper.onExit().get(20, TimeUnit.SECONDS);
        assertThat(sleeper.isAlive()).isFalse();
    }

    static ProcessHandle awaitSleeper(ProcessHandle ancestor) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> sleeper = ancestor.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                    .findFirst();
            if (sleeper.isPresent()) {
                return sleeper.get();
            }
            ChildProcess.sleep(50);
        }
        throw new AssertionError("no sleep process appeared under pid " + ancestor.pid());
    }

    /** A parent JVM that starts a sleeping child, prints the child's pid and waits to be killed. */
    public static final class ParentMain {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            ChildProcess.start("sleeper", List.of("sleep", "300"), dir, Map.of(), dir.resolve("parent-sleeper.log"));
            System.out.println(awaitSleeper(ProcessHandle.current()).pid());
            System.out.flush();
            Thread.sleep(300_000);
        }
    }
}
