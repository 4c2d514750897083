package io.ballast.ml.model;

/** Small dense linear algebra for least squares. */
public final class Ols {

    private Ols() {
    }

    /**
     * Solves {@code A x = b} for a symmetric positive-definite A by Gaussian elimination with partial pivoting.
     *
     * @throws IllegalArgumentException when A is singular
     */
    public static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            if (Math.abs(m[p][c]) < 1e-300) {
                throw new IllegalArgumentException("singular normal equations");
            }
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) {
                    m[r][k] -= f * m[c][k];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = m[i][n];
            for (int k = i + 1; k < n; k++) {
                s -= m[i][k] * x[k];
            }
            x[i] = s / m[i][i];
        }
        return x;
    }

    /**
     * Ordinary least squares of y on the columns of x (include a column of ones for an intercept).
     *
     * @return coefficients
     */
    public static double[] fit(double[][] x, double[] y) {
        int k = x[0].length;
        double[][] xtx = new double[k][k];
        double[] xty = new double[k];
        for (int r = 0; r < y.length; r++) {
            for (int a = 0; a < k; a++) {
                xty[a] += x[r][a] * y[r];
                for (int b = 0; b < k; b++) {
                    xtx[a][b] += x[r][a] * x[r][b];
                }
            }
        }
        return solve(xtx, xty);
    }
}
