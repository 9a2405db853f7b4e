package org.conv4j.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.conv4j.layers.Layer;
import org.conv4j.pool.AdaptiveAvgPool2d;
import org.conv4j.pool.AdaptiveMaxPool2d;
import org.conv4j.pool.AdaptivePoolConfig;
import org.conv4j.shape.UpsampleConfig.Mode;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pad2d, the adaptive pools, Upsample, ChannelShuffle and Slice against PyTorch 1.13
 * (fixtures/spatial/make_spatial_fixtures.py, which states each case's torch call): the output and dx
 * within 1e-5 of the largest expected value, the very shapes, and infer bitwise equal to forward.
 */
class SpatialTorchTest {
    private static final double TOL = 1e-5;

    /** Each fixture folder and the conv4j layer configured as the script's torch call. */
    static final Map<String, Supplier<Layer>> CASES = new LinkedHashMap<>();

    static {
        PadConfig.Mode reflect = PadConfig.Mode.REFLECT, replicate = PadConfig.Mode.REPLICATE;
        CASES.put("pad_constant", () -> new Pad2d(PadConfig.of(1, 2, 0, 3)));
        CASES.put("pad_constant_value_crop", () -> new Pad2d(PadConfig.of(-1, 2, 1, -2).withValue(1.5f)));
        CASES.put("pad_reflect", () -> new Pad2d(PadConfig.of(2, 3, 1, 2).withMode(reflect)));
        CASES.put("pad_reflect_widest", () -> new Pad2d(PadConfig.of(3, 3, 2, 2).withMode(reflect)));
        CASES.put("pad_replicate", () -> new Pad2d(PadConfig.of(2, 1, 3, 0).withMode(replicate)));
        CASES.put("pad_replicate_1x1", () -> new Pad2d(PadConfig.of(2, 2, 1, 3).withMode(replicate)));

        CASES.put("adaptive_avg_5x7_to_3x4", () -> new AdaptiveAvgPool2d(AdaptivePoolConfig.of(3, 4)));
        CASES.put("adaptive_avg_3x5_to_5x7", () -> new AdaptiveAvgPool2d(AdaptivePoolConfig.of(5, 7)));
        CASES.put("adaptive_avg_7x6_to_2", () -> new AdaptiveAvgPool2d(AdaptivePoolConfig.of(2)));
        CASES.put("adaptive_avg_global", () -> new AdaptiveAvgPool2d(AdaptivePoolConfig.of(1)));
        CASES.put("adaptive_avg_1x1_to_2x3", () -> new AdaptiveAvgPool2d(AdaptivePoolConfig.of(2, 3)));
        CASES.put("adaptive_max_5x7_to_3x4", () -> new AdaptiveMaxPool2d(AdaptivePoolConfig.of(3, 4)));
        CASES.put("adaptive_max_3x5_to_5x7", () -> new AdaptiveMaxPool2d(AdaptivePoolConfig.of(5, 7)));
        CASES.put("adaptive_max_7x6_to_4x3", () -> new AdaptiveMaxPool2d(AdaptivePoolConfig.of(4, 3)));

        CASES.put("nearest_scale_1.7", () -> new Upsample(UpsampleConfig.scale(1.7)));
        CASES.put("nearest_scale_2.3x0.6", () -> new Upsample(UpsampleConfig.scale(2.3, 0.6)));
        CASES.put("nearest_scale_1.7_recompute", () -> new Upsample(UpsampleConfig.scale(1.7).withRecomputeScaleFactor(true)));
        CASES.put("nearest_scale_2", () -> new Upsample(UpsampleConfig.scale(2)));
        CASES.put("nearest_scale_1.1", () -> new Upsample(UpsampleConfig.scale(1.1)));
        CASES.put("nearest_size_7x9", () -> new Upsample(UpsampleConfig.size(7, 9)));
        CASES.put("nearest_size_3x4_down", () -> new Upsample(UpsampleConfig.size(3, 4)));
        CASES.put("nearest_exact_scale_1.7", () -> new Upsample(UpsampleConfig.scale(1.7).withMode(Mode.NEAREST_EXACT)));
        CASES.put("nearest_exact_size_7x9", () -> new Upsample(UpsampleConfig.size(7, 9).withMode(Mode.NEAREST_EXACT)));
        CASES.put("bilinear_scale_1.7", () -> new Upsample(UpsampleConfig.scale(1.7).withMode(Mode.BILINEAR)));
        CASES.put("bilinear_scale_1.1_same_size", () -> new Upsample(UpsampleConfig.scale(1.1, 1.7).withMode(Mode.BILINEAR)));
        CASES.put("bilinear_scale_0.6", () -> new Upsample(UpsampleConfig.scale(0.6).withMode(Mode.BILINEAR)));
        CASES.put("bilinear_size_7x9", () -> new Upsample(UpsampleConfig.size(7, 9).withMode(Mode.BILINEAR)));
        CASES.put("bilinear_scale_1.7_recompute",
                () -> new Upsample(UpsampleConfig.scale(1.7).withMode(Mode.BILINEAR).withRecomputeScaleFactor(true)));
        CASES.put("bilinear_align_scale_1.7", () -> new Upsample(UpsampleConfig.scale(1.7).withMode(Mode.BILINEAR).withAlignCorners(true)));
        CASES.put("bilinear_align_size_7x9", () -> new Upsample(UpsampleConfig.size(7, 9).withMode(Mode.BILINEAR).withAlignCorners(true)));
        CASES.put("bilinear_align_size_1x3", () -> new Upsample(UpsampleConfig.size(1, 3).withMode(Mode.BILINEAR).withAlignCorners(true)));
        CASES.put("bilinear_from_1x1", () -> new Upsample(UpsampleConfig.size(3, 2).withMode(Mode.BILINEAR)));

        CASES.put("shuffle_g2", () -> new ChannelShuffle(2));
        CASES.put("shuffle_g3", () -> new ChannelShuffle(3));
        CASES.put("shuffle_g4_1x1", () -> new ChannelShuffle(4));
        CASES.put("shuffle_g1", () -> new ChannelShuffle(1));
        CASES.put("shuffle_g2_rank3", () -> new ChannelShuffle(2));

        CASES.put("slice_c_1_4", () -> new Slice(SliceConfig.of(1, 1, 4)));
        CASES.put("slice_w_neg3_end", () -> new Slice(SliceConfig.of(-1).withStart(-3)));
        CASES.put("slice_h_clamped", () -> new Slice(SliceConfig.of(2, -100, 2)));
        CASES.put("slice_c_step2", () -> new Slice(SliceConfig.of(1).withStart(1).withStep(2)));
        CASES.put("slice_w_to_neg1", () -> new Slice(SliceConfig.of(3).withEnd(-1)));
        CASES.put("slice_rank2", () -> new Slice(SliceConfig.of(1, 2, 9).withStep(3)));
    }

    static Stream<String> cases() { return CASES.keySet().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(String name) {
        TorchFixture f = TorchFixture.load("spatial", name);
        Layer l = CASES.get(name).get();
        Tensor x = f.tensor("x");
        Tensor out = l.forward(x);
        assertClose(f, name, "out", out);
        float[] outCopy = out.data().clone();
        Tensor dX = l.backward(f.tensor("dout"));
        if (f.has("dx")) assertClose(f, name, "dx", dX);  // the script says why a case has none
        assertArrayEquals(outCopy, l.infer(x).data(), name + ": infer equals forward");
        int[] item = Arrays.copyOfRange(x.shape(), 1, x.rank());
        assertArrayEquals(Arrays.copyOfRange(out.shape(), 1, out.rank()), l.outputShape(item), name + ": outputShape");
        // a second step reuses the buffers and must give the same again
        assertArrayEquals(outCopy, l.forward(x).data(), name + ": second forward");
        Tensor again = l.backward(f.tensor("dout"));
        if (f.has("dx")) assertClose(f, name, "dx", again);
    }

    /** The fixture's shape, and every value within {@link #TOL} of the largest expected magnitude. */
    static void assertClose(TorchFixture f, String name, String what, Tensor actual) {
        assertArrayEquals(f.array(what).shape(), actual.shape(), name + "/" + what + ": shape");
        double[] e = f.doubles(what);
        double scale = 1e-30, worst = 0;
        int at = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(actual.data()[i] - e[i]);
            if (!(d <= worst)) { worst = d; at = i; }
        }
        assertTrue(worst / scale <= TOL, name + "/" + what + ": error " + worst / scale + " of the largest value at index " + at
                + " (got " + actual.data()[at] + ", torch " + e[at] + ")");
    }
}
