package org.conv4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conv4j.io.FormatException;
import org.conv4j.model.Normalization;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** n images of [c, h, w] with pixel values that identify image and position, labels i % classes. */
    static Dataset synthetic(int n, int c, int h, int w, int classes) {
        float[] px = new float[n * c * h * w];
        for (int i = 0; i < px.length; i++) px[i] = (i % 251) / 251f;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % classes;
        return new Dataset("synthetic", px, y, c, h, w, ClassNames.numbered(classes));
    }

    private static List<float[]> epochs(DataLoader l, int count) {
        List<float[]> out = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            while (l.hasNext()) {
                Batch b = l.next();
                out.add(b.x().data().clone());
                out.add(Arrays.stream(b.labels()).asDoubleStream().collect(() -> new float[b.size()], (a, v) -> {}, (a, q) -> {}));
                float[] idx = new float[b.size()];
                for (int k = 0; k < b.size(); k++) idx[k] = b.indices()[k];
                out.add(idx);
            }
            l.nextEpoch();
        }
        return out;
    }

    @Test
    void everyImageOncePerEpochInBatchesOfTheRightSize() {
        Dataset d = synthetic(10, 1, 2, 2, 3);
        DataLoader l = new DataLoader(d, LoaderConfig.train(4, 7));
        assertEquals(3, l.batchesPerEpoch());
        for (int e = 0; e < 3; e++) {
            boolean[] seen = new boolean[10];
            List<Integer> sizes = new ArrayList<>();
            while (l.hasNext()) {
                Batch b = l.next();
                assertEquals(e, b.epoch());
                sizes.add(b.size());
                assertArrayEquals(new int[] {b.size(), 1, 2, 2}, b.x().shape());
                for (int k = 0; k < b.size(); k++) {
                    int i = b.indices()[k];
                    assertFalse(seen[i]);
                    seen[i] = true;
                    assertEquals(d.label(i), b.labels()[k]);
                    assertArrayEquals(d.image(i).data(), Arrays.copyOfRange(b.x().data(), k * 4, k * 4 + 4));
                }
            }
            assertEquals(List.of(4, 4, 2), sizes);
            for (boolean s : seen) assertTrue(s);
            l.nextEpoch();
        }
        DataLoader dropping = new DataLoader(d, LoaderConfig.train(4, 7).withDropLast(true));
        assertEquals(2, dropping.batchesPerEpoch());
        dropping.next(); dropping.next();
        assertFalse(dropping.hasNext());
    }

    @Test
    void shufflingIsSeededAndChangesPerEpoch() {
        Dataset d = synthetic(50, 1, 1, 1, 5);
        int[] a0 = order(new DataLoader(d, LoaderConfig.train(50, 1)));
        int[] b0 = order(new DataLoader(d, LoaderConfig.train(50, 1)));
        int[] c0 = order(new DataLoader(d, LoaderConfig.train(50, 2)));
        assertArrayEquals(a0, b0);
        assertFalse(Arrays.equals(a0, c0));
        DataLoader l = new DataLoader(d, LoaderConfig.train(50, 1));
        l.next(); l.nextEpoch();
        assertFalse(Arrays.equals(a0, l.next().indices()));
        assertArrayEquals(Dataset.identity(50), order(new DataLoader(d, LoaderConfig.eval(50))));
    }

    private static int[] order(DataLoader l) { return l.next().indices().clone(); }

    @Test
    void backgroundPreparationGivesTheSameBatchesAsForeground() {
        Dataset d = synthetic(37, 3, 5, 4, 4);
        LoaderConfig cfg = LoaderConfig.train(8, 3).withAugmentation(Augmentation.of(2, true))
                .withNormalization(d.channelNormalization());
        List<float[]> bg = epochs(new DataLoader(d, cfg), 3);
        List<float[]> fg = epochs(new DataLoader(d, cfg.withBackground(false)), 3);
        assertEquals(bg.size(), fg.size());
        for (int i = 0; i < bg.size(); i++) assertArrayEquals(fg.get(i), bg.get(i), "array " + i);
    }

    @Test
    void restoredStateContinuesBitwiseIdentically() throws FormatException {
        Dataset d = synthetic(29, 1, 6, 6, 3);
        LoaderConfig cfg = LoaderConfig.train(5, 11).withAugmentation(Augmentation.of(1, true));
        List<float[]> reference = epochs(new DataLoader(d, cfg), 3);

        DataLoader first = new DataLoader(d, cfg);
        List<float[]> got = new ArrayList<>(epochs(first, 1));
        for (int k = 0; k < 2; k++) {  // two batches into epoch 1, then "crash"
            Batch b = first.next();
            got.add(b.x().data().clone());
            got.add(null); got.add(null);
        }
        byte[] saved = first.state().encode();
        DataLoader resumed = new DataLoader(d, cfg.withSeed(999)); // the seed is in the state, not the config
        resumed.restore(LoaderState.decode(saved, "test"));
        assertEquals(1, resumed.epoch());
        assertEquals(2, resumed.batchIndex());
        got.addAll(epochsFromHere(resumed, 2));
        assertEquals(reference.size(), got.size());
        for (int i = 0; i < reference.size(); i++) {
            if (got.get(i) != null) assertArrayEquals(reference.get(i), got.get(i), "array " + i);
        }
    }

    private static List<float[]> epochsFromHere(DataLoader l, int count) {
        List<float[]> out = new ArrayList<>(epochs(l, 1));
        // epochs() collects the rest of the current epoch first, then whole epochs
        out.addAll(epochs(l, count - 1));
        return out;
    }

    @Test
    void loaderStateCarriesEitherEnginesGenerator() throws Exception {
        for (Rng r : new Rng[] {Rng.torch(3), new Rng(3)}) {
            r.nextInt();
            LoaderState s = new LoaderState(42L, 2, 1, new int[] {2, 0, 1}, r.state());
            LoaderState back = LoaderState.decode(s.encode(), "ckpt");
            assertArrayEquals(r.state(), back.rngState());
            assertArrayEquals(new int[] {2, 0, 1}, back.order());
        }
        byte[] torchSized = new LoaderState(42L, 2, 1, new int[] {2, 0, 1}, Rng.torch(3).state()).encode();
        torchSized[torchSized.length - 8 * 3] = 0x7f;   // the mt19937 position, past 624
        FormatException e = assertThrows(FormatException.class, () -> LoaderState.decode(torchSized, "ckpt"));
        assertTrue(e.getMessage().contains("ckpt") && e.getMessage().contains("position"), e.getMessage());
    }

    @Test
    void eachEpochsOrderIsTheNextTorchRandperm() {
        DataLoader l = new DataLoader(synthetic(37, 1, 2, 2, 3), LoaderConfig.train(8, 5).withBackground(false));
        Rng torch = Rng.torch(5);
        for (int e = 0; e < 3; e++) {
            int[] expected = Dataset.identity(37);
            torch.shuffle(expected);
            assertArrayEquals(expected, l.state().order(), "epoch " + e);
            l.nextEpoch();
        }
    }

    @Test
    void corruptLoaderStateIsRejected() {
        byte[] good = new LoaderState(42L, 2, 3, new int[] {2, 0, 1}, new Rng(1).state()).encode();
        byte[] notPerm = good.clone();
        notPerm[24] = 1; // order[0] = 1, a duplicate
        assertThrows(FormatException.class, () -> LoaderState.decode(notPerm, "ckpt"));
        assertThrows(FormatException.class, () -> LoaderState.decode(Arrays.copyOf(good, good.length - 1), "ckpt"));
        byte[] hugeN = good.clone();
        hugeN[12] = (byte) 0xff; hugeN[13] = (byte) 0xff; hugeN[14] = (byte) 0xff; hugeN[15] = 0x7f;
        assertThrows(FormatException.class, () -> LoaderState.decode(hugeN, "ckpt"));
    }

    @Test
    void augmentationIsACropOfThePaddedImageThenAFlip() {
        int c = 2, h = 5, w = 4, p = 2;
        float[] src = new float[c * h * w];
        for (int i = 0; i < src.length; i++) src[i] = i + 1;
        Augmentation aug = Augmentation.of(p, true);
        boolean sawFlip = false, sawPlain = false;
        for (int trial = 0; trial < 200; trial++) {
            float[] dst = new float[src.length];
            aug.apply(src, 0, dst, 0, c, h, w, new Rng(trial));
            // replay the draws: dy, dx in [-p, p], then the flip
            Rng r = new Rng(trial);
            int dy = r.nextInt(2 * p + 1) - p, dx = r.nextInt(2 * p + 1) - p;
            boolean flip = r.nextBoolean();
            sawFlip |= flip; sawPlain |= !flip;
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        // torchvision: pad by p, crop at (dy+p, dx+p), then mirror the crop
                        int cx = flip ? w - 1 - x : x;
                        int sy = y + dy, sx = cx + dx;
                        float expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(ch * h + sy) * w + sx] : 0f;
                        assertEquals(expected, dst[(ch * h + y) * w + x]);
                    }
        }
        assertTrue(sawFlip && sawPlain);
    }

    @Test
    void normalizationUsesPerChannelMeanAndStd() {
        Dataset d = synthetic(6, 3, 2, 2, 2);
        Normalization n = d.channelNormalization();
        DataLoader l = new DataLoader(d, LoaderConfig.eval(6).withNormalization(n));
        float[] x = l.next().x().data();
        for (int ch = 0; ch < 3; ch++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < 6; i++) for (int k = 0; k < 4; k++) { double v = x[i * 12 + ch * 4 + k]; s += v; s2 += v * v; }
            assertEquals(0, s / 24, 1e-5);
            assertEquals(1, s2 / 24, 1e-4);
        }
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(d, LoaderConfig.eval(2)
                .withNormalization(new Normalization(new float[] {0, 0}, new float[] {1, 1}))));
        assertThrows(IllegalArgumentException.class, () -> Normalization.of(0.5f, 0f));
    }

    @Test
    void validationSplitIsSeededDisjointAndComplete() {
        Dataset d = synthetic(100, 1, 2, 2, 10);
        Dataset.Split a = d.split(0.1, 5), b = d.split(0.1, 5), c = d.split(0.1, 6);
        assertEquals(90, a.train().size());
        assertEquals(10, a.validation().size());
        assertArrayEquals(a.validation().images().data(), b.validation().images().data());
        assertFalse(Arrays.equals(a.validation().images().data(), c.validation().images().data()));
        // every image lands in exactly one part: compare multisets of (label, first pixel)
        List<String> all = new ArrayList<>(), parts = new ArrayList<>();
        for (int i = 0; i < 100; i++) all.add(key(d, i));
        for (int i = 0; i < 90; i++) parts.add(key(a.train(), i));
        for (int i = 0; i < 10; i++) parts.add(key(a.validation(), i));
        all.sort(null); parts.sort(null);
        assertEquals(all, parts);
        assertThrows(IllegalArgumentException.class, () -> d.split(0, 1));
    }

    private static String key(Dataset d, int i) {
        return d.label(i) + ":" + Arrays.toString(d.image(i).data());
    }
}
