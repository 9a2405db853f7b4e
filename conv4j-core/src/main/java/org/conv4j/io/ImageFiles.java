package org.conv4j.io;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes one PNG, JPEG or BMP file (through javax.imageio) to float32 {@code [C, H, W]} in [0, 1],
 * converted to grey or RGB and resized to an {@link ImageSpec}: what the image-folder loader, {@code conv4j
 * predict} and {@code Model.classify} all use. The same file's bytes from a stream, and an image already in
 * memory as a {@link BufferedImage}, decode to the same floats.
 *
 * <p>Hostile files: the format is recognised by its magic bytes (only these three decoders are ever
 * used); the header's width and height are read before decoding and refused above
 * {@link ReadLimits#MAX_IMAGE_PIXELS} or above what the file's length can encode
 * ({@link ReadLimits#MAX_PIXELS_PER_FILE_BYTE} per byte); a JPEG with more than {@link #MAX_JPEG_SCANS}
 * scans is refused (each progressive scan re-walks the whole image); a BMP's header is checked before the
 * JDK's reader trusts it (bit depth, no embedded JPEG/PNG, declared data within the file); metadata is never parsed; any
 * decoder failure becomes a {@link FormatException} naming the file. Thread-safe.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** Largest image file read, in bytes. */
    public static final long MAX_FILE_BYTES = 1L << 28;

    /** Most scans (SOS markers) accepted in a JPEG; ordinary progressive JPEGs have about 10. */
    public static final int MAX_JPEG_SCANS = 256;

    /** Grey from RGB as PIL's convert("L") computes it (ITU-R 601-2 luma). */
    private static final float LUMA_R = 0.299f, LUMA_G = 0.587f, LUMA_B = 0.114f;

    /**
     * The decoded image before resizing: [C, H, W] in [0, 1], with C 1 for grey sources and 3 otherwise.
     *
     * @param pixels   C·H·W values in [0, 1], channel-major
     * @param channels C: 1 (grey) or 3 (RGB)
     * @param height   H in pixels
     * @param width    W in pixels
     */
    public record Decoded(float[] pixels, int channels, int height, int width) {}

    /**
     * Reads {@code file} as {@code spec.channels()} channels resized to {@code spec.height() x spec.width()}.
     *
     * @param file a PNG, JPEG or BMP file
     * @param spec the channels and size wanted
     * @return [C, H, W] values in [0, 1], C·H·W of them
     * @throws IOException if the file cannot be read; a {@link FormatException} naming it if it is no PNG, JPEG or
     *                     BMP, is damaged or too large
     */
    public static float[] read(Path file, ImageSpec spec) throws IOException {
        return toSpec(decode(file), spec);
    }

    /**
     * Converts and resizes a decoded image to {@code spec}.
     *
     * @param d    the decoded image
     * @param spec the channels and size wanted
     * @return [C, H, W] values in [0, 1], {@code spec.itemSize()} of them
     */
    public static float[] toSpec(Decoded d, ImageSpec spec) {
        float[] px = convertChannels(d.pixels(), d.channels(), spec.channels(), d.height() * d.width());
        return Resize.resize(px, spec.channels(), d.height(), d.width(), spec.height(), spec.width());
    }

    /**
     * Decodes {@code file} at its own size: grey sources to 1 channel, colour sources to RGB.
     *
     * @param file a PNG, JPEG or BMP file
     * @return the image
     * @throws IOException if the file cannot be read; a {@link FormatException} naming it if it is no PNG, JPEG or
     *                     BMP, is damaged or too large
     */
    public static Decoded decode(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length > MAX_FILE_BYTES) {
                throw new FormatException(file, "is " + length + " bytes; conv4j reads image files up to " + MAX_FILE_BYTES);
            }
            byte[] head = new byte[HEAD_BYTES];
            int got = 0;
            while (got < HEAD_BYTES) {
                int r = raf.read(head, got, HEAD_BYTES - got);
                if (r < 0) break;
                got += r;
            }
            String format = sniff(head, got);
            if (format == null) {
                throw new FormatException(file, "is not a PNG, JPEG or BMP image (starts with " + hex(head, Math.min(got, 8)) + ")");
            }
            if (format.equals("jpeg")) checkJpegScans(file, raf, length);
            if (format.equals("bmp")) checkBmpHeader(file.toString(), head, got, length);
            raf.seek(0);
            try (ImageInputStream in = new FileImageInputStream(raf)) {
                return decode(in, file.toString(), format, length);
            }
        }
    }

    /**
     * Decodes an in-memory image; {@code source} names it in errors (fuzz tests and streams use this).
     *
     * @param bytes  a whole PNG, JPEG or BMP file
     * @param source names the image in errors
     * @return the image
     * @throws IOException a {@link FormatException} naming {@code source} if the bytes are no PNG, JPEG or BMP, are
     *                     damaged or too large
     */
    public static Decoded decode(byte[] bytes, String source) throws IOException {
        if (bytes.length > MAX_FILE_BYTES) throw new FormatException(source, "is larger than " + MAX_FILE_BYTES + " bytes");
        String format = sniff(bytes, Math.min(bytes.length, 8));
        if (format == null) {
            throw new FormatException(source, "is not a PNG, JPEG or BMP image (starts with "
                    + hex(bytes, Math.min(bytes.length, 8)) + ")");
        }
        if (format.equals("jpeg")) {
            int scans = countJpegScans(bytes, bytes.length);
            if (scans > MAX_JPEG_SCANS) throw tooManyScans(source, scans);
        }
        if (format.equals("bmp")) checkBmpHeader(source, bytes, bytes.length, bytes.length);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return decode(in, source, format, bytes.length);
        }
    }

    /**
     * Reads a whole image file from {@code in} (not closed) and decodes it as {@link #decode(byte[], String)}
     * does, with the same checks. At most {@link #MAX_FILE_BYTES} are read; a longer stream is refused.
     *
     * @param in     the stream; read to its end (at most {@link #MAX_FILE_BYTES} + 1 bytes), not closed
     * @param source names the stream in errors, e.g. "upload photo.jpg"
     * @return the image
     * @throws FormatException naming {@code source} if the bytes are no PNG, JPEG or BMP, are damaged or too large
     * @throws IOException if reading the stream fails
     */
    public static Decoded decode(InputStream in, String source) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(MAX_FILE_BYTES + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > MAX_FILE_BYTES) throw new FormatException(source, "is larger than " + MAX_FILE_BYTES + " bytes");
        return decode(bytes, source);
    }

    /**
     * An image already in memory as [C, H, W] floats in [0, 1], with the same rules as a decoded file: one
     * channel for a grey (or grey and alpha) image stored as such, else RGB through {@link BufferedImage#getRGB}
     * (alpha is dropped, not blended).
     *
     * @param image  the image
     * @param source names the image in errors
     * @return its pixels as [C, H, W] floats
     * @throws IllegalArgumentException naming {@code source} if the image is empty or its pixel layout unsupported
     */
    public static Decoded decode(BufferedImage image, String source) {
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new IllegalArgumentException(source + ": the image is empty (" + image.getWidth() + "x" + image.getHeight() + ")");
        }
        try {
            return toFloat(image);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": has pixels in an unsupported layout: " + e.getMessage(), e);
        }
    }

    private static Decoded decode(ImageInputStream in, String source, String format, long length) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) throw new FormatException(source, "this Java runtime has no " + format + " decoder");
        ImageReader reader = readers.next();
        try {
            reader.setInput(in, true, true);          // seek forward only, ignore metadata
            int w, h;
            BufferedImage img;
            try {
                w = reader.getWidth(0);
                h = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new FormatException(source, "has an unreadable " + format.toUpperCase(Locale.ROOT) + " header: " + e.getMessage(), e);
            }
            checkSize(source, w, h, length);
            try {
                img = reader.read(0, reader.getDefaultReadParam());
            } catch (IOException | RuntimeException e) {
                throw new FormatException(source, "is a damaged " + format.toUpperCase(Locale.ROOT) + " image: " + e.getMessage(), e);
            }
            if (img == null || img.getWidth() != w || img.getHeight() != h) {
                throw new FormatException(source, "decoded to a different size than its header's " + w + "x" + h);
            }
            try {
                return toFloat(img);
            } catch (RuntimeException e) {
                throw new FormatException(source, "has pixels in an unsupported layout: " + e.getMessage(), e);
            }
        } finally {
            reader.dispose();
        }
    }

    /** Refuses dimensions before anything is allocated for them. */
    static void checkSize(String source, long w, long h, long fileLength) throws FormatException {
        if (w < 1 || h < 1) throw new FormatException(source, "declares an empty image " + w + "x" + h);
        ReadLimits.atMost(source, "image width", w, ReadLimits.MAX_IMAGE_SIDE);
        ReadLimits.atMost(source, "image height", h, ReadLimits.MAX_IMAGE_SIDE);
        long pixels = w * h;
        if (pixels > ReadLimits.MAX_IMAGE_PIXELS) {
            throw new FormatException(source, "declares " + w + "x" + h + " = " + pixels + " pixels, more than conv4j's limit of "
                    + ReadLimits.MAX_IMAGE_PIXELS);
        }
        if (pixels > Math.max(fileLength, 1) * ReadLimits.MAX_PIXELS_PER_FILE_BYTE) {
            throw new FormatException(source, "declares " + w + "x" + h + " pixels in only " + fileLength
                    + " bytes, more than any PNG, JPEG or BMP can encode in that size");
        }
        // decoded raster (up to 8 bytes a pixel for 16-bit RGBA) plus our float copy
        ReadLimits.fitsHeap(source, "decoding a " + w + "x" + h + " image", pixels * 20);
    }

    /** Bytes read before choosing a decoder: enough for a BMP's file and info headers. */
    private static final int HEAD_BYTES = 54;

    /**
     * The JDK's BMP reader trusts the header's image size: for embedded JPEG/PNG and RLE data it allocates
     * that many bytes before reading (a 87-byte file asked for 2 GB; found by ImageFuzzer). So the header is
     * checked here first: known compression and bit depth, and data that fits in the file.
     */
    static void checkBmpHeader(String source, byte[] h, int n, long fileLength) throws FormatException {
        if (n < 18) throw new FormatException(source, "is a BMP of " + n + " bytes, too short for its headers");
        long offBits = le32(h, 10), infoSize = le32(h, 14);
        if (offBits > fileLength) {
            throw new FormatException(source, "BMP pixel data offset " + offBits + " is past the end of the file (" + fileLength + " bytes)");
        }
        if (infoSize == 12) return;                          // OS/2 core header: uncompressed, sizes from width x height
        if (infoSize < 40 || n < 38) throw new FormatException(source, "has an unsupported BMP info header of " + infoSize + " bytes");
        int bpp = (h[28] & 0xff) | (h[29] & 0xff) << 8;
        long compression = le32(h, 30), sizeImage = le32(h, 34);
        if (bpp != 1 && bpp != 2 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32) {
            throw new FormatException(source, "BMP has " + bpp + " bits per pixel; expected 1, 2, 4, 8, 16, 24 or 32");
        }
        if (compression == 4 || compression == 5) {
            throw new FormatException(source, "is a BMP wrapping an embedded " + (compression == 4 ? "JPEG" : "PNG")
                    + "; conv4j reads plain BMPs (save it as a .jpg or .png)");
        }
        if (compression > 6) throw new FormatException(source, "BMP compression " + compression + " is unknown");
        if (sizeImage > fileLength - Math.min(offBits, fileLength)) {
            throw new FormatException(source, "BMP declares " + sizeImage + " bytes of pixel data but the file has "
                    + (fileLength - Math.min(offBits, fileLength)) + " after its headers");
        }
    }

    private static long le32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
    }

    private static String sniff(byte[] b, int n) {
        if (n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0d && b[5] == 0x0a && b[6] == 0x1a && b[7] == 0x0a) return "png";
        if (n >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) return "jpeg";
        if (n >= 2 && b[0] == 'B' && b[1] == 'M') return "bmp";
        return null;
    }

    private static String hex(byte[] b, int n) {
        if (n == 0) return "nothing: the file is empty";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(i > 0 ? " " : "").append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
        return s.toString();
    }

    private static void checkJpegScans(Path file, RandomAccessFile raf, long length) throws IOException {
        // Count FF DA (start of scan) markers; inside entropy-coded data FF is always followed by 00 or RSTn,
        // so every FF DA in the file is a real scan.
        raf.seek(0);
        byte[] buf = new byte[1 << 16];
        int scans = 0;
        boolean lastFf = false;
        long read = 0;
        while (read < length) {
            int r = raf.read(buf);
            if (r < 0) break;
            for (int i = 0; i < r; i++) {
                int v = buf[i] & 0xff;
                if (lastFf && v == 0xda && ++scans > MAX_JPEG_SCANS) throw tooManyScans(file.toString(), scans);
                lastFf = v == 0xff;
            }
            read += r;
        }
    }

    private static int countJpegScans(byte[] b, int n) {
        int scans = 0;
        for (int i = 1; i < n; i++) if ((b[i] & 0xff) == 0xda && (b[i - 1] & 0xff) == 0xff) scans++;
        return scans;
    }

    private static FormatException tooManyScans(String source, int scans) {
        return new FormatException(source, "is a JPEG with more than " + MAX_JPEG_SCANS + " scans (" + scans
                + " so far); conv4j refuses it, as decoding every scan re-walks the whole image");
    }

    /** The image as [C, H, W] floats in [0, 1]: 1 channel for grey (and grey+alpha) sources, else RGB. */
    private static Decoded toFloat(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), hw = w * h;
        Raster raster = img.getRaster();
        var cm = img.getColorModel();
        if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && raster.getNumBands() <= 2) {
            // Grey stored as-is. BufferedImage.getRGB would push it through a linear-to-sRGB conversion.
            float max = (1 << cm.getComponentSize(0)) - 1;      // divide, as v / 255f elsewhere
            float[] out = new float[hw];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) out[y * w + x] = row[x] / max;
            }
            return new Decoded(out, 1, h, w);
        }
        float[] out = new float[3 * hw];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);        // sRGB, whatever the source colour model
            for (int x = 0; x < w; x++) {
                int p = row[x], k = y * w + x;
                out[k] = ((p >> 16) & 0xff) / 255f;   // v / 255f, as data.PixelStore reads a byte
                out[hw + k] = ((p >> 8) & 0xff) / 255f;
                out[2 * hw + k] = (p & 0xff) / 255f;
            }
        }
        return new Decoded(out, 3, h, w);
    }

    /** [from, H, W] to [to, H, W]: grey to RGB by replication, RGB to grey by ITU-R 601-2 luma. */
    static float[] convertChannels(float[] px, int from, int to, int hw) {
        if (from == to) return px;
        float[] out = new float[to * hw];
        if (from == 1) {
            for (int c = 0; c < to; c++) System.arraycopy(px, 0, out, c * hw, hw);
        } else {
            for (int k = 0; k < hw; k++) out[k] = LUMA_R * px[k] + LUMA_G * px[hw + k] + LUMA_B * px[2 * hw + k];
        }
        return out;
    }
}
