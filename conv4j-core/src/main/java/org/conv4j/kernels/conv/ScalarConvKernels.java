package org.conv4j.kernels.conv;

import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.WindowGeometry;

/**
 * The readable convolution kernels, with no Vector API code: {@link ScalarDirectConv}'s and
 * {@link ScalarDepthwiseConv}'s loops and {@link ScalarWinograd}'s textbook matrices, the references the vector kernels are tested against. The
 * family {@link org.conv4j.kernels.Kernels#conv} returns when the Vector API is unusable or
 * {@code -Dconv4j.kernels=scalar}.
 */
public final class ScalarConvKernels implements ConvKernels {
    @Override
    public String name() { return "scalar"; }

    @Override
    public void directForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                              float[] out, Workspace ws) {
        ScalarDirectConv.forward(c, g, n, x, w, b, out);
    }

    @Override
    public void directBackward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                               float[] dX, float[] dW, float[] dB, Workspace ws) {
        ScalarDirectConv.backward(c, g, n, x, w, dOut, dX, dW, dB);
    }

    @Override
    public void depthwiseForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                                 float[] out, Workspace ws) {
        ScalarDepthwiseConv.forward(c, g, n, x, w, b, out);
    }

    @Override
    public void winogradForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                                float[] out, Workspace ws) {
        ConvKernels.requireWinograd(c, g);
        ScalarWinograd.forward(c, g, n, x, w, b, out);
    }

    /** The forward on dOut padded by 2 − pad with w rotated by 180° and C, F swapped: exactly H × W out. */
    @Override
    public void winogradInputGrad(ConvChannels c, WindowGeometry g, int n, float[] w, float[] dOut, float[] dX,
                                  Workspace ws) {
        ConvKernels.requireWinograd(c, g);
        int cin = c.inChannels(), f = c.outChannels();
        float[] rotated = new float[w.length];   // [C, F, 3, 3]
        for (int fo = 0; fo < f; fo++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int k = 0; k < 9; k++) rotated[(ci * f + fo) * 9 + k] = w[(fo * cin + ci) * 9 + 8 - k];
            }
        }
        WindowGeometry tg = new WindowGeometry(g.outH(), g.outW(), 3, 3, 1, 1, 2 - g.padTop(), 2 - g.padBottom(),
                2 - g.padLeft(), 2 - g.padRight(), 1, 1, false);
        ScalarWinograd.forward(new ConvChannels(f, cin, 1), tg, n, dOut, rotated, null, dX);
    }

    @Override
    public void winogradWeightGrad(ConvChannels c, WindowGeometry g, int n, float[] x, float[] dOut, float[] dW,
                                   float[] dB, Workspace ws) {
        ConvKernels.requireWinograd(c, g);
        int tH = (g.outH() + 1) / 2;
        ScalarWinograd.weightGradient(c, g, n, x, dOut, dW, Chunks.grain(n), tH);
        if (dB == null) return;
        int f = c.outChannels(), p = g.outH() * g.outW(), grain = Chunks.grain(n);
        float[][] partials = new float[Parallel.chunkCount(n, grain)][f];
        for (int item = 0; item < n; item++) BiasGrad.addImage(dOut, item * f * p, f, p, partials[item / grain], 0);
        BiasGrad.reduce(partials, 0, f, dB);
    }
}
