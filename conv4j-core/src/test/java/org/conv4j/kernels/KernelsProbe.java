package org.conv4j.kernels;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.kernels.activation.ScalarActivationKernels;
import org.conv4j.kernels.activation.SmoothActivationCases;
import org.conv4j.kernels.conv.Im2colConv;
import org.conv4j.kernels.conv.Workspace;
import org.conv4j.kernels.gemm.ScalarGemm;
import org.conv4j.kernels.gemm.VectorGemm;
import org.conv4j.kernels.norm.LaneSumCases;
import org.conv4j.kernels.norm.ScalarNormKernels;
import org.conv4j.kernels.pool.PoolCases;
import org.conv4j.kernels.pool.ScalarPoolKernels;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;

/**
 * Run in a child JVM by {@link KernelsFallbackTest}: prints the kernel choice, then checks the chosen GEMM
 * against ScalarGemm on awkward sizes and prints "max-rel-err VALUE" (the largest |difference| / k²), then
 * the convolutions the layers choose (Winograd, direct; their micro-tiles follow the vector width) against
 * im2col on the same inputs, forward and backward, as "conv-max-err VALUE" (largest |difference|), the
 * register transpose against its definition as "transpose-mismatches COUNT", the 2×2 max pool against
 * the scalar loop as "pool-mismatches COUNT", the general max and average pools' row and column passes as
 * "window-pool-mismatches COUNT", batch norm's lane sums and maps against the scalar
 * reference as "lane-sum-mismatches COUNT", and the smooth activations as "smooth-mismatches COUNT".
 */
public final class KernelsProbe {
    public static void main(String[] args) {
        System.out.println("reason: " + Kernels.reason());
        System.out.println("gemm: " + Kernels.gemm().name());
        Rng rng = new Rng(5);
        double worst = 0;
        for (int[] s : new int[][] {{1, 1, 1}, {3, 13, 207}, {37, 41, 300}, {13, 100, 450}}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                float[] a = new float[m * k], b = new float[k * n], c1 = new float[m * n], c2 = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = rng.nextFloat() - 0.5f;
                for (int i = 0; i < b.length; i++) b[i] = rng.nextFloat() - 0.5f;
                int lda = ta ? m : k, ldb = tb ? k : n;
                if (Kernels.gemm() instanceof VectorGemm v) {
                    v.packed(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
                } else {
                    Kernels.gemm().sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
                }
                new ScalarGemm().sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c2, 0, n);
                for (int i = 0; i < c1.length; i++) {
                    // |a·b| ≤ 1/4, so the rounding bound k·u·Σ|a·b| is below k²·u/4 for both GEMMs.
                    worst = Math.max(worst, Math.abs(c1[i] - c2[i]) / ((double) k * k));
                }
            }
        }
        System.out.println("max-rel-err " + worst);
        if (Kernels.gemm() instanceof VectorGemm) {
            System.out.println("conv-max-err " + convError(rng));
            System.out.println("transpose-mismatches " + transposeMismatches(rng));
            System.out.println("pool-mismatches " + PoolCases.maxPool2x2Mismatches(Kernels.pool(), new ScalarPoolKernels(), rng));
            System.out.println("window-pool-mismatches " + PoolCases.mismatches(Kernels.pool(), new ScalarPoolKernels()));
            System.out.println("lane-sum-mismatches " + LaneSumCases.mismatches(Kernels.norm(), new ScalarNormKernels()));
            System.out.println("smooth-mismatches " + SmoothActivationCases.mismatches(Kernels.activation(), new ScalarActivationKernels()));
        }
    }

    /** Floats where {@link Transpose#block} differs from its scalar definition (0 when it has no vector form). */
    private static int transposeMismatches(Rng rng) {
        if (!Transpose.VECTOR) return 0;
        int v = Transpose.V, stride = v + 3;
        float[] src = new float[v * stride];
        for (int i = 0; i < src.length; i++) src[i] = rng.nextFloat();
        int[] to = new int[v];
        for (int i = 0; i < v; i++) to[i] = i * (v + 2);
        float[] fast = new float[v * (v + 2)], slow = new float[fast.length];
        Transpose.block(src, 1, stride, fast, 0, to, 0);
        Transpose.reference(src, 1, stride, slow, 0, to, 0);
        int bad = 0;
        for (int i = 0; i < fast.length; i++) if (Float.compare(fast[i], slow[i]) != 0) bad++;
        return bad;
    }

    /** Winograd (33 → 33, 3×3), direct strided (3 → 17, 5×5 / 2) and 1-channel (1 → 32, 3×3) against im2col. */
    private static double convError(Rng rng) {
        Conv2dConfig[] configs = {
                Conv2dConfig.of(33, 33, 3).withPadding(1),
                Conv2dConfig.of(3, 17, 5).withStride(2).withPadding(2),
                Conv2dConfig.of(1, 32, 3).withPadding(1)};
        int n = 3, h = 13, w = 37;  // 37: wide enough for the stride-2 rows to be split by vectors at every width
        double worst = 0;
        for (Conv2dConfig c : configs) {
            WindowGeometry g = c.geometry(h, w);
            float[] x = gauss(rng, n * c.inChannels() * h * w);
            float[] k = gauss(rng, c.outChannels() * c.inChannels() * c.kernelH() * c.kernelW());
            float[] b = gauss(rng, c.outChannels()), dOut = gauss(rng, n * c.outChannels() * g.outH() * g.outW());
            float[][] fast = pass(c, g, n, x, k, b, dOut, false), slow = pass(c, g, n, x, k, b, dOut, true);
            for (int t = 0; t < fast.length; t++) {
                for (int i = 0; i < fast[t].length; i++) worst = Math.max(worst, Math.abs(fast[t][i] - slow[t][i]));
            }
        }
        return worst;
    }

    /** out, dX, dW, dB of one forward and backward, by the chosen algorithms or by im2col. */
    private static float[][] pass(Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] k, float[] b,
                                  float[] dOut, boolean im2col) {
        float[] out = new float[dOut.length], dX = new float[x.length], dW = new float[k.length], dB = new float[b.length];
        Workspace ws = new Workspace();
        if (im2col) {
            Im2colConv.forward(c.channels(), g, n, x, k, b, out, ws);
            Im2colConv.backward(c.channels(), g, n, x, k, dOut, dX, dW, dB, ws);
        } else {
            ConvAlgorithm.forward(c, g, n, x, k, b, out, ws);
            ConvAlgorithm.backward(c, g, n, x, k, dOut, dX, dW, dB, ws);
        }
        return new float[][] {out, dX, dW, dB};
    }

    private static float[] gauss(Rng rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }
}
