package io.ballast.ml.registry;

import java.util.Arrays;
import java.util.List;

/** Reading numbers back from JSON-ready metadata (Jackson gives any {@link Number} and lists). */
final class JsonValues {

    private JsonValues() {
    }

    /** A number as a double. */
    static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    /** A list of numbers as an array. */
    static double[] doubles(Object o) {
        List<?> l = (List<?>) o;
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = num(l.get(i));
        }
        return d;
    }

    /** An array as a list (JSON-ready). */
    static List<Double> toList(double[] d) {
        return Arrays.stream(d).boxed().toList();
    }
}
