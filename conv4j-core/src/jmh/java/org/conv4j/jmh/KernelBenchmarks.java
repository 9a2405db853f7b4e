package org.conv4j.jmh;

import java.util.concurrent.TimeUnit;
import org.conv4j.kernels.Transpose;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.kernels.activation.ScalarActivationKernels;
import org.conv4j.kernels.activation.VectorActivationKernels;
import org.conv4j.kernels.array.ArrayKernels;
import org.conv4j.kernels.array.ScalarArrayKernels;
import org.conv4j.kernels.array.VectorArrayKernels;
import org.conv4j.kernels.conv.FastIm2col;
import org.conv4j.kernels.conv.Im2col;
import org.conv4j.kernels.gemm.Gemm;
import org.conv4j.kernels.gemm.VectorGemm;
import org.conv4j.kernels.optim.AdamStep;
import org.conv4j.kernels.optim.OptimKernels;
import org.conv4j.kernels.optim.VectorOptimKernels;
import org.conv4j.kernels.pool.PoolKernels;
import org.conv4j.kernels.pool.ScalarPoolKernels;
import org.conv4j.kernels.pool.VectorPoolKernels;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the kernels, each beside its scalar reference where one exists. Run:
 * {@code bin/jmh KernelBenchmarks}.
 * The conv4j threads default to all cores; pass {@code -jvmArgsAppend -Dconv4j.threads=1} for one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class KernelBenchmarks {
    /** Square sgemm size. */
    @Param({"256", "1024"})
    public int n;

    private final Gemm vectorGemm = new VectorGemm();
    private final ActivationKernels vectorActivation = new VectorActivationKernels(), scalarActivation = new ScalarActivationKernels();
    private final PoolKernels vectorPool = new VectorPoolKernels(), scalarPool = new ScalarPoolKernels();
    private final ArrayKernels vectorArrays = new VectorArrayKernels(), scalarArrays = new ScalarArrayKernels();
    private final OptimKernels vectorOptim = new VectorOptimKernels();
    private float[] a, b, c, x, y, dOut, pooled, moment1, moment2;
    private int[] argmax;
    private float[] image, cols;
    private final float[] rowBest = new float[56 * 28], rowAt = new float[56 * 28], divisors = new float[28];
    private int[] pixelRows;   // pixel q of a channels-last image starts at q · 64
    private final WindowGeometry geometry = WindowGeometry.of(32, 32, 3, 3, 1, 1);   // cifar-c3, one image

    @Setup
    public void setUp() {
        Rng rng = new Rng(1);
        a = random(rng, n * n);
        b = random(rng, n * n);
        c = new float[n * n];
        int len = 64 * 32 * 28 * 28;      // the reference CNN's first activation at batch 64
        x = random(rng, len);
        y = new float[len];
        dOut = random(rng, len);
        pooled = new float[len / 4];
        moment1 = new float[len];
        moment2 = new float[len];
        argmax = new int[len / 4];
        image = random(rng, 64 * 32 * 32);
        cols = new float[64 * 9 * 32 * 32];
        java.util.Arrays.fill(divisors, 3f);
        pixelRows = new int[32 * 32];
        for (int q = 0; q < pixelRows.length; q++) pixelRows[q] = q * 64;
    }

    private static float[] random(Rng rng, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = rng.nextFloat() - 0.5f;
        return v;
    }

    @Benchmark
    public float[] sgemmVector() {
        vectorGemm.multiply(n, n, n, a, b, c);
        return c;
    }

    @Benchmark
    public float[] reluForwardVector() {
        vectorActivation.reluForward(x.length, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] reluForwardScalar() {
        scalarActivation.reluForward(x.length, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] reluBackwardVector() {
        vectorActivation.reluBackward(x.length, x, 0, dOut, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] maxPool2x2Vector() {
        vectorPool.maxPool2x2(64 * 32, 28, 28, x, 0, pooled, argmax, 0);
        return pooled;
    }

    @Benchmark
    public float[] maxPool2x2Scalar() {
        scalarPool.maxPool2x2(64 * 32, 28, 28, x, 0, pooled, argmax, 0);
        return pooled;
    }

    @Benchmark
    public float[] maxPool3x3s2Vector() { return windowPool(vectorPool, true); }

    @Benchmark
    public float[] maxPool3x3s2Scalar() { return windowPool(scalarPool, true); }

    @Benchmark
    public float[] avgPool3x3s2Vector() { return windowPool(vectorPool, false); }

    @Benchmark
    public float[] avgPool3x3s2Scalar() { return windowPool(scalarPool, false); }

    /** A 3×3, stride 2, padding 1 pool (a ResNet stem's) over x as 512 planes of 56×56: rows, then columns. */
    private float[] windowPool(PoolKernels e, boolean max) {
        int h = 56, w = 56, o = 28;
        for (int pl = 0; pl < 512; pl++) {
            if (max) {
                e.maxPoolRows(h, w, 3, 2, 1, o, x, pl * h * w, Float.NEGATIVE_INFINITY, rowBest, rowAt);
                e.maxPoolColumns(h, 3, 2, 1, o, o, rowBest, rowAt, pooled, argmax, pl * o * o, pl * h * w);
            } else {
                e.avgPoolRows(h, w, 3, 2, 1, o, x, pl * h * w, rowBest);
                e.avgPoolColumns(h, 3, 2, 1, o, o, rowBest, divisors, divisors, pooled, pl * o * o);
            }
        }
        return pooled;
    }

    @Benchmark
    public float[] im2colFast() {
        FastIm2col.im2col(image, 0, 64, geometry, 0, 1024, cols, 0, 1024);
        return cols;
    }

    @Benchmark
    public float[] im2colScalar() {
        Im2col.im2col(image, 0, 64, geometry, cols, 0);
        return cols;
    }

    @Benchmark
    public double sumVector() { return vectorArrays.sum(x.length, x, 0); }

    /** The bias gradient's sums: 64 · 32 planes of 28 × 28, in OrderedSum's order. */
    @Benchmark
    public float[] orderedSumsVector() {
        vectorArrays.addOrderedSums(64 * 32, 28 * 28, dOut, 0, 28 * 28, pooled, 0);
        return pooled;
    }

    @Benchmark
    public float[] orderedSumsScalar() {
        scalarArrays.addOrderedSums(64 * 32, 28 * 28, dOut, 0, 28 * 28, pooled, 0);
        return pooled;
    }

    /** One cifar-c3 image (64 channels of 32 × 32) to channels-last, V × V blocks in registers. */
    @Benchmark
    public float[] transposeVector() { return transposeImage(true); }

    @Benchmark
    public float[] transposeScalar() { return transposeImage(false); }

    private float[] transposeImage(boolean vectorBlocks) {
        for (int c0 = 0; c0 < 64; c0 += Transpose.V) {
            for (int p = 0; p < 32 * 32; p += Transpose.V) {
                if (vectorBlocks) Transpose.block(image, c0 * 32 * 32 + p, 32 * 32, cols, c0, pixelRows, p);
                else Transpose.reference(image, c0 * 32 * 32 + p, 32 * 32, cols, c0, pixelRows, p);
            }
        }
        return cols;
    }

    private static final AdamStep ADAM_STEP = AdamStep.of(1e-3, 0.9, 0.999, 1e-8, 0, false, 10);

    @Benchmark
    public float[] adamVector() {
        vectorOptim.adam(y.length, y, dOut, moment1, moment2, ADAM_STEP);
        return y;
    }
}
