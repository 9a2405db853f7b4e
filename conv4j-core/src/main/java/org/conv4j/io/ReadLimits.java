package org.conv4j.io;

/**
 * The fixed ceilings every conv4j loader checks a declared size against BEFORE allocating, and the
 * overflow-safe arithmetic it checks with. A declared size must also be backed by the file's real length
 * (or, for compressed data, by the data actually decompressed): a header alone never makes conv4j
 * allocate.
 */
public final class ReadLimits {
    private ReadLimits() {}

    /** Largest Java array conv4j allocates (elements); the JVM's own limit is a little below 2^31. */
    public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 16;

    /** Most items (images) one file may declare. 2^26 = 67 million; ImageNet-1k has 1.3 million. */
    public static final long MAX_ITEMS = 1L << 26;

    /** Longest image side (pixels) for IDX and image files. */
    public static final int MAX_IMAGE_SIDE = 1 << 15;

    /** Most pixels one image file may declare: 2^25, about 33.5 Mpx (e.g. 8192x4096). */
    public static final long MAX_IMAGE_PIXELS = 1L << 25;

    /**
     * Most pixels a compressed image file may declare per byte of file. Deflate (PNG) expands by at most
     * 1032:1, so a 1-bit PNG holds at most 8 * 1032 pixels per byte; a JPEG needs at least one bit per
     * 8x8 block and component. A 35-byte file therefore never makes conv4j allocate more than ~300k pixels.
     */
    public static final long MAX_PIXELS_PER_FILE_BYTE = 8L * 1032;

    /** Upper bound of deflate's expansion (RFC 1951: at most 258 bytes per 2-bit code, about 1032:1). */
    public static final long MAX_DEFLATE_RATIO = 1032;

    /**
     * {@code a * b}, or a FormatException naming {@code what} if the product overflows a long or is negative.
     *
     * @param source the file or stream name errors start with
     * @param what   names the product in errors, e.g. "image size"
     * @param a      a non-negative factor
     * @param b      a non-negative factor
     * @return the product
     * @throws FormatException if a factor is negative or the product overflows a long
     */
    public static long multiply(String source, String what, long a, long b) throws FormatException {
        if (a < 0 || b < 0) throw new FormatException(source, what + " is negative (" + a + " x " + b + ")");
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new FormatException(source, what + " overflows (" + a + " x " + b + ")");
        }
    }

    /**
     * Product of non-negative factors, overflow-checked.
     *
     * @param source  the file or stream name errors start with
     * @param what    names the product in errors
     * @param factors non-negative factors
     * @return their product, 1 for none
     * @throws FormatException if a factor is negative or the product overflows a long
     */
    public static long product(String source, String what, long... factors) throws FormatException {
        long p = 1;
        for (long f : factors) p = multiply(source, what, p, f);
        return p;
    }

    /**
     * Fails unless {@code 0 <= value <= max}.
     *
     * @param source the file or stream name errors start with
     * @param what   names the field, e.g. "image count"
     * @param value  the declared value
     * @param max    the largest value accepted
     * @throws FormatException if {@code value} is negative or above {@code max}
     */
    public static void atMost(String source, String what, long value, long max) throws FormatException {
        if (value < 0) throw new FormatException(source, what + " is negative: " + value);
        if (value > max) {
            throw new FormatException(source, what + " is " + value + ", more than conv4j's limit of " + max);
        }
    }

    /**
     * Fails if allocating {@code bytes} could not succeed in this JVM's heap, with a message that says
     * how to raise it, instead of an OutOfMemoryError halfway through a read. Compares with the heap's
     * free room (maximum minus used); only when that is too small does it collect garbage once and look
     * again, so a legitimate file is not refused because of garbage not yet collected.
     *
     * @param source the file or stream name errors start with
     * @param what   names what would be allocated, e.g. "the image data"
     * @param bytes  the allocation's size
     * @throws FormatException if the heap has no room for {@code bytes}, saying how to raise it
     */
    public static void fitsHeap(String source, String what, long bytes) throws FormatException {
        Runtime rt = Runtime.getRuntime();
        if (bytes <= rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) return;
        if (bytes <= rt.maxMemory()) {
            System.gc();
            if (bytes <= rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) return;
        }
        throw new FormatException(source, what + " needs " + mb(bytes) + " MB but the JVM's heap has room for "
                + mb(Math.max(0, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()))) + " MB (maximum "
                + mb(rt.maxMemory()) + " MB); raise it with JAVA_OPTS=-Xmx<size>");
    }

    private static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
