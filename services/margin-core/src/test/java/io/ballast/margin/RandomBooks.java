package io.ballast.margin;

import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Position;
import io.ballast.margin.product.Spot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded random instruments and portfolios on the {@link Fixtures} market (BTC, ETH). */
public final class RandomBooks {

    private static final Map<String, Double> SPOT = Map.of("BTC", 100_000.0, "ETH", 4_000.0);

    private RandomBooks() {
    }

    /** A universe: per underlying spot, perp, 2 dated futures and 24 options (3 expiries x 4 strikes x call/put). */
    public static List<Instrument> universe() {
        List<Instrument> list = new ArrayList<>();
        for (String u : List.of("BTC", "ETH")) {
            double s = SPOT.get(u);
            list.add(Spot.of(u));
            list.add(PerpetualFuture.of(u));
            list.add(DatedFuture.of(u, Fixtures.NOW.plus(Duration.ofDays(45))));
            list.add(DatedFuture.of(u, Fixtures.NOW.plus(Duration.ofDays(120))));
            for (int days : new int[] {3, 30, 150}) {
                for (double m : new double[] {0.7, 0.95, 1.05, 1.4}) {
                    for (OptionType t : OptionType.values()) {
                        list.add(EuropeanOption.of(u, Fixtures.NOW.plus(Duration.ofDays(days)), s * m, t));
                    }
                }
            }
        }
        return list;
    }

    /** A random portfolio of 1..12 positions from the universe, quantities in [-5, 5] units (ETH x 20). */
    public static List<Position> portfolio(SplittableRandom rnd, List<Instrument> universe) {
        int n = 1 + rnd.nextInt(12);
        List<Position> positions = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Instrument ins = universe.get(rnd.nextInt(universe.size()));
            double scale = ins.underlying().equals("ETH") ? 20 : 1;
            double q = Math.round((rnd.nextDouble() * 10 - 5) * 100) / 100.0 * scale;
            // an inverse perpetual or future needs a positive entry price: the index
            double entry = ins.inverse() && ins.kind().isLinear() ? SPOT.get(ins.underlying()) : 0;
            positions.add(Position.of(ins, q == 0 ? 0.5 : q, entry));
        }
        return positions;
    }
}
