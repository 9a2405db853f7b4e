package org.conv4j.data;

/**
 * The pixel values behind a {@link Dataset}, {@code [M, C, H, W]} flat: 8-bit sources (IDX, CIFAR, most
 * image files) keep their bytes, one byte a value, and are turned into float32 only when an image is
 * copied out; anything else (resized or luma-converted images, data built from float arrays) is held
 * as float32.
 *
 * <p>A byte {@code v} always reads as {@code UNIT[v] = v / 255f}, the value the float32 path stored for it,
 * so a dataset gives bitwise the same floats whichever store holds it. Stores are never written after
 * construction and are safe to share between threads and views.
 */
sealed interface PixelStore {
    /** Byte value v as float32 v / 255 (a division, as numpy's and torchvision's scaling does). */
    float[] UNIT = unitTable();

    /** Number of values. */
    long length();

    /** Bytes of memory per value: 1 or 4. */
    int bytesPerValue();

    /** Copies values {@code [from, from + n)} as float32 into {@code dst} at {@code offset}. */
    void copy(int from, float[] dst, int offset, int n);

    /** Unsigned bytes, each read as {@code v / 255f}. */
    record Bytes(byte[] values) implements PixelStore {
        public long length() { return values.length; }

        public int bytesPerValue() { return 1; }

        public void copy(int from, float[] dst, int offset, int n) {
            for (int k = 0; k < n; k++) dst[offset + k] = UNIT[values[from + k] & 0xff];
        }
    }

    /** float32 values, copied as they are. */
    record Floats(float[] values) implements PixelStore {
        public long length() { return values.length; }

        public int bytesPerValue() { return 4; }

        public void copy(int from, float[] dst, int offset, int n) { System.arraycopy(values, from, dst, offset, n); }
    }

    /**
     * The byte whose {@code UNIT} value is bitwise {@code v}, or -1 if there is none (values a resize or a
     * colour conversion produced, -0.0, NaN): those images must stay float32.
     */
    static int exactByte(float v) {
        if (!(v >= 0f && v <= 1f)) return -1;
        int b = Math.round(v * 255f);
        return Float.floatToRawIntBits(UNIT[b]) == Float.floatToRawIntBits(v) ? b : -1;
    }

    private static float[] unitTable() {
        float[] t = new float[256];
        for (int v = 0; v < 256; v++) t[v] = v / 255f;
        return t;
    }
}
