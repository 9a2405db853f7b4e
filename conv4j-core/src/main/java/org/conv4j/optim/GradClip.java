package org.conv4j.optim;

import java.util.List;
import org.conv4j.layers.NamedParam;

/** torch.nn.utils.clip_grad_norm_: scales every gradient so that their global L2 norm is at most a bound. */
public final class GradClip {
    private GradClip() {}

    /**
     * {@return the global L2 norm of all trainable gradients (summed in double, in parameter order)}
     *
     * @param params the parameters; those not trainable are skipped
     */
    public static double globalNorm(List<NamedParam> params) {
        double sum = 0;
        for (NamedParam p : params) {
            if (!p.param().isTrainable()) continue;
            for (float g : p.param().grad().data()) sum += (double) g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * If the global norm exceeds {@code maxNorm}, multiplies every gradient by {@code maxNorm / (norm + 1e-6)},
     * as torch does.
     *
     * @param params  the parameters; those not trainable are skipped
     * @param maxNorm the bound, positive
     * @return the global norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is not positive
     */
    public static double clipGlobalNorm(List<NamedParam> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max gradient norm must be positive, got " + maxNorm);
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (NamedParam p : params) {
                if (!p.param().isTrainable()) continue;
                float[] g = p.param().grad().data();
                for (int i = 0; i < g.length; i++) g[i] *= c;
            }
        }
        return norm;
    }
}
