package org.conv4j.gradcheck;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.activation.Tanh;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.model.Residual;
import org.conv4j.model.Sequential;
import org.conv4j.util.Rng;

/**
 * Gradient checks of the containers: Sequential and Residual (identity and projection shortcuts), against
 * a double-precision reference forward written here (y = W·x + b, tanh, and the residual sum).
 */
public final class ModelChecks {
    private ModelChecks() {}

    /** {@return a new list of the Sequential and Residual cases} */
    public static List<CheckCase> cases() {
        List<CheckCase> c = new ArrayList<>();
        c.add(new CheckCase("Sequential", "Linear(5->4), Tanh, Linear(4->3) x[3, 5]", () -> {
            Rng r = new Rng(31);
            Sequential s = new Sequential(new Linear(LinearConfig.of(5, 4), r), new Tanh(), new Linear(LinearConfig.of(4, 3), r));
            return LayerChecks.checkLayer("Sequential", "Linear(5->4), Tanh, Linear(4->3) x[3, 5]", s,
                    LayerChecks.uniform(new Rng(32), 1, 3, 5), (x, p) -> linear(tanh(linear(x, p[0], p[1], 5, 4)), p[2], p[3], 4, 3), 33);
        }));
        c.add(new CheckCase("Residual", "identity, block Linear(4->4), Tanh, Linear(4->4) x[3, 4]", () -> {
            Rng r = new Rng(41);
            Residual res = new Residual(new Sequential(new Linear(LinearConfig.of(4, 4), r), new Tanh(),
                    new Linear(LinearConfig.of(4, 4), r)), null);
            return LayerChecks.checkLayer("Residual", "identity, block Linear(4->4), Tanh, Linear(4->4) x[3, 4]", res,
                    LayerChecks.uniform(new Rng(42), 1, 3, 4),
                    (x, p) -> add(linear(tanh(linear(x, p[0], p[1], 4, 4)), p[2], p[3], 4, 4), x), 43);
        }));
        c.add(new CheckCase("Residual", "projection Linear(4->6), block Linear(4->6), Tanh x[2, 4]", () -> {
            Rng r = new Rng(51);
            Residual res = new Residual(new Sequential(new Linear(LinearConfig.of(4, 6), r), new Tanh()),
                    new Sequential(new Linear(LinearConfig.of(4, 6).withBias(false), r)));
            return LayerChecks.checkLayer("Residual", "projection Linear(4->6), block Linear(4->6), Tanh x[2, 4]", res,
                    LayerChecks.uniform(new Rng(52), 1, 2, 4),
                    (x, p) -> add(tanh(linear(x, p[0], p[1], 4, 6)), linear(x, p[2], null, 4, 6)), 53);
        }));
        return c;
    }

    /** [N, in] → [N, out]: y = x·Wᵀ + b with W [out, in]. */
    static double[] linear(double[] x, double[] w, double[] b, int in, int out) {
        int n = x.length / in;
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) s += x[i * in + k] * w[o * in + k];
                y[i * out + o] = s;
            }
        }
        return y;
    }

    static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
        return y;
    }

    static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) y[i] = a[i] + b[i];
        return y;
    }
}
