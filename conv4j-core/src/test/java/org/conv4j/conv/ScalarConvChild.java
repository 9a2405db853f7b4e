package org.conv4j.conv;

import org.conv4j.kernels.Kernels;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * {@code ScalarConvChild}: runs {@link ScalarModeTest}'s convolutions in its own JVM (started with
 * {@code -Dconv4j.kernels=scalar}) through the layer, one shape per algorithm, and prints the conv kernels
 * chosen, each shape's algorithms and its largest error against {@link ReferenceConv2d}.
 */
public final class ScalarConvChild {
    private ScalarConvChild() {}

    /** One shape per algorithm: Winograd, direct (strided, dilated, grouped), im2col (1×1, depthwise). */
    static final Conv2dConfig[] CONFIGS = {
            Conv2dConfig.of(32, 32, 3).withPadding(1), Conv2dConfig.of(3, 16, 5).withStride(2).withPadding(2),
            Conv2dConfig.of(8, 16, 3).withPadding(2).withDilation(2).withGroups(2), Conv2dConfig.of(16, 8, 1),
            Conv2dConfig.of(8, 8, 3).withPadding(1).depthwise()};

    public static void main(String[] args) {
        System.out.println("conv: " + Kernels.conv().name());
        int n = 2, h = 9, w = 7;
        for (Conv2dConfig c : CONFIGS) {
            Conv2d conv = new Conv2d(c, new Rng(3));
            Rng rng = new Rng(5);
            Tensor x = new Tensor(n, c.inChannels(), h, w);
            for (int i = 0; i < x.data().length; i++) x.data()[i] = (float) rng.nextGaussian();
            Tensor y = conv.forward(x);
            Tensor dOut = new Tensor(y.shape());
            for (int i = 0; i < dOut.data().length; i++) dOut.data()[i] = (float) rng.nextGaussian();
            Tensor dX = conv.backward(dOut);
            double[] wd = ReferenceConv2d.widen(conv.weight().value().data());
            double[] want = ReferenceConv2d.forward(c, n, h, w, ReferenceConv2d.widen(x.data()), wd,
                    ReferenceConv2d.widen(conv.bias().value().data()));
            ReferenceConv2d.Gradients g = ReferenceConv2d.backward(c, n, h, w, ReferenceConv2d.widen(x.data()), wd,
                    ReferenceConv2d.widen(dOut.data()));
            double err = Math.max(Math.max(maxErr(want, y.data()), maxErr(g.dX(), dX.data())),
                    Math.max(maxErr(g.dW(), conv.weight().grad().data()), maxErr(g.dB(), conv.bias().grad().data())));
            System.out.println(c.describe() + " " + ConvAlgorithm.choose(c, c.geometry(h, w)) + "/"
                    + ConvAlgorithm.chooseBackward(c, c.geometry(h, w)) + " max-err " + err);
        }
    }

    private static double maxErr(double[] want, float[] got) {
        double e = 0;
        for (int i = 0; i < want.length; i++) e = Math.max(e, Math.abs(want[i] - got[i]));
        return e;
    }
}
