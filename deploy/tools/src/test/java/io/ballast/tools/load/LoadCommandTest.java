package io.ballast.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.tools.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The load command refuses unbounded or unknown settings before it touches anything. */
class LoadCommandTest {

    @Test
    void unboundedDurationsAndCountsAreRefused() {
        assertThat(run("load", "--duration", "601")).contains("--duration 1..600");
        assertThat(run("load", "--warmup", "-1")).contains("--warmup 0..600 s");
        assertThat(run("load", "--warmup", "601")).contains("--warmup 0..600 s");
        assertThat(run("load", "--whatif-requests", "0")).contains("--whatif-requests must be 1..1,000,000");
        assertThat(run("load", "--whatif-rate", "-1")).contains("--whatif-rate 0..100,000");
        assertThat(run("load", "--whatif-rate", "100001")).contains("--whatif-rate 0..100,000");
        assertThat(run("load", "--positions-per-account", "21")).contains("--positions-per-account 1..20");
        assertThat(run("load", "--phases", "load,everything")).contains("unknown phase 'everything'");
        assertThat(run("load", "--duration", "60", "--parameters-at", "60"))
                .contains("--parameters-at must be below --duration");
        assertThat(run("load", "--churn-rate", "10001")).contains("--churn-rate must be 0..10,000");
        assertThat(run("load", "--churn-rate", "-1")).contains("--churn-rate must be 0..10,000");
        assertThat(run("load", "--book-wait", "-1")).contains("--book-wait must be 0..3,600 s");
        assertThat(run("load", "--book-wait", "3601")).contains("--book-wait must be 0..3,600 s");
    }

    private static String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Cli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).isEqualTo(1);
        return err.toString();
    }
}
