package org.conv4j.data;

import org.conv4j.util.Rng;

/**
 * Training-time augmentation of one image: a random crop of the image padded by {@code cropPadding}
 * zero pixels on every side (torchvision's {@code RandomCrop(size, padding=p)}), then a horizontal flip
 * with probability 1/2 ({@code RandomHorizontalFlip()}) if {@code horizontalFlip}.
 *
 * @param cropPadding zero pixels added on each side before cropping back to the original size; 0 = no crop
 */
public record Augmentation(int cropPadding, boolean horizontalFlip) {
    public static final Augmentation NONE = new Augmentation(0, false);

    public Augmentation {
        if (cropPadding < 0 || cropPadding > 1024) {
            throw new IllegalArgumentException("Augmentation: cropPadding must be in 0..1024, got " + cropPadding);
        }
    }

    public static Augmentation of(int cropPadding, boolean horizontalFlip) {
        return new Augmentation(cropPadding, horizontalFlip);
    }

    public boolean isNone() { return cropPadding == 0 && !horizontalFlip; }

    /**
     * Writes the augmented {@code src} ([C, H, W] at srcOff) to {@code dst} at dstOff. Draws the crop
     * offsets (two ints) and then the flip (one boolean) from {@code rng}, in that order.
     */
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int c, int h, int w, Rng rng) {
        int p = cropPadding;
        int dy = p > 0 ? rng.nextInt(2 * p + 1) - p : 0;   // crop origin in padded image, minus the padding
        int dx = p > 0 ? rng.nextInt(2 * p + 1) - p : 0;
        boolean flip = horizontalFlip && rng.nextBoolean();
        for (int ch = 0; ch < c; ch++) {
            int sBase = srcOff + ch * h * w, dBase = dstOff + ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                int dRow = dBase + y * w;
                if (sy < 0 || sy >= h) {
                    java.util.Arrays.fill(dst, dRow, dRow + w, 0f);
                    continue;
                }
                int sRow = sBase + sy * w;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    dst[dRow + x] = sx >= 0 && sx < w ? src[sRow + sx] : 0f;
                }
            }
        }
    }
}
