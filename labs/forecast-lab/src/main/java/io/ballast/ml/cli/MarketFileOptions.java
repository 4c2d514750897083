package io.ballast.ml.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The market-file options the lab command lines share, as a picocli mixin: {@code --data} (the daily bars) and
 * {@code --asset} (the label, by default taken from the file name). Used by {@code ./ballast forecast} and
 * {@code ./ballast backtest}; each command keeps its own {@code --hourly}, whose use and default differ (the
 * forecaster's target proxy with a sibling file by default; the backtest's crash replays, none by default).
 */
public final class MarketFileOptions {

    @Option(names = "--data", required = true, paramLabel = "CSV", description = "daily bars (shared CSV format)")
    private Path data;

    @Option(names = "--asset", description = "asset label (default: the file name up to '_')")
    private String asset;

    /**
     * The daily bars file.
     *
     * @return the path as given
     */
    public Path data() {
        return data;
    }

    /**
     * The asset label: {@code --asset}, else the data file's name up to its first {@code _} ({@code BTC_1d.csv} is
     * BTC), else the name without {@code .csv}.
     *
     * @return the label
     */
    public String asset() {
        if (asset != null) {
            return asset;
        }
        String file = data.getFileName().toString();
        return file.contains("_") ? file.substring(0, file.indexOf('_')) : file.replaceFirst("\\.csv$", "");
    }
}
