package org.conv4j.kernels.conv;

import org.conv4j.tensor.WindowGeometry;

/**
 * The Vector API convolutions: {@link VectorDirectConv}, {@link VectorWinograd} and
 * {@link VectorWinogradWeightGrad}, all on the GEMM's {@link org.conv4j.kernels.gemm.MicroKernel}, and
 * {@link VectorDepthwiseConv}. Loaded
 * by name from {@link org.conv4j.kernels.Kernels} only when the Vector API is usable.
 */
public final class VectorConvKernels implements ConvKernels {
    @Override
    public String name() { return "vector"; }

    @Override
    public void directForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                              float[] out, Workspace ws) {
        VectorDirectConv.forward(c, g, n, x, w, b, out, ws);
    }

    @Override
    public void directBackward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                               float[] dX, float[] dW, float[] dB, Workspace ws) {
        VectorDirectConv.backward(c, g, n, x, w, dOut, dX, dW, dB, ws);
    }

    @Override
    public void depthwiseForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                                 float[] out, Workspace ws) {
        VectorDepthwiseConv.forward(c, g, n, x, w, b, out, ws);
    }

    @Override
    public void winogradForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                                float[] out, Workspace ws) {
        VectorWinograd.forward(c, g, n, x, w, b, out, ws);
    }

    @Override
    public void winogradInputGrad(ConvChannels c, WindowGeometry g, int n, float[] w, float[] dOut, float[] dX,
                                  Workspace ws) {
        VectorWinograd.inputGrad(c, g, n, w, dOut, dX, ws);
    }

    @Override
    public void winogradWeightGrad(ConvChannels c, WindowGeometry g, int n, float[] x, float[] dOut, float[] dW,
                                   float[] dB, Workspace ws) {
        VectorWinogradWeightGrad.backward(c, g, n, x, dOut, dW, dB, ws);
    }
}
