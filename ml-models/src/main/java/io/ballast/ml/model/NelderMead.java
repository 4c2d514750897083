package io.ballast.ml.model;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/** Derivative-free Nelder-Mead minimiser (standard coefficients 1, 2, 0.5, 0.5) for small smooth problems. */
final class NelderMead {

    private NelderMead() {
    }

    /**
     * Minimises {@code f} from {@code start}.
     *
     * @param f        objective; return {@code Double.POSITIVE_INFINITY} outside the feasible region
     * @param start    feasible starting point
     * @param step     initial simplex step per coordinate
     * @param tol      stop when the spread of objective values in the simplex is below {@code tol}
     * @param maxEvals evaluation budget
     * @return the best point found
     */
    static double[] minimise(ToDoubleFunction<double[]> f, double[] start, double[] step, double tol, int maxEvals) {
        int n = start.length;
        double[][] x = new double[n + 1][];
        double[] fx = new double[n + 1];
        x[0] = start.clone();
        fx[0] = f.applyAsDouble(x[0]);
        for (int i = 0; i < n; i++) {
            x[i + 1] = start.clone();
            x[i + 1][i] += step[i];
            fx[i + 1] = f.applyAsDouble(x[i + 1]);
            if (!Double.isFinite(fx[i + 1])) {
                x[i + 1][i] = start[i] - step[i];
                fx[i + 1] = f.applyAsDouble(x[i + 1]);
            }
        }
        int evals = n + 1;
        Integer[] order = new Integer[n + 1];
        while (evals < maxEvals) {
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            final double[] fxs = fx;
            Arrays.sort(order, (a, b) -> Double.compare(fxs[a], fxs[b]));
            double[][] xs = new double[n + 1][];
            double[] fs = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                xs[i] = x[order[i]];
                fs[i] = fx[order[i]];
            }
            x = xs;
            fx = fs;
            if (Math.abs(fx[n] - fx[0]) <= tol * (1 + Math.abs(fx[0]))) {
                break;
            }
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    c[j] += x[i][j] / n;
                }
            }
            double[] xr = move(c, x[n], -1.0);
            double fr = f.applyAsDouble(xr);
            evals++;
            if (fr < fx[0]) {
                double[] xe = move(c, x[n], -2.0);
                double fe = f.applyAsDouble(xe);
                evals++;
                if (fe < fr) {
                    x[n] = xe;
                    fx[n] = fe;
                } else {
                    x[n] = xr;
                    fx[n] = fr;
                }
            } else if (fr < fx[n - 1]) {
                x[n] = xr;
                fx[n] = fr;
            } else {
                boolean outside = fr < fx[n];
                double[] xc = outside ? move(c, x[n], -0.5) : move(c, x[n], 0.5);
                double fc = f.applyAsDouble(xc);
                evals++;
                if (fc < Math.min(fr, fx[n])) {
                    x[n] = xc;
                    fx[n] = fc;
                } else {
                    for (int i = 1; i <= n; i++) {
                        x[i] = move(x[0], x[i], 0.5);
                        fx[i] = f.applyAsDouble(x[i]);
                        evals++;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i <= n; i++) {
            if (fx[i] < fx[best]) {
                best = i;
            }
        }
        return x[best];
    }

    /** Point {@code c + t (p - c)}. */
    private static double[] move(double[] c, double[] p, double t) {
        double[] r = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            r[i] = c[i] + t * (p[i] - c[i]);
        }
        return r;
    }
}
