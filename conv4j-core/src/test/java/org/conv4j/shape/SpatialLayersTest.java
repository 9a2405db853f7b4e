package org.conv4j.shape;

import static org.junit.jupiter.api.Assertions.*;

import org.conv4j.layers.Layer;
import org.conv4j.pool.AdaptiveAvgPool2d;
import org.conv4j.pool.AdaptiveMaxPool2d;
import org.conv4j.pool.AdaptivePoolConfig;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** Edge cases and errors of the spatial layers; their values against torch are in SpatialTorchTest. */
class SpatialLayersTest {

    static Tensor random(long seed, int... shape) {
        Tensor t = new Tensor(shape);
        Rng r = new Rng(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = 2 * r.nextFloat() - 1;
        return t;
    }

    // ---------------------------------------------------------------- Pad2d

    @Test
    void reflectNeedsPaddingBelowTheSideItMirrors() {
        Pad2d p = new Pad2d(PadConfig.of(1, 3, 0, 0).withMode(PadConfig.Mode.REFLECT));
        ShapeException e = assertThrows(ShapeException.class, () -> p.forward(new Tensor(1, 1, 4, 3)));
        assertTrue(e.getMessage().contains("Pad2d(1, 3, 0, 0, reflect)") && e.getMessage().contains("W = 3"), e.getMessage());
        assertArrayEquals(new int[] {1, 1, 4, 8}, p.forward(new Tensor(1, 1, 4, 4)).shape());
        assertThrows(ShapeException.class, () -> p.outputShape(new int[] {1, 4, 3}));
    }

    @Test
    void negativePaddingCropsInConstantModeOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PadConfig.of(-1, 0, 0, 0).withMode(PadConfig.Mode.REPLICATE));
        assertTrue(e.getMessage().contains("constant mode only"), e.getMessage());
        Pad2d crop = new Pad2d(PadConfig.of(-1, -1, -2, 0));
        Tensor x = random(1, 2, 3, 4, 5);
        Tensor out = crop.forward(x);
        assertArrayEquals(new int[] {2, 3, 2, 3}, out.shape());
        assertEquals(x.get(1, 2, 2, 1), out.get(1, 2, 0, 0));
        Tensor dX = crop.backward(Tensor.zerosLike(out).fill(1));
        assertEquals(0f, dX.get(0, 0, 0, 0));
        assertEquals(0f, dX.get(0, 0, 3, 4));
        assertEquals(1f, dX.get(0, 0, 3, 3));
        double sum = 0;
        for (float v : dX.data()) sum += v;
        assertEquals(out.size(), sum, "a crop's backward puts each dOut cell back exactly once");
        ShapeException none = assertThrows(ShapeException.class, () -> new Pad2d(PadConfig.of(-3, -2, 0, 0)).forward(x));
        assertTrue(none.getMessage().contains("at least 1"), none.getMessage());
    }

    @Test
    void reflectAndReplicateFoldTheirGradientOntoTheEdges() {
        // one row [a b c] reflect-padded by 2 is [c b a b c b a]: b is read 3 times, a and c twice
        Pad2d r = new Pad2d(PadConfig.of(2, 2, 0, 0).withMode(PadConfig.Mode.REFLECT));
        Tensor x = Tensor.wrap(new float[] {1, 2, 3}, 1, 1, 1, 3);
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 2, 1}, r.forward(x).data());
        assertArrayEquals(new float[] {2, 3, 2}, r.backward(new Tensor(1, 1, 1, 7).fill(1)).data());
        Pad2d p = new Pad2d(PadConfig.of(2, 1, 0, 0).withMode(PadConfig.Mode.REPLICATE));
        assertArrayEquals(new float[] {1, 1, 1, 2, 3, 3}, p.forward(x).data());
        assertArrayEquals(new float[] {3, 1, 2}, p.backward(new Tensor(1, 1, 1, 6).fill(1)).data());
    }

    @Test
    void badInputsNameTheLayer() {
        Pad2d p = new Pad2d(PadConfig.of(1));
        assertThrows(IllegalStateException.class, () -> p.backward(new Tensor(1, 1, 3, 3)));
        ShapeException rank = assertThrows(ShapeException.class, () -> p.forward(new Tensor(2, 3, 4)));
        assertTrue(rank.getMessage().startsWith("Pad2d(1, 1, 1, 1, constant)"), rank.getMessage());
        p.forward(new Tensor(1, 1, 2, 2));
        ShapeException dOut = assertThrows(ShapeException.class, () -> p.backward(new Tensor(1, 1, 3, 3)));
        assertTrue(dOut.getMessage().contains("[1, 1, 3, 3]") && dOut.getMessage().contains("[1, 1, 4, 4]"), dOut.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PadConfig.of(1).withMode(PadConfig.Mode.REFLECT).withValue(2));
    }

    // ---------------------------------------------------------------- adaptive pools

    @Test
    void adaptiveAverageOfOneIsTheGlobalAverage() {
        for (int[] s : new int[][] {{2, 3, 4, 5}, {1, 1, 1, 1}, {3, 2, 17, 23}}) {
            Tensor x = random(s[2] * 100L + s[3], s);
            AdaptiveAvgPool2d a = new AdaptiveAvgPool2d(AdaptivePoolConfig.of(1));
            GlobalAvgPool2d g = new GlobalAvgPool2d();
            Tensor ya = a.forward(x), yg = g.forward(x);
            assertArrayEquals(yg.shape(), ya.shape());
            for (int i = 0; i < ya.size(); i++) assertEquals(yg.data()[i], ya.data()[i], 1e-6, "plane " + i);
            Tensor dOut = random(5, s[0], s[1], 1, 1);
            assertArrayEquals(g.backward(dOut).data(), a.backward(dOut).data(), "the same gradient, bit for bit");
        }
    }

    @Test
    void adaptiveBinsOverlapWhenTheSizesDoNotDivide() {
        // 5 rows into 3 bins: [0, 2), [1, 4), [3, 5)
        int[][] want = {{0, 2}, {1, 4}, {3, 5}};
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i][0], AdaptivePoolConfig.binStart(i, 5, 3));
            assertEquals(want[i][1], AdaptivePoolConfig.binEnd(i, 5, 3));
        }
        assertEquals(46341, AdaptivePoolConfig.binEnd(46340, 46341, 46341), "no int overflow in i·in");
        assertThrows(IllegalArgumentException.class, () -> AdaptivePoolConfig.of(0, 2));
        assertEquals("AdaptiveAvgPool2d(3x4)", new AdaptiveAvgPool2d(AdaptivePoolConfig.of(3, 4)).describe());
    }

    @Test
    void adaptiveMaxTakesTheFirstOfTiesAndLetsNanWin() {
        AdaptiveMaxPool2d m = new AdaptiveMaxPool2d(AdaptivePoolConfig.of(1));
        Tensor x = Tensor.wrap(new float[] {1, 5, 5, 2}, 1, 1, 2, 2);
        assertEquals(5f, m.forward(x).data()[0]);
        assertArrayEquals(new float[] {0, 7, 0, 0}, m.backward(Tensor.wrap(new float[] {7}, 1, 1, 1, 1)).data());
        Tensor nan = Tensor.wrap(new float[] {1, Float.NaN, 5, 2}, 1, 1, 2, 2);
        assertTrue(Float.isNaN(m.forward(nan).data()[0]));
        assertArrayEquals(new float[] {0, 7, 0, 0}, m.backward(Tensor.wrap(new float[] {7}, 1, 1, 1, 1)).data());
        Tensor ninf = new Tensor(1, 1, 2, 2).fill(Float.NEGATIVE_INFINITY);
        assertEquals(Float.NEGATIVE_INFINITY, m.infer(ninf).data()[0]);
    }

    // ---------------------------------------------------------------- Upsample

    @Test
    void upsampleRefusesEmptyOutputsAndMisplacedSettings() {
        Upsample u = new Upsample(UpsampleConfig.scale(0.3));
        ShapeException e = assertThrows(ShapeException.class, () -> u.forward(new Tensor(1, 1, 3, 8)));
        assertTrue(e.getMessage().contains("Upsample(scale=0.3, nearest)") && e.getMessage().contains("output side of 0"), e.getMessage());
        assertArrayEquals(new int[] {1, 2, 2}, u.outputShape(new int[] {1, 7, 8}));  // ⌊7·0.3⌋, ⌊8·0.3⌋
        assertThrows(IllegalArgumentException.class, () -> UpsampleConfig.scale(2).withAlignCorners(true));
        assertThrows(IllegalArgumentException.class, () -> UpsampleConfig.size(3, 0));
        assertThrows(IllegalArgumentException.class, () -> UpsampleConfig.scale(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> UpsampleConfig.size(3, 3).withRecomputeScaleFactor(true));
        assertThrows(ShapeException.class, () -> u.forward(new Tensor(2, 3, 4)));
    }

    @Test
    void nearestScaleTwoRepeatsEachCellAndBackwardSumsTheCopies() {
        Upsample u = new Upsample(UpsampleConfig.scale(2));
        Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, u.forward(x).data());
        assertArrayEquals(new float[] {4, 4, 4, 4}, u.backward(new Tensor(1, 1, 4, 4).fill(1)).data());
    }

    @Test
    void bilinearWeightsSumToOne() {
        for (UpsampleConfig c : new UpsampleConfig[] {UpsampleConfig.scale(1.7), UpsampleConfig.size(1, 1), UpsampleConfig.scale(0.45)}) {
            for (boolean align : new boolean[] {false, true}) {
                Upsample u = new Upsample(c.withMode(UpsampleConfig.Mode.BILINEAR).withAlignCorners(align));
                Tensor ones = new Tensor(2, 1, 7, 9).fill(1);
                for (float v : u.forward(ones).data()) assertEquals(1f, v, 1e-6f, u.describe());
            }
        }
    }

    // ---------------------------------------------------------------- ChannelShuffle

    @Test
    void channelShuffleBackwardIsTheInversePermutation() {
        ChannelShuffle s = new ChannelShuffle(3);
        Tensor x = random(3, 2, 6, 2, 3);
        Tensor out = s.forward(x);
        assertEquals(x.get(1, 1, 0, 2), out.get(1, 3, 0, 2), "channel 1 = group 0, index 1 → 1·3 + 0");
        assertEquals(x.get(1, 4, 1, 1), out.get(1, 2, 1, 1), "channel 4 = group 2, index 0 → 0·3 + 2");
        assertArrayEquals(x.data(), s.backward(out.copy()).data());
        ShapeException e = assertThrows(ShapeException.class, () -> s.forward(new Tensor(1, 5, 2, 2)));
        assertTrue(e.getMessage().contains("ChannelShuffle(3)") && e.getMessage().contains("5 channels"), e.getMessage());
        assertThrows(ShapeException.class, () -> s.forward(new Tensor(1, 6)));
        assertThrows(IllegalArgumentException.class, () -> new ChannelShuffle(0));
    }

    // ---------------------------------------------------------------- Slice

    @Test
    void slicesOfOneValueSplitIt() {
        // Split's building block: three Slices cover the channels; their backwards add up to dOut
        Tensor x = random(4, 2, 7, 3, 2);
        Layer[] parts = {new Slice(SliceConfig.of(1, 0, 2)), new Slice(SliceConfig.of(1, 2, -2)), new Slice(SliceConfig.of(1).withStart(-2))};
        float[] sum = new float[x.size()];
        int channels = 0;
        for (Layer p : parts) {
            Tensor y = p.forward(x);
            channels += y.dim(1);
            Tensor dX = p.backward(y);
            for (int i = 0; i < sum.length; i++) sum[i] += dX.data()[i];
        }
        assertEquals(7, channels);
        assertArrayEquals(x.data(), sum);
    }

    @Test
    void sliceFollowsPythonIndicesAndRefusesWhatItCannotDo() {
        Tensor x = random(6, 1, 2, 3, 10);
        Slice s = new Slice(SliceConfig.of(-1, -7, 8).withStep(3));   // x[..., 3:8:3] = columns 3 and 6
        Tensor y = s.forward(x);
        assertArrayEquals(new int[] {1, 2, 3, 2}, y.shape());
        assertEquals(x.get(0, 1, 2, 6), y.get(0, 1, 2, 1));
        assertArrayEquals(new int[] {2, 3, 2}, s.outputShape(new int[] {2, 3, 10}));
        ShapeException empty = assertThrows(ShapeException.class, () -> new Slice(SliceConfig.of(2, 3, 3)).forward(x));
        assertTrue(empty.getMessage().contains("selects nothing"), empty.getMessage());
        assertThrows(ShapeException.class, () -> new Slice(SliceConfig.of(4, 0, 1)).forward(x));
        assertThrows(ShapeException.class, () -> new Slice(SliceConfig.of(-4, 0, 1)).forward(x), "-4 is the batch");
        assertThrows(IllegalArgumentException.class, () -> SliceConfig.of(0, 0, 1));
        assertEquals("Slice(dim=-1, -7:8:3)", s.describe());
        assertEquals("Slice(dim=1, 2:)", SliceConfig.of(1).withStart(2).describe());
    }
}
