package org.conv4j.util;

/**
 * The 32-bit Mersenne Twister (Matsumoto and Nishimura, 1998), the engine behind PyTorch's CPU generator.
 * Seeded the way {@code torch.manual_seed(seed)} seeds it: the standard {@code init_genrand} on the seed's
 * low 32 bits (torch drops the high bits too). For seed 5489 the 10,000th output is 4123659995, the value
 * the C++ standard requires of {@code std::mt19937}.
 *
 * <p>The state is 624 words and a position; {@link #state} and {@link #setState} carry both, so a
 * checkpointed stream continues exactly. Not thread-safe.
 */
final class Mt19937 {
    static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908B0DF, UPPER = 0x80000000, LOWER = 0x7FFFFFFF;

    private final int[] mt = new int[N];
    private int index;        // next word of mt to temper; N means "twist first"

    Mt19937(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        index = N;
    }

    /** The next 32 random bits (torch's {@code random()}; read them unsigned). */
    int next() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        return y ^ (y >>> 18);
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        index = 0;
    }

    /** 624 words then the position, each as a non-negative long. */
    long[] state() {
        long[] s = new long[N + 1];
        for (int i = 0; i < N; i++) s[i] = mt[i] & 0xFFFFFFFFL;
        s[N] = index;
        return s;
    }

    /** Restores {@link #state()}'s words starting at {@code from} of {@code s}. */
    void setState(long[] s, int from) {
        for (int i = 0; i < N; i++) {
            long w = s[from + i];
            if (w >>> 32 != 0) throw new IllegalArgumentException("mt19937 state word " + i + " is not 32-bit: " + w);
            mt[i] = (int) w;
        }
        long p = s[from + N];
        if (p < 0 || p > N) throw new IllegalArgumentException("mt19937 position must be 0.." + N + ", got " + p);
        index = (int) p;
    }
}
