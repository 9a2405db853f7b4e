package org.conv4j.io;

/**
 * The shape images are decoded to: a model's input {@code [C, H, W]} with C = 1 (grey) or 3 (RGB).
 * Decoded images are resized to H x W and converted to grey or RGB.
 *
 * @param channels C: 1 (grey) or 3 (RGB)
 * @param height   H in pixels, 1..4096
 * @param width    W in pixels, 1..4096
 */
public record ImageSpec(int channels, int height, int width) {
    /**
     * Validates the channels and the size.
     *
     * @throws IllegalArgumentException if channels is not 1 or 3, or a side is outside 1..4096
     */
    public ImageSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("ImageSpec: channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
        if (height < 1 || width < 1 || height > 4096 || width > 4096) {
            throw new IllegalArgumentException("ImageSpec: size must be 1..4096 pixels a side, got " + height + "x" + width);
        }
    }

    /**
     * The spec of C x H x W images.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param height   H in pixels, 1..4096
     * @param width    W in pixels, 1..4096
     * @return the spec
     * @throws IllegalArgumentException if channels is not 1 or 3, or a side is outside 1..4096
     */
    public static ImageSpec of(int channels, int height, int width) { return new ImageSpec(channels, height, width); }

    /**
     * From a model input shape {@code [C, H, W]}.
     *
     * @param chw the shape, rank 3
     * @return the spec
     * @throws IllegalArgumentException if the rank is not 3, C is not 1 or 3, or a side is outside 1..4096
     */
    public static ImageSpec of(int[] chw) {
        if (chw.length != 3) throw new IllegalArgumentException("ImageSpec: input shape must be [C, H, W], got rank " + chw.length);
        return new ImageSpec(chw[0], chw[1], chw[2]);
    }

    /** {@return the floats in one decoded image, C·H·W} */
    public int itemSize() { return channels * height * width; }
}
