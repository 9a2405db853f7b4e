package org.conv4j.model;

import java.util.Arrays;

/**
 * Per-channel normalisation {@code x' = (x - mean[c]) / std[c]}, applied to pixels already scaled to
 * [0, 1] (torchvision's ToTensor then Normalize). A single mean and std apply to every channel.
 *
 * @param mean one value, or one per channel
 * @param std  one value, or one per channel; each positive
 */
public record Normalization(float[] mean, float[] std) {
    /** Leaves pixels in [0, 1]. */
    public static final Normalization NONE = new Normalization(new float[] {0f}, new float[] {1f});

    /** Fashion-MNIST training-set statistics. */
    public static final Normalization FASHION_MNIST = of(0.2860f, 0.3530f);

    /** MNIST training-set statistics (the usual 0.1307, 0.3081). */
    public static final Normalization MNIST = of(0.1307f, 0.3081f);

    /** CIFAR-10 training-set statistics per channel (R, G, B). */
    public static final Normalization CIFAR10 = new Normalization(
            new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});

    /** ImageNet training-set statistics per channel (R, G, B), as torchvision's pretrained models expect. */
    public static final Normalization IMAGENET = new Normalization(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /**
     * Validates and copies the values.
     *
     * @throws IllegalArgumentException if mean and std are empty or differ in length, a std is not positive, or a
     *                                  value is not finite
     */
    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalization: mean has " + mean.length + " values and std "
                    + std.length + "; give one value or one per channel for both");
        }
        mean = mean.clone();
        std = std.clone();
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("Normalization: channel " + c + " has mean " + mean[c]
                        + " and std " + std[c] + "; std must be positive and both finite");
            }
        }
    }

    /**
     * {@return the same mean and std for every channel}
     *
     * @param mean the mean, finite
     * @param std  the std, positive and finite
     * @throws IllegalArgumentException if {@code std} is not positive or a value is not finite
     */
    public static Normalization of(float mean, float std) {
        return new Normalization(new float[] {mean}, new float[] {std});
    }

    /**
     * Fails unless this normalisation fits images of {@code channels} channels.
     *
     * @param channels the images' channel count C
     * @throws IllegalArgumentException if there are neither 1 nor C values
     */
    public void checkChannels(int channels) {
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("Normalization has " + mean.length + " channel values but the images have "
                    + channels + " channels");
        }
    }

    /** {@return true if every mean is 0 and every std 1, so normalising changes nothing} */
    public boolean isIdentity() {
        for (int c = 0; c < mean.length; c++) if (mean[c] != 0f || std[c] != 1f) return false;
        return true;
    }

    /**
     * Normalises one [C, H, W] image in place at {@code offset}.
     *
     * @param x        the buffer holding the image
     * @param offset   where the image starts in {@code x}
     * @param channels C
     * @param hw       H * W
     */
    public void apply(float[] x, int offset, int channels, int hw) { apply(x, x, offset, channels, hw); }

    /**
     * dst = (src − mean) / std per channel over one image at {@code offset} in both arrays: {@link #apply(float[],
     * int, int, int)} into another array, the same bits, without copying the image first.
     *
     * @param src      the pixels, read
     * @param dst      where the normalised pixels go; may be src
     * @param offset   where the image starts in both
     * @param channels C
     * @param hw       H·W
     */
    public void apply(float[] src, float[] dst, int offset, int channels, int hw) {
        for (int ch = 0; ch < channels; ch++) {
            int k = mean.length == 1 ? 0 : ch;
            float m = mean[k], inv = 1f / std[k];
            for (int i = offset + ch * hw, end = i + hw; i < end; i++) dst[i] = (src[i] - m) * inv;
        }
    }

    @Override
    public String toString() {
        return "Normalization(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std); }
}
