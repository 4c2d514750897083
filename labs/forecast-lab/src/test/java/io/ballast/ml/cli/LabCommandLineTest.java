package io.ballast.ml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The exit codes and one-line messages the two lab command lines share. */
class LabCommandLineTest {

    /** Fails as told by {@code --fail}. */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Option(names = "--fail")
        String fail = "none";

        @Override
        public Integer call() throws IOException {
            switch (fail) {
                case "input" -> throw new IllegalArgumentException("--asset must not be empty");
                case "io" -> throw new IOException("cannot write /out/report.md",
                    new java.nio.file.AccessDeniedException("/out"));
                case "bug" -> throw new IllegalStateException("no margin set");
                default -> {
                    return 0;
                }
            }
        }
    }

    private record Run(int code, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int code = LabCommandLine.execute(new Probe(), "probe: ", new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true), args);
        return new Run(code, err.toString().strip());
    }

    @Test
    void badInputExitsTwoAndFailuresExitOneEachWithOneLine() {
        assertThat(run()).isEqualTo(new Run(0, ""));
        assertThat(run("--fail", "input")).isEqualTo(new Run(2, "probe: --asset must not be empty"));
        assertThat(run("--fail", "io")).isEqualTo(new Run(1, "probe: I/O error: cannot write /out/report.md (/out)"));
        assertThat(run("--fail", "bug")).isEqualTo(new Run(1,
            "probe: failed: java.lang.IllegalStateException: no margin set"));
        Run unknown = run("--frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
    }
}
