package io.ballast.margin.engine;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.Position;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pool's positions netted per instrument (first-seen order), with mark prices and unrealized P&amp;L.
 *
 * @param instruments distinct instruments
 * @param quantities net quantity per instrument, units of the instrument (underlying; USD of face value if inverse)
 * @param markPricesUsd mark price per instrument, USD
 * @param unrealizedPnlUsd unrealized P&amp;L per instrument (sum over the original positions), USD
 */
record NettedPositions(List<Instrument> instruments, double[] quantities, double[] markPricesUsd,
        double[] unrealizedPnlUsd) {

    static NettedPositions of(List<Position> positions, MarketSnapshot market) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<Instrument> instruments = new ArrayList<>();
        for (Position p : positions) {
            if (index.putIfAbsent(p.instrument().id(), instruments.size()) == null) {
                instruments.add(p.instrument());
            }
        }
        int n = instruments.size();
        double[] q = new double[n];
        double[] mark = new double[n];
        double[] upnl = new double[n];
        for (int i = 0; i < n; i++) {
            mark[i] = InstrumentPricer.DEFAULT.markPrice(instruments.get(i), market);
        }
        for (Position p : positions) {
            int i = index.get(p.instrument().id());
            q[i] += p.quantity();
            upnl[i] += InstrumentPricer.DEFAULT.unrealizedPnlUsd(p, mark[i], market);
        }
        return new NettedPositions(List.copyOf(instruments), q, mark, upnl);
    }

    int size() {
        return instruments.size();
    }

    double totalUnrealizedPnlUsd() {
        double t = 0;
        for (double v : unrealizedPnlUsd) {
            t += v;
        }
        return t;
    }
}
