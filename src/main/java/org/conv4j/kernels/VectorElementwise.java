package org.conv4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} on the Vector API. Every loop has the same shape: a vector body up to
 * {@code S.loopBound(n)}, then a scalar tail doing exactly what {@link ScalarElementwise} does.
 * The maps use the same operations in the same order as the scalar reference, so they agree bit for bit;
 * the reductions keep four accumulators (to hide FMA latency) and differ only by summation order.
 */
public final class VectorElementwise implements Elementwise {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int V = S.length();
    private static final ScalarElementwise TAIL = new ScalarElementwise();

    @Override
    public void reluForward(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            // blend, not max: max(NaN, 0) would be NaN too, but -0.0 must stay -0.0 as in the scalar loop.
            v.blend(0f, v.lt(0f)).intoArray(y, yOff + i);
        }
        TAIL.reluForward(n - i, x, xOff + i, y, yOff + i);
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        int i = 0, bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += V) {
            VectorMask<Float> on = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dOut, dOff + i), on).intoArray(dX, dxOff + i);
        }
        TAIL.reluBackward(n - i, x, xOff + i, dOut, dOff + i, dX, dxOff + i);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        FloatVector a = FloatVector.broadcast(S, alpha);
        for (; i < bound; i += V) {
            a.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        TAIL.axpy(n - i, alpha, x, xOff + i, y, yOff + i);
    }

    @Override
    public void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector.fromArray(S, x, xOff + i).fma(scale, shift).intoArray(y, yOff + i);
        }
        TAIL.scaleShift(n - i, x, xOff + i, scale, shift, y, yOff + i);
    }

    @Override
    public double sum(int n, float[] x, int xOff) {
        // Float lanes over blocks of 4096 values, each block's total added in double: float error stays
        // bounded by the block length, not n.
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start), at = xOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                s0 = s0.add(FloatVector.fromArray(S, x, at + i));
                s1 = s1.add(FloatVector.fromArray(S, x, at + i + V));
            }
            total += sumLanes(s0.add(s1));
            total += TAIL.sum(len - i, x, at + i);
        }
        return total;
    }

    private static final int BLOCK = 4096;

    /**
     * The lanes of {@code v} added in lane order, in double. Not {@code reduceLanes(ADD)}: its order is left
     * to the implementation, and the C2-compiled and the interpreted versions round differently, so a cold
     * JVM (a resumed run) and a warm one would disagree in the last bits.
     */
    private static double sumLanes(FloatVector v) {
        double s = 0;
        for (int l = 0; l < V; l++) s += v.lane(l);
        return s;
    }

    @Override
    public double sumSquaredDeviation(int n, float[] x, int xOff, float mean) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start), at = xOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                FloatVector d0 = FloatVector.fromArray(S, x, at + i).sub(mean);
                FloatVector d1 = FloatVector.fromArray(S, x, at + i + V).sub(mean);
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
            }
            total += sumLanes(s0.add(s1));
            total += TAIL.sumSquaredDeviation(len - i, x, at + i, mean);
        }
        return total;
    }

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            int xa = xOff + start, ya = yOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                s0 = FloatVector.fromArray(S, x, xa + i).fma(FloatVector.fromArray(S, y, ya + i), s0);
                s1 = FloatVector.fromArray(S, x, xa + i + V).fma(FloatVector.fromArray(S, y, ya + i + V), s1);
            }
            total += sumLanes(s0.add(s1));
            total += TAIL.dot(len - i, x, xa + i, y, ya + i);
        }
        return total;
    }

    @Override
    public void adam(int n, float[] w, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
                     float eps, float weightDecay, boolean decoupled, int step) {
        AdamTerms t = AdamTerms.of(lr, beta1, beta2, weightDecay, decoupled, step);
        float oneMinusB1 = 1f - beta1, oneMinusB2 = 1f - beta2;
        int i = 0, bound = S.loopBound(n);
        // Same operations in the same order as the scalar loop (mul then add, no fusing): bitwise equal.
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i).add(wv.mul(t.l2()));
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(g.mul(oneMinusB1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(g.mul(oneMinusB2).mul(g));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(t.sqrtBc2()).add(eps);
            wv.mul(t.decay()).sub(mv.mul(t.stepSize()).div(denom)).intoArray(w, i);
        }
        for (; i < n; i++) {
            float wi = w[i] * t.decay();
            float g = grad[i] + t.l2() * w[i];
            float mi = beta1 * m[i] + oneMinusB1 * g;
            float vi = beta2 * v[i] + oneMinusB2 * g * g;
            m[i] = mi;
            v[i] = vi;
            w[i] = wi - t.stepSize() * mi / ((float) Math.sqrt(vi) / t.sqrtBc2() + eps);
        }
    }

    @Override
    public void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float dampening,
                    float weightDecay, boolean nesterov, boolean firstStep) {
        int i = 0, bound = S.loopBound(n);
        float keep = 1f - dampening;
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i).add(wv.mul(weightDecay));
            if (momentum != 0f) {
                FloatVector b = firstStep ? g : FloatVector.fromArray(S, buf, i).mul(momentum).add(g.mul(keep));
                b.intoArray(buf, i);
                g = nesterov ? g.add(b.mul(momentum)) : b;
            }
            wv.sub(g.mul(lr)).intoArray(w, i);
        }
        for (; i < n; i++) {
            float g = grad[i] + weightDecay * w[i];
            if (momentum != 0f) {
                float b = firstStep ? g : momentum * buf[i] + keep * g;
                buf[i] = b;
                g = nesterov ? g + momentum * b : b;
            }
            w[i] -= lr * g;
        }
    }

    private static final VectorSpecies<Integer> IS = S.withLanes(int.class).check(int.class);
    private static final VectorShuffle<Float> EVEN = evenOdd(0), ODD = evenOdd(1);
    /** 0, 2, 4, ...: the offset of each output lane's window within a row. */
    private static final IntVector TWICE_IOTA = IntVector.zero(IS).addIndex(2);

    /** Lane i picks lane 2i + first of the concatenation (this, that); indexes ≥ V address the second vector. */
    private static VectorShuffle<Float> evenOdd(int first) {
        int[] idx = new int[V];
        for (int i = 0; i < V; i++) idx[i] = 2 * i + first;
        return VectorShuffle.fromArray(S, idx, 0);
    }

    /** torch's max order: v beats best if greater, or if v is NaN and best is not. Ties keep best. */
    private static VectorMask<Float> beats(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.GT, best)
                .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
    }

    @Override
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff) {
        // V outputs per step: split each input row's 2V values into even/odd lanes, take the row-wise winner
        // (odd only if it beats even), then the lower row only if it beats the upper: the same winner as
        // scanning the window in row-major order. All selects are blends; no branches on the data.
        int oh = h / 2, ow = w / 2, bound = ow - ow % V;
        for (int pl = 0; pl < planes; pl++) {
            int plane = xOff + pl * h * w, o = oOff + pl * oh * ow;
            for (int oy = 0; oy < oh; oy++, o += ow) {
                int r0 = plane + 2 * oy * w;
                int ox = 0;
                for (; ox < bound; ox += V) {
                    int a = r0 + 2 * ox;
                    FloatVector p = FloatVector.fromArray(S, x, a), q = FloatVector.fromArray(S, x, a + V);
                    FloatVector e0 = p.rearrange(EVEN, q), o0 = p.rearrange(ODD, q);
                    p = FloatVector.fromArray(S, x, a + w);
                    q = FloatVector.fromArray(S, x, a + w + V);
                    FloatVector e1 = p.rearrange(EVEN, q), o1 = p.rearrange(ODD, q);
                    VectorMask<Float> right0 = beats(o0, e0), right1 = beats(o1, e1);
                    FloatVector h0 = e0.blend(o0, right0), h1 = e1.blend(o1, right1);
                    VectorMask<Float> down = beats(h1, h0);
                    h0.blend(h1, down).intoArray(out, o + ox);
                    VectorMask<Integer> right = right0.andNot(down).or(right1.and(down)).cast(IS);
                    TWICE_IOTA.add(a).add(IntVector.zero(IS).blend(1, right))
                            .add(IntVector.zero(IS).blend(w, down.cast(IS))).intoArray(argmax, o + ox);
                }
                for (; ox < ow; ox++) {
                    int a = r0 + 2 * ox;
                    float best = x[a];
                    int at = a;
                    float v = x[a + 1];
                    if (v > best || v != v && best == best) { best = v; at = a + 1; }
                    v = x[a + w];
                    if (v > best || v != v && best == best) { best = v; at = a + w; }
                    v = x[a + w + 1];
                    if (v > best || v != v && best == best) { best = v; at = a + w + 1; }
                    out[o + ox] = best;
                    argmax[o + ox] = at;
                }
            }
        }
    }

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
