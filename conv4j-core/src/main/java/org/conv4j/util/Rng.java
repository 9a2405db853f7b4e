package org.conv4j.util;

import java.util.Arrays;

/**
 * A seedable random generator whose whole state can be read and restored, so a resumed training run draws
 * exactly the numbers an uninterrupted one would. Not thread-safe: give each consumer its own, e.g. via
 * {@link #split()}.
 *
 * <p>Two engines:
 * <ul>
 *   <li>{@code new Rng(seed)}: xoshiro256**, small and fast, for gradient checks, augmentation and dropout.</li>
 *   <li>{@link #torch(long) Rng.torch(seed)}: PyTorch's CPU generator after {@code torch.manual_seed(seed)}
 *       (mt19937). Its {@link #uniform}, {@link #shuffle} and {@link #nextFloat} draw bitwise what
 *       {@code Tensor.uniform_} on float32 and {@code torch.randperm} draw, so a model initialised and
 *       shuffled from it starts where PyTorch's would.</li>
 * </ul>
 */
public final class Rng {
    /** Words in {@link #state()}: xoshiro256** (4 + spare flag + spare) or mt19937 (624 + position + spare pair). */
    public static final int XOSHIRO_STATE_WORDS = 6, TORCH_STATE_WORDS = Mt19937.N + 3;

    private long s0, s1, s2, s3;
    private Mt19937 mt;             // the torch engine, or null for xoshiro
    private double spareGaussian;
    private boolean hasSpare;

    /**
     * A xoshiro256** generator seeded from {@code seed} through SplitMix64.
     *
     * @param seed any value; the same seed gives the same stream
     */
    public Rng(long seed) {
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x + 0x9E3779B97F4A7C15L);
    }

    private Rng(Mt19937 mt) { this.mt = mt; }

    /**
     * PyTorch's CPU generator as {@code torch.manual_seed(seed)} leaves it. Like torch, only the seed's low
     * 32 bits count.
     *
     * @param seed the seed; its low 32 bits are used
     * @return a generator on the mt19937 engine
     */
    public static Rng torch(long seed) { return new Rng(new Mt19937(seed)); }

    /**
     * True for the PyTorch-compatible engine.
     *
     * @return whether this generator is the mt19937 engine of {@link #torch(long)}
     */
    public boolean isTorch() { return mt != null; }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * 64 random bits; on the torch engine two 32-bit draws, high word first, as torch's {@code random64()}.
     *
     * @return the next 64 bits
     */
    public long nextLong() {
        if (mt != null) return ((long) mt.next() << 32) | (mt.next() & 0xFFFFFFFFL);
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /**
     * 32 random bits (read them unsigned); torch's {@code random()} on the torch engine.
     *
     * @return the next 32 bits
     */
    public int nextInt() { return mt != null ? mt.next() : (int) (nextLong() >>> 32); }

    /**
     * Uniform in [0, 1); on the torch engine the low 53 bits of one {@code random64()}, as torch's double uniform_.
     *
     * @return the next value, a multiple of 2⁻⁵³
     */
    public double nextDouble() {
        return mt != null ? (nextLong() & ((1L << 53) - 1)) * 0x1.0p-53 : (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Uniform in [0, 1); on the torch engine the low 24 bits of one {@code random()}, as torch's float uniform_.
     *
     * @return the next value, a multiple of 2⁻²⁴
     */
    public float nextFloat() {
        return mt != null ? (mt.next() & 0xFFFFFF) * 0x1.0p-24f : (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /**
     * Uniform in [from, to] ({@code to} only by rounding, as in torch), by torch's float rule
     * {@code x·(to − from) + from} with one rounding (its CPU kernel is compiled with FMA contraction). On the
     * torch engine this is {@code Tensor.uniform_(from, to)} value for value.
     *
     * @param from lower bound
     * @param to   upper bound
     * @return the next value
     */
    public float uniform(float from, float to) { return Math.fma(nextFloat(), to - from, from); }

    /**
     * Uniform in [0, bound), without modulo bias.
     *
     * @param bound the exclusive upper bound
     * @return the next value
     * @throws IllegalArgumentException if {@code bound} is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        // Lemire's multiply-shift with rejection: unbiased.
        long m = (nextInt() & 0xFFFFFFFFL) * bound;
        long l = m & 0xFFFFFFFFL;
        if (l < bound) {
            long t = (0x100000000L - bound) % bound;
            while (l < t) { m = (nextInt() & 0xFFFFFFFFL) * bound; l = m & 0xFFFFFFFFL; }
        }
        return (int) (m >>> 32);
    }

    /** {@return true or false with equal chance, from the sign bit of {@link #nextLong()}} */
    public boolean nextBoolean() { return nextLong() < 0; }

    /**
     * Standard normal (Marsaglia polar method).
     *
     * @return the next value; every second call returns the spare of the pair drawn before
     */
    public double nextGaussian() {
        if (hasSpare) { hasSpare = false; return spareGaussian; }
        double u, v, s;
        do { u = 2 * nextDouble() - 1; v = 2 * nextDouble() - 1; s = u * u + v * v; } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * m; hasSpare = true;
        return u * m;
    }

    /**
     * Shuffles {@code a} in place. xoshiro: Fisher–Yates, unbiased. Torch engine: {@code torch.randperm}'s
     * rule, a forward pass swapping a[i] with a[i + random() mod (n − i)], so on {@code 0..n-1} it gives
     * randperm(n)'s permutation (its modulo bias is below n / 2³² per draw).
     *
     * @param a the array to shuffle
     */
    public void shuffle(int[] a) {
        if (mt != null) {
            for (int i = 0; i < a.length - 1; i++) {
                int j = i + (int) ((mt.next() & 0xFFFFFFFFL) % (a.length - i));
                int t = a[i]; a[i] = a[j]; a[j] = t;
            }
            return;
        }
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }

    /**
     * A new xoshiro generator seeded from this one.
     *
     * @return an independent xoshiro generator; this one advances by one {@link #nextLong()}
     */
    public Rng split() { return new Rng(nextLong()); }

    /**
     * A new xoshiro generator seeded from a hash of this one's state, without drawing from it: for consumers
     * that must leave this stream where it is.
     *
     * @return an independent xoshiro generator; this one is not advanced
     */
    public Rng derive() {
        long h = 0x2545F4914F6CDD1DL;
        for (long w : state()) h = splitMix(h ^ w);
        return new Rng(h);
    }

    /**
     * The whole state, for checkpoints: {@link #XOSHIRO_STATE_WORDS} words (4 state words, spare flag, spare
     * bits) or {@link #TORCH_STATE_WORDS} (624 state words, position, spare flag, spare bits).
     *
     * @return a new array of {@link #XOSHIRO_STATE_WORDS} or {@link #TORCH_STATE_WORDS} words
     */
    public long[] state() {
        long[] s;
        if (mt != null) {
            long[] m = mt.state();
            s = Arrays.copyOf(m, TORCH_STATE_WORDS);
        } else {
            s = new long[] {s0, s1, s2, s3, 0, 0};
        }
        s[s.length - 2] = hasSpare ? 1 : 0;
        s[s.length - 1] = Double.doubleToRawLongBits(spareGaussian);
        return s;
    }

    /**
     * Restores a {@link #state()}, switching engine if it came from the other one.
     *
     * @param st a state of either length, as {@link #state()} returns it
     * @throws IllegalArgumentException if {@code st} has neither length
     */
    public void setState(long[] st) {
        if (st.length == TORCH_STATE_WORDS) {
            Mt19937 m = new Mt19937(0);
            m.setState(st, 0);
            mt = m;
        } else if (st.length == XOSHIRO_STATE_WORDS) {
            mt = null;
            s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
        } else {
            throw new IllegalArgumentException("Rng state has " + XOSHIRO_STATE_WORDS + " (xoshiro256**) or "
                    + TORCH_STATE_WORDS + " (mt19937) words, got " + st.length);
        }
        hasSpare = st[st.length - 2] != 0;
        spareGaussian = Double.longBitsToDouble(st[st.length - 1]);
    }

    /**
     * True if {@code words} is a state length {@link #setState} accepts.
     *
     * @param words a state array's length
     * @return whether it is {@link #XOSHIRO_STATE_WORDS} or {@link #TORCH_STATE_WORDS}
     */
    public static boolean isStateLength(int words) { return words == XOSHIRO_STATE_WORDS || words == TORCH_STATE_WORDS; }
}
