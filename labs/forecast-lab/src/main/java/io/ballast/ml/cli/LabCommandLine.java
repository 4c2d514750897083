package io.ballast.ml.cli;

import io.ballast.ml.data.MarketDataException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * How the lab command lines ({@code ./ballast forecast}, {@code ./ballast backtest}) run a picocli command: the lab
 * models registered (XGBoost, never a champion candidate), the output streams set, and one mapping of failures to
 * exit codes. Bad arguments or data ({@link IllegalArgumentException}, {@link MarketDataException}) print the message
 * and exit 2; an I/O failure prints {@code I/O error: ...} and exits 1; anything else prints {@code failed: ...} and
 * exits 1. picocli itself refuses unknown options, missing values and malformed numbers with exit 2.
 */
public final class LabCommandLine {

    private LabCommandLine() {
    }

    /**
     * Parses the arguments and runs the command.
     *
     * @param command the picocli command object (a new one each run: picocli fills its fields)
     * @param prefix  put before every error message, e.g. {@code "error: "} or {@code "ballast backtest: "}
     * @param out     results
     * @param err     progress, notes and errors
     * @param args    arguments
     * @return exit code: 0 success, 2 bad arguments or data, 1 I/O or other failure
     */
    public static int execute(Object command, String prefix, PrintWriter out, PrintWriter err, String... args) {
        io.ballast.ml.ml.Xgb.register();
        picocli.CommandLine cl = new picocli.CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof MarketDataException) {
                line.getErr().println(prefix + e.getMessage());
                return 2;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                line.getErr().println(prefix + "I/O error: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
                return 1;
            }
            line.getErr().println(prefix + "failed: " + e);
            return 1;
        });
        return cl.execute(args);
    }
}
