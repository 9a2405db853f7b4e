package org.conv4j.util;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.conv4j.model.Model;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Zoo;
import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void torchEngineIsTheStandardMersenneTwister() {
        // Values required of std::mt19937 by the C++ standard (seed 5489) and its well-known seed-0 output.
        Rng r = Rng.torch(5489);
        assertEquals(3499211612L, r.nextInt() & 0xFFFFFFFFL);
        for (int i = 2; i < 10_000; i++) r.nextInt();
        assertEquals(4123659995L, r.nextInt() & 0xFFFFFFFFL, "10,000th output");
        assertEquals(2357136044L, Rng.torch(0).nextInt() & 0xFFFFFFFFL);
        // torch.manual_seed keeps only the low 32 bits.
        assertEquals(Rng.torch(7).nextLong(), Rng.torch(7 + (1L << 32)).nextLong());
    }

    /**
     * Golden values from PyTorch 1.13 (Debian's python3-torch) on this machine: torch.manual_seed(0), the reference
     * CNN of torch_fmnist.py, then two torch.randperm(60000). CRC-32 over the little-endian bytes of every
     * parameter in order, and of each permutation as int32.
     */
    @Test
    void referenceCnnStartsFromTorchsSeedZeroDraw() {
        Rng g = Rng.torch(0);
        Model m = Zoo.spec("reference").build(g);
        float[] all = new float[0];
        for (NamedParam p : NamedParam.of(m.network())) {
            float[] v = p.param().value().data();
            int at = all.length;
            all = Arrays.copyOf(all, at + v.length);
            System.arraycopy(v, 0, all, at, v.length);
        }
        assertEquals(421_642, all.length);
        assertEquals(0xbb238d56, Float.floatToRawIntBits(all[0]));
        assertEquals(0x3e371b28, Float.floatToRawIntBits(all[1]));
        assertEquals(0x3b6e764c, Float.floatToRawIntBits(all[all.length - 1]));
        assertEquals(0xe923eb79L, crc(all), "CRC-32 of all initial parameters");

        int[] p1 = identity(60_000), p2 = identity(60_000);
        g.shuffle(p1);
        g.shuffle(p2);
        assertEquals(0xb993ccb8L, crc(p1), "first torch.randperm(60000)");
        assertEquals(0x00fb2eccL, crc(p2), "second torch.randperm(60000)");
        float[] fc2 = NamedParam.of(m.network()).get(6).param().value().data();
        assertArrayEquals(fc2, NamedParam.of(Zoo.spec("reference").build(0).network()).get(6).param().value().data(),
                "build(seed) draws from Rng.torch(seed)");
    }

    @Test
    void uniformIsOneRoundingOfTorchsFormula() {
        Rng a = Rng.torch(3), b = Rng.torch(3);
        float from = -0.1234f, to = 0.3333f;   // to − from is not a power of two, so two roundings would differ
        for (int i = 0; i < 10_000; i++) {
            int bits = b.nextInt();
            double x = (bits & 0xFFFFFF) * 0x1.0p-24;
            float expected = (float) (x * (double) (to - from) + from); // x·(to−from) is exact in double
            float got = a.uniform(from, to);
            assertEquals(expected, got, "draw " + i);
            assertTrue(got >= from && got <= to);
        }
    }

    @Test
    void stateRoundTripsOnBothEnginesAcrossATwist() {
        for (Rng r : new Rng[] {Rng.torch(11), new Rng(11)}) {
            for (int i = 0; i < 620; i++) r.nextInt();   // 4 words before the torch engine's next twist
            r.nextGaussian();                            // leaves a spare
            long[] s = r.state();
            assertEquals(r.isTorch() ? Rng.TORCH_STATE_WORDS : Rng.XOSHIRO_STATE_WORDS, s.length);
            double[] expected = new double[20];
            for (int i = 0; i < 20; i++) expected[i] = i % 2 == 0 ? r.nextGaussian() : r.nextInt();
            Rng other = r.isTorch() ? new Rng(99) : Rng.torch(99);   // the state also switches the engine
            other.setState(s);
            assertEquals(r.isTorch(), other.isTorch());
            for (int i = 0; i < 20; i++) assertEquals(expected[i], i % 2 == 0 ? other.nextGaussian() : other.nextInt(), "draw " + i);
        }
    }

    @Test
    void badStatesAreRejectedWithTheReason() {
        Rng r = new Rng(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.setState(new long[7]));
        assertTrue(e.getMessage().contains("6 (xoshiro256**) or 627 (mt19937) words, got 7"), e.getMessage());
        long[] s = Rng.torch(1).state();
        s[5] = 1L << 40;
        e = assertThrows(IllegalArgumentException.class, () -> r.setState(s));
        assertTrue(e.getMessage().contains("word 5 is not 32-bit"), e.getMessage());
        long[] p = Rng.torch(1).state();
        p[624] = 625;
        e = assertThrows(IllegalArgumentException.class, () -> r.setState(p));
        assertTrue(e.getMessage().contains("position must be 0..624, got 625"), e.getMessage());
    }

    @Test
    void bothEnginesShuffleIntoPermutationsOfRoughlyEqualChance() {
        for (Rng r : new Rng[] {Rng.torch(5), new Rng(5)}) {
            int[][] counts = new int[4][4];
            for (int t = 0; t < 40_000; t++) {
                int[] a = identity(4);
                r.shuffle(a);
                for (int i = 0; i < 4; i++) counts[i][a[i]]++;
            }
            for (int[] row : counts) for (int c : row) assertEquals(10_000, c, 400, (r.isTorch() ? "torch " : "xoshiro ") + Arrays.deepToString(counts));
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** CRC-32 of the floats' little-endian bytes, as zlib.crc32 of a numpy float32 array's tobytes(). */
    private static long crc(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) bits[i] = Float.floatToRawIntBits(v[i]);
        return crc(bits);
    }

    private static long crc(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) b.putInt(i);
        CRC32 c = new CRC32();
        c.update(b.array());
        return c.getValue();
    }
}
