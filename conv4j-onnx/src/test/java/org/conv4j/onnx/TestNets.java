package org.conv4j.onnx;

import org.conv4j.activation.GELU;
import org.conv4j.activation.LeakyReLU;
import org.conv4j.activation.LeakyReluConfig;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Tanh;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Dropout;
import org.conv4j.layers.DropoutConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.layers.Param;
import org.conv4j.model.Residual;
import org.conv4j.model.Sequential;
import org.conv4j.norm.BatchNorm1d;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/** The networks the ONNX tests export, seeded, in evaluation mode, with non-trivial BatchNorm statistics. */
final class TestNets {
    private TestNets() {}

    /** The reference CNN of ../shared/README.md: input [1, 28, 28]. */
    static Sequential referenceCnn(long seed) {
        Rng rng = new Rng(seed);
        Sequential s = new Sequential(
                new Conv2d(Conv2dConfig.of(1, 32, 3).withPadding(1), rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(Conv2dConfig.of(32, 64, 3).withPadding(1), rng), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(LinearConfig.of(3136, 128), rng), new ReLU(), new Linear(LinearConfig.of(128, 10), rng));
        s.setTraining(false);
        return s;
    }

    private static BatchNorm2d bn2(int c, Rng rng) {
        BatchNorm2d b = new BatchNorm2d(BatchNormConfig.of(c));
        randomise(rng, b.weight(), 0.5f, 1.5f);
        randomise(rng, b.bias(), -0.3f, 0.3f);
        randomise(rng, b.runningMean(), -0.5f, 0.5f);
        randomise(rng, b.runningVar(), 0.5f, 2f);
        return b;
    }

    static void randomise(Rng rng, Param p, float lo, float hi) {
        float[] d = p.value().data();
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
    }

    /** A small ResNet: input [3, 16, 16]; identity and projection blocks with BatchNorm2d. */
    static Sequential residualNet(long seed) {
        Rng rng = new Rng(seed);
        Residual identity = new Residual(new Sequential(
                new Conv2d(Conv2dConfig.of(8, 8, 3).withPadding(1).withBias(false), rng), bn2(8, rng), new ReLU(),
                new Conv2d(Conv2dConfig.of(8, 8, 3).withPadding(1).withBias(false), rng), bn2(8, rng)), null);
        Residual projection = new Residual(new Sequential(
                new Conv2d(Conv2dConfig.of(8, 16, 3).withStride(2).withPadding(1).withBias(false), rng), bn2(16, rng), new ReLU(),
                new Conv2d(Conv2dConfig.of(16, 16, 3).withPadding(1).withBias(false), rng), bn2(16, rng)),
                new Sequential(new Conv2d(Conv2dConfig.of(8, 16, 1).withStride(2).withBias(false), rng), bn2(16, rng)));
        Sequential s = new Sequential(
                new Conv2d(Conv2dConfig.of(3, 8, 3).withPadding(1).withBias(false), rng), bn2(8, rng), new ReLU(),
                identity, new ReLU(), projection, new ReLU(),
                new GlobalAvgPool2d(), new Flatten(), new Linear(LinearConfig.of(16, 5), rng));
        s.setTraining(false);
        return s;
    }

    /** Strided, uneven-padded, dilated, grouped and depthwise convs and every other layer type: input [4, 17, 14]. */
    static Sequential convZoo(long seed) {
        Rng rng = new Rng(seed);
        BatchNorm1d bn1 = new BatchNorm1d(BatchNormConfig.of(12).withEps(1e-3));
        randomise(rng, bn1.runningMean(), -0.5f, 0.5f);
        randomise(rng, bn1.runningVar(), 0.5f, 2f);
        randomise(rng, bn1.weight(), 0.5f, 1.5f);
        Sequential s = new Sequential(
                new Conv2d(Conv2dConfig.of(4, 8, 3, 5).withStride(2, 1).withPadding(1, 2, 0, 3), rng),   // [8, 9, 13]
                new LeakyReLU(LeakyReluConfig.of().withNegativeSlope(0.1)),
                new Conv2d(Conv2dConfig.of(8, 8, 3).withPadding(2).withDilation(2).withGroups(4), rng),  // [8, 9, 13]
                new Sigmoid(),
                new Conv2d(Conv2dConfig.of(8, 8, 3).withPadding(1).depthwise(), rng),
                new Tanh(),
                new MaxPool2d(PoolConfig.of(3).withStride(2).withPadding(1).withCeilMode(true)),          // [8, 5, 7]
                new AvgPool2d(PoolConfig.of(2).withStride(1).withPadding(1).withCountIncludePad(false)), // [8, 6, 8]
                new Conv2d(Conv2dConfig.of(8, 6, 1), rng),
                new AvgPool2d(PoolConfig.of(3).withStride(2).withPadding(1)),                             // [6, 3, 4]
                new GELU(),
                new Dropout(DropoutConfig.of(0.3), rng.split()),
                new Flatten(),
                new Linear(LinearConfig.of(72, 12).withBias(false), rng),
                bn1,
                new ReLU(),
                new Linear(LinearConfig.of(12, 4), rng));
        s.setTraining(false);
        return s;
    }

    /** conv(1→4, 3x3, pad 1) → ReLU → Flatten → Linear(64→3): input [1, 4, 4]. */
    static Sequential tiny(long seed) {
        Rng rng = new Rng(seed);
        Sequential s = new Sequential(new Conv2d(Conv2dConfig.of(1, 4, 3).withPadding(1), rng), new ReLU(), new Flatten(),
                new Linear(LinearConfig.of(64, 3), rng));
        s.setTraining(false);
        return s;
    }

    static Tensor input(long seed, int n, int... item) {
        int[] shape = new int[item.length + 1];
        shape[0] = n;
        System.arraycopy(item, 0, shape, 1, item.length);
        Tensor t = new Tensor(shape);
        Rng rng = new Rng(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) rng.nextGaussian();
        return t;
    }
}
