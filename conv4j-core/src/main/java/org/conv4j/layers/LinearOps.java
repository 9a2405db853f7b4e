package org.conv4j.layers;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.gemm.Gemm;
import org.conv4j.kernels.gemm.PackedB;

/**
 * The affine map shared by {@link Linear} and {@code F.linear}: y = x·Wᵀ + b with W stored [out, in]
 * as in torch. Letters: N batch, I in features, O out features. All products go through
 * {@link Kernels#gemm()} with transpose flags.
 */
public final class LinearOps {
    private LinearOps() {}

    /**
     * out = x·Wᵀ + b.
     *
     * @param n    N, the batch size
     * @param in   I, the input features
     * @param outF O, the output features
     * @param x    [N, I]
     * @param w    [O, I]
     * @param b    [O] or null
     * @param out  [N, O], overwritten
     */
    public static void forward(int n, int in, int outF, float[] x, float[] w, float[] b, float[] out) {
        Gemm gemm = Kernels.gemm();
        if (b != null) {
            for (int i = 0; i < n; i++) System.arraycopy(b, 0, out, i * outF, outF);
        }
        // out [N, O] (+)= x [N, I] · Wᵀ [I, O]
        gemm.sgemm(false, true, n, outF, in, x, 0, in, w, 0, in, b != null ? 1f : 0f, out, 0, outF);
    }

    /**
     * W packed as the right operand Wᵀ [I, O] of {@link #forward(int, int, int, float[], PackedB, float[], float[])},
     * for calls that share fixed weights.
     *
     * @param in   I, the input features
     * @param outF O, the output features
     * @param w    [O, I]; must not change while the result is in use
     * @return the packed Wᵀ
     */
    static PackedB pack(int in, int outF, float[] w) {
        return Kernels.gemm().packB(true, in, outF, w, 0, in);
    }

    /**
     * out = x·Wᵀ + b with W packed by {@link #pack}: bitwise the same as the other forward.
     *
     * @param n    N, the batch size
     * @param in   I, the input features
     * @param outF O, the output features
     * @param x    [N, I]
     * @param w    Wᵀ [I, O], packed
     * @param b    [O] or null
     * @param out  [N, O], overwritten
     */
    static void forward(int n, int in, int outF, float[] x, PackedB w, float[] b, float[] out) {
        if (b != null) {
            for (int i = 0; i < n; i++) System.arraycopy(b, 0, out, i * outF, outF);
        }
        Kernels.gemm().sgemm(false, n, x, 0, in, w, b != null ? 1f : 0f, out, 0, outF);
    }

    /**
     * Gradients of x·Wᵀ + b given dOut.
     *
     * @param n    N, the batch size
     * @param in   I, the input features
     * @param outF O, the output features
     * @param x    [N, I], the forward input
     * @param w    [O, I]
     * @param dOut [N, O]
     * @param dX   [N, I], overwritten; null when not needed
     * @param dW   [O, I], added into
     * @param dB   [O], added into; null without bias
     */
    public static void backward(int n, int in, int outF, float[] x, float[] w, float[] dOut,
                                float[] dX, float[] dW, float[] dB) {
        Gemm gemm = Kernels.gemm();
        // dW [O, I] += dOutᵀ [O, N] · x [N, I]
        gemm.sgemm(true, false, outF, in, n, dOut, 0, outF, x, 0, in, 1f, dW, 0, in);
        if (dB != null) {
            for (int o = 0; o < outF; o++) {
                float s = 0f;
                for (int i = 0; i < n; i++) s += dOut[i * outF + o];
                dB[o] += s;
            }
        }
        // dX [N, I] = dOut [N, O] · W [O, I]
        if (dX != null) gemm.sgemm(false, false, n, in, outF, dOut, 0, outF, w, 0, in, 0f, dX, 0, in);
    }
}
