package org.conv4j.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.conv4j.tensor.Tensor;

/**
 * Reads one PNG, JPEG, BMP or GIF file as a model input: resized to H x W (bilinear), grey (luminance)
 * or RGB, values in [0, 1]. The declared size is checked before any pixel is decoded, so a tiny file
 * that claims a huge image fails at once instead of filling the heap.
 */
public final class ImageInput {
    /** Largest side accepted, in pixels. */
    public static final int MAX_SIDE = 8192;
    /** Largest pixel count accepted: a 4096 x 4096 image is 64 MB once decoded. */
    public static final long MAX_PIXELS = 4096L * 4096L;

    private ImageInput() {}

    /**
     * Reads and resizes one image file.
     *
     * @param file     the image file
     * @param channels 1 (grey) or 3 (RGB)
     * @param h        H, the height to resize to
     * @param w        W, the width to resize to
     * @return [1, channels, h, w], values in [0, 1]
     * @throws IOException if the file does not exist or cannot be read
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3, the file is not an image of a known
     *         format, is corrupt, or declares a size beyond {@link #MAX_SIDE} or {@link #MAX_PIXELS}
     */
    public static Tensor read(Path file, int channels, int h, int w) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image input: the model takes " + channels + " channels; only 1 (grey) or 3 (RGB) images can be read");
        }
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IllegalArgumentException(file + ": not an image this reader knows (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                int iw = r.getWidth(0), ih = r.getHeight(0);
                if (iw < 1 || ih < 1 || iw > MAX_SIDE || ih > MAX_SIDE || (long) iw * ih > MAX_PIXELS) {
                    throw new IllegalArgumentException(file + ": declared size " + iw + "x" + ih + " is outside 1.." + MAX_SIDE
                            + " per side and " + MAX_PIXELS + " pixels");
                }
                img = r.read(0);
            } catch (javax.imageio.IIOException e) {
                throw new IllegalArgumentException(file + ": unreadable " + r.getFormatName() + " image: " + e.getMessage(), e);
            } finally {
                r.dispose();
            }
        }
        BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        Tensor t = new Tensor(1, channels, h, w);
        float[] d = t.data();
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = scaled.getRGB(x, y), r = rgb >> 16 & 0xff, gr = rgb >> 8 & 0xff, b = rgb & 0xff, i = y * w + x;
                if (channels == 1) {
                    d[i] = (0.299f * r + 0.587f * gr + 0.114f * b) / 255f;
                } else {
                    d[i] = r / 255f;
                    d[plane + i] = gr / 255f;
                    d[2 * plane + i] = b / 255f;
                }
            }
        }
        return t;
    }
}
