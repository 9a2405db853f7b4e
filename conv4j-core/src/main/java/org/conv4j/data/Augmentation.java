package org.conv4j.data;

import org.conv4j.util.Rng;

/**
 * Training-time augmentation of one image, in torchvision's order: a random resized crop
 * ({@code RandomResizedCrop(size)} with scale (0.08, 1), ratio (3/4, 4/3), bilinear) back to the image's own
 * size if {@code resizedCrop}; then a random crop of the image padded by {@code cropPadding} zero pixels on every
 * side ({@code RandomCrop(size, padding=p)}); then a horizontal flip with probability 1/2
 * ({@code RandomHorizontalFlip()}) if {@code horizontalFlip}.
 *
 * <p>The resized crop works on the dataset's images, which a loader has already resized to the model's input
 * (an image folder's are resized on load), so its crop is of that image rather than of the original file.
 *
 * @param cropPadding    zero pixels added on each side before cropping back to the original size; 0 = no crop
 * @param horizontalFlip random horizontal flips
 * @param resizedCrop    random resized crops
 */
public record Augmentation(int cropPadding, boolean horizontalFlip, boolean resizedCrop) {
    /** No augmentation: images pass through unchanged. */
    public static final Augmentation NONE = new Augmentation(0, false, false);

    /** torchvision's RandomResizedCrop defaults: area fraction and aspect ratio (w/h) ranges. */
    public static final double MIN_SCALE = 0.08, MAX_SCALE = 1.0, MIN_RATIO = 3.0 / 4, MAX_RATIO = 4.0 / 3;

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code cropPadding} is outside 0..1024
     */
    public Augmentation {
        if (cropPadding < 0 || cropPadding > 1024) {
            throw new IllegalArgumentException("Augmentation: cropPadding must be in 0..1024, got " + cropPadding);
        }
    }

    /**
     * Padded crop and flip, no resized crop.
     *
     * @param cropPadding    zero pixels added on each side before cropping; 0 = no crop
     * @param horizontalFlip random horizontal flips
     * @throws IllegalArgumentException if {@code cropPadding} is outside 0..1024
     */
    public Augmentation(int cropPadding, boolean horizontalFlip) { this(cropPadding, horizontalFlip, false); }

    /**
     * {@return a padded crop and flip, no resized crop}
     *
     * @param cropPadding    zero pixels added on each side before cropping; 0 = no crop
     * @param horizontalFlip random horizontal flips
     * @throws IllegalArgumentException if {@code cropPadding} is outside 0..1024
     */
    public static Augmentation of(int cropPadding, boolean horizontalFlip) {
        return new Augmentation(cropPadding, horizontalFlip);
    }

    /** {@return the ImageNet-style augmentation: random resized crop and horizontal flip} */
    public static Augmentation imagenet() { return new Augmentation(0, true, true); }

    /** {@return true if this augmentation leaves every image unchanged} */
    public boolean isNone() { return cropPadding == 0 && !horizontalFlip && !resizedCrop; }

    /**
     * Writes the augmented {@code src} ([C, H, W] at srcOff) to {@code dst} at dstOff. Draws, from {@code rng} in this
     * order: the resized crop's box ({@link #cropBox}), the padded crop's offsets (two ints), the flip (one boolean).
     *
     * @param src    the source pixels
     * @param srcOff offset of the [C, H, W] image in {@code src}; read only
     * @param dst    receives the augmented [C, H, W] image
     * @param dstOff offset in {@code dst}
     * @param c      channels C
     * @param h      height H
     * @param w      width W
     * @param rng    the generator the random draws come from
     */
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int c, int h, int w, Rng rng) {
        if (resizedCrop) {
            float[] cropped = new float[c * h * w];
            resizeCrop(src, srcOff, cropped, c, h, w, cropBox(h, w, rng));
            src = cropped;
            srcOff = 0;
        }
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

    /**
     * A crop box of an h × w image.
     *
     * @param top    first row
     * @param left   first column
     * @param height rows in the box
     * @param width  columns in the box
     */
    public record Box(int top, int left, int height, int width) {}

    /**
     * torchvision's {@code RandomResizedCrop.get_params}: up to 10 tries of an area fraction uniform in
     * [{@link #MIN_SCALE}, {@link #MAX_SCALE}) and a log-uniform aspect ratio in [{@link #MIN_RATIO}, {@link #MAX_RATIO}),
     * the first box that fits placed uniformly; else the centre crop clamped to the ratio range. Draws two doubles
     * per try and two ints for the place.
     *
     * @param h   the image height
     * @param w   the image width
     * @param rng the generator the draws come from
     * @return the box, inside the h × w image
     */
    public static Box cropBox(int h, int w, Rng rng) {
        double area = (double) h * w;
        double logLo = Math.log(MIN_RATIO), logHi = Math.log(MAX_RATIO);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (MIN_SCALE + (MAX_SCALE - MIN_SCALE) * rng.nextDouble());
            double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                int top = rng.nextInt(h - ch + 1), left = rng.nextInt(w - cw + 1);
                return new Box(top, left, ch, cw);
            }
        }
        double inRatio = (double) w / h;
        int cw, ch;
        if (inRatio < MIN_RATIO) { cw = w; ch = (int) Math.round(cw / MIN_RATIO); }
        else if (inRatio > MAX_RATIO) { ch = h; cw = (int) Math.round(ch * MAX_RATIO); }
        else { cw = w; ch = h; }
        return new Box((h - ch) / 2, (w - cw) / 2, ch, cw);
    }

    /**
     * Resizes the {@code box} of {@code src} ([C, H, W] at srcOff) to [C, H, W] in {@code dst} with bilinear
     * interpolation on pixel centres ({@code F.interpolate(mode="bilinear", align_corners=False)}); the box is never
     * larger than the image, so this only enlarges and needs no antialiasing filter.
     */
    static void resizeCrop(float[] src, int srcOff, float[] dst, int c, int h, int w, Box box) {
        double sy = (double) box.height() / h, sx = (double) box.width() / w;
        int[] x0 = new int[w], x1 = new int[w];
        float[] fx = new float[w];
        for (int x = 0; x < w; x++) {
            double s = Math.max((x + 0.5) * sx - 0.5, 0);
            int i = Math.min((int) s, box.width() - 1);
            x0[x] = box.left() + i;
            x1[x] = box.left() + Math.min(i + 1, box.width() - 1);
            fx[x] = (float) (s - i);
        }
        for (int y = 0; y < h; y++) {
            double s = Math.max((y + 0.5) * sy - 0.5, 0);
            int i = Math.min((int) s, box.height() - 1);
            int y0 = box.top() + i, y1 = box.top() + Math.min(i + 1, box.height() - 1);
            float fy = (float) (s - i);
            for (int ch = 0; ch < c; ch++) {
                int r0 = srcOff + (ch * h + y0) * w, r1 = srcOff + (ch * h + y1) * w, d = (ch * h + y) * w;
                for (int x = 0; x < w; x++) {
                    float top = src[r0 + x0[x]] + fx[x] * (src[r0 + x1[x]] - src[r0 + x0[x]]);
                    float bottom = src[r1 + x0[x]] + fx[x] * (src[r1 + x1[x]] - src[r1 + x0[x]]);
                    dst[d + x] = top + fy * (bottom - top);
                }
            }
        }
    }
}
