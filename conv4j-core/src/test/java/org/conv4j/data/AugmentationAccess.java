package org.conv4j.data;

/** Test access to {@link Augmentation}'s package-private resize. */
public final class AugmentationAccess {
    private AugmentationAccess() {}

    public static void resizeCrop(float[] src, float[] dst, int c, int h, int w, Augmentation.Box box) {
        Augmentation.resizeCrop(src, 0, dst, c, h, w, box);
    }
}
