package io.ballast.predictive.backtest;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of a backtest with XChart: margin over time per policy with the exceptions marked, bad debt per crash
 * event, and the frontier.
 */
public final class BacktestPlots {

    private BacktestPlots() {
    }

    /**
     * Writes every plot into {@code dir}.
     *
     * @param r the result
     * @param dir output directory (exists)
     * @return the file names written, relative to {@code dir}
     */
    public static List<String> write(BacktestResult r, Path dir) {
        List<String> names = new ArrayList<>();
        for (PolicyResult p : r.policies().values()) {
            String name = "margin-" + p.name() + ".png";
            save(marginChart(r.asset(), p), dir.resolve(name));
            names.add(name);
        }
        if (!r.events().isEmpty()) {
            save(badDebtChart(r), dir.resolve("bad-debt.png"));
            names.add("bad-debt.png");
        }
        save(frontierChart(r), dir.resolve("frontier.png"));
        names.add("frontier.png");
        return names;
    }

    private static XYChart marginChart(String asset, PolicyResult p) {
        XYChart c = new XYChartBuilder().width(1200).height(500)
            .title(asset + " " + p.name() + ": MMF over time, exceptions marked (" + p.coverage().exceptions() + ")")
            .xAxisTitle("date").yAxisTitle("fraction of notional").build();
        c.getStyler().setDatePattern("yyyy-MM");
        c.getStyler().setMarkerSize(4);
        List<Date> x = new ArrayList<>();
        List<Double> m = new ArrayList<>();
        List<Double> mv = new ArrayList<>();
        List<Date> ex = new ArrayList<>();
        List<Double> ey = new ArrayList<>();
        for (int k = 0; k < p.dates().length; k++) {
            Date d = Date.from(p.dates()[k].atStartOfDay(ZoneOffset.UTC).toInstant());
            x.add(d);
            m.add(p.margin()[k]);
            mv.add(p.absMove()[k]);
            if (p.exception()[k]) {
                ex.add(d);
                ey.add(p.absMove()[k]);
            }
        }
        XYSeries moves = c.addSeries("|next-day move|", x, mv);
        moves.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        moves.setMarker(SeriesMarkers.CIRCLE);
        moves.setMarkerColor(new Color(170, 170, 170));
        XYSeries line = c.addSeries("MMF", x, m);
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(new Color(20, 60, 160));
        if (!ex.isEmpty()) {
            XYSeries e = c.addSeries("exception", ex, ey);
            e.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            e.setMarker(SeriesMarkers.DIAMOND);
            e.setMarkerColor(Color.RED);
        }
        return c;
    }

    private static CategoryChart badDebtChart(BacktestResult r) {
        CategoryChart c = new CategoryChartBuilder().width(1000).height(500)
            .title(r.asset() + ": bad debt per crash replay (USD)").xAxisTitle("event").yAxisTitle("USD").build();
        List<String> events = new ArrayList<>();
        r.events().keySet().forEach(e -> events.add(e.key()));
        for (PolicyResult p : r.policies().values()) {
            List<Double> v = new ArrayList<>();
            for (String e : events) {
                v.add(p.crashes().get(e).badDebtUsd());
            }
            c.addSeries(p.name(), events, v);
        }
        return c;
    }

    private static XYChart frontierChart(BacktestResult r) {
        XYChart c = new XYChartBuilder().width(900).height(600)
            .title(r.asset() + ": frontier, average MMF against exceptions").xAxisTitle("exceptions")
            .yAxisTitle("average MMF").build();
        for (Map.Entry<String, List<BacktestResult.FrontierPoint>> e : r.frontier().entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (BacktestResult.FrontierPoint pt : e.getValue()) {
                x.add((double) pt.exceptions());
                y.add(pt.avgMargin());
            }
            c.addSeries(e.getKey(), x, y);
        }
        return c;
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
