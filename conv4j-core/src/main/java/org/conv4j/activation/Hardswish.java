package org.conv4j.activation;

/**
 * out = x·relu6(x + 3)/6 element-wise, any shape: torch.nn.Hardswish, in float with torch's order of
 * operations ((x·clamp)/6). Backward, torch's element-wise kernel:
 * dX = 0 for x &lt; −3, dOut·(x/3 + ½) for −3 ≤ x ≤ 3, dOut for x &gt; 3 (and for NaN), with x/3 + ½ in
 * double and rounded once (in float it keeps few digits near its zero at x = −1.5). So at −3 the
 * gradient is −½·dOut and at 3 it is 1.5·dOut. (torch 1.13's vectorised kernel gives dOut at exactly 3
 * instead, so torch's own value there depends on the element's position; conv4j keeps one rule.)
 */
public final class Hardswish extends PointwiseActivation {
    /** A Hardswish layer; it has no settings and no parameters. */
    public Hardswish() {}

    @Override
    void forwardRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v * relu6(v + 3f) / 6f;
        }
    }

    @Override
    void backwardRange(float[] x, float[] dOut, float[] dX, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            if (v < -3f) dX[i] = 0f;
            else if (v <= 3f) dX[i] = (float) (dOut[i] * (v / 3.0 + 0.5)); // in double: x/3 + ½ cancels near x = −1.5
            else dX[i] = dOut[i];
        }
    }

    /** min(max(v, 0), 6) with torch's std::max/std::min, so NaN stays NaN. */
    static float relu6(float v) {
        float a = v < 0f ? 0f : v;
        return 6f < a ? 6f : a;
    }

    @Override
    public String describe() { return "Hardswish"; }
}
