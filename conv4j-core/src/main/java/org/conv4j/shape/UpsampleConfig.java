package org.conv4j.shape;

import java.util.Locale;

/**
 * Settings of {@link Upsample}, as torch.nn.Upsample / torch.nn.functional.interpolate in torch 1.13:
 * either an output {@code size} or a {@code scale_factor} (exactly one), the mode, {@code align_corners}
 * (bilinear only) and {@code recompute_scale_factor}.
 *
 * <p>With a scale factor s the output side is ⌊in·s⌋, and, unless {@code recomputeScaleFactor}, the
 * coordinate map uses 1/s rather than in/out (torch's default, recompute_scale_factor=None). The two
 * differ when in·s is not a whole number, e.g. in = 5, s = 1.7: out = 8, 1/s = 0.588 but in/out = 0.625.
 *
 * @param sizeH                output height, or 0 when a scale factor is given
 * @param sizeW                output width, or 0 when a scale factor is given
 * @param scaleH               height scale factor, or 0 when a size is given
 * @param scaleW               width scale factor, or 0 when a size is given
 * @param mode                 nearest (default), nearest-exact or bilinear
 * @param alignCorners         bilinear only: corner pixel centres map onto each other (default false)
 * @param recomputeScaleFactor with a scale factor: map coordinates by in/out instead of 1/s (default false)
 */
public record UpsampleConfig(int sizeH, int sizeW, double scaleH, double scaleW, Mode mode, boolean alignCorners,
                             boolean recomputeScaleFactor) {

    /** Interpolation modes; the names are torch's {@code mode} strings. */
    public enum Mode {
        /** out[i] = x[min(⌊i·scale⌋, in−1)], torch's (asymmetric) "nearest". */
        NEAREST("nearest"),
        /** out[i] = x[min(⌊(i+½)·scale⌋, in−1)], pixel centres aligned as in PIL and scikit-image. */
        NEAREST_EXACT("nearest-exact"),
        /** Linear in each direction from the two nearest input rows and columns. */
        BILINEAR("bilinear");

        private final String torchName;

        Mode(String torchName) { this.torchName = torchName; }

        /** {@return torch's name of the mode: "nearest", "nearest-exact" or "bilinear"} */
        public String torchName() { return torchName; }

        /**
         * The mode named by torch's string; fails listing the choices.
         *
         * @param torchName "nearest", "nearest-exact" or "bilinear"
         * @return the mode
         * @throws IllegalArgumentException if the name is none of the three
         */
        public static Mode of(String torchName) {
            for (Mode m : values()) if (m.torchName.equals(torchName)) return m;
            throw new IllegalArgumentException("Upsample: mode must be \"nearest\", \"nearest-exact\" or \"bilinear\", got \""
                    + torchName + "\"");
        }
    }

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code mode} is null; if both or neither of a size and a scale factor
     *         are given; if a size is not positive or a scale factor not positive and finite; if
     *         {@code alignCorners} is set outside bilinear mode; or if {@code recomputeScaleFactor} is set with a size
     */
    public UpsampleConfig {
        if (mode == null) throw new IllegalArgumentException("Upsample: mode must not be null");
        boolean sized = sizeH != 0 || sizeW != 0, scaled = scaleH != 0 || scaleW != 0;
        if (sized == scaled) {
            throw new IllegalArgumentException("Upsample: give exactly one of size and scale_factor, got "
                    + (sized ? "both" : "neither"));
        }
        if (sized && (sizeH < 1 || sizeW < 1)) {
            throw new IllegalArgumentException("Upsample: size must be positive, got " + sizeH + "x" + sizeW);
        }
        if (scaled && !(scaleH > 0 && scaleW > 0 && Double.isFinite(scaleH) && Double.isFinite(scaleW))) {
            throw new IllegalArgumentException("Upsample: scale_factor must be positive and finite, got " + scaleH + "x" + scaleW);
        }
        if (alignCorners && mode != Mode.BILINEAR) {
            throw new IllegalArgumentException("Upsample: align_corners can only be set with mode bilinear, not " + mode.torchName);
        }
        if (recomputeScaleFactor && sized) {
            throw new IllegalArgumentException("Upsample: recompute_scale_factor is not meaningful with an explicit size");
        }
    }

    /**
     * An OH×OW output, nearest mode.
     *
     * @param sizeH OH, at least 1
     * @param sizeW OW, at least 1
     * @return the settings
     * @throws IllegalArgumentException if a size is below 1
     */
    public static UpsampleConfig size(int sizeH, int sizeW) {
        return new UpsampleConfig(sizeH, sizeW, 0, 0, Mode.NEAREST, false, false);
    }

    /**
     * Both sides scaled by s, nearest mode.
     *
     * @param scale s, positive and finite
     * @return the settings
     * @throws IllegalArgumentException if {@code scale} is not positive and finite
     */
    public static UpsampleConfig scale(double scale) { return scale(scale, scale); }

    /**
     * Height scaled by sH and width by sW, nearest mode.
     *
     * @param scaleH sH, positive and finite
     * @param scaleW sW, positive and finite
     * @return the settings
     * @throws IllegalArgumentException if a scale factor is not positive and finite
     */
    public static UpsampleConfig scale(double scaleH, double scaleW) {
        return new UpsampleConfig(0, 0, scaleH, scaleW, Mode.NEAREST, false, false);
    }

    /**
     * A copy with another interpolation mode.
     *
     * @param mode the mode, not null
     * @return the new settings
     * @throws IllegalArgumentException if {@code mode} is null, or is not bilinear while align_corners is set
     */
    public UpsampleConfig withMode(Mode mode) {
        return new UpsampleConfig(sizeH, sizeW, scaleH, scaleW, mode, alignCorners, recomputeScaleFactor);
    }

    /**
     * A copy with align_corners set or cleared.
     *
     * @param alignCorners map the corner pixel centres of input and output onto each other
     * @return the new settings
     * @throws IllegalArgumentException if set outside bilinear mode
     */
    public UpsampleConfig withAlignCorners(boolean alignCorners) {
        return new UpsampleConfig(sizeH, sizeW, scaleH, scaleW, mode, alignCorners, recomputeScaleFactor);
    }

    /**
     * A copy with recompute_scale_factor set or cleared.
     *
     * @param recompute map coordinates by in/out instead of 1/s
     * @return the new settings
     * @throws IllegalArgumentException if set while an output size is given
     */
    public UpsampleConfig withRecomputeScaleFactor(boolean recompute) {
        return new UpsampleConfig(sizeH, sizeW, scaleH, scaleW, mode, alignCorners, recompute);
    }

    /**
     * Whether the output size is given (rather than a scale factor).
     *
     * @return true for a size, false for a scale factor
     */
    public boolean hasSize() { return sizeH != 0; }

    /** Output side for an input side: the size, or ⌊in·s⌋ computed in double as torch does. */
    static int outSize(int in, int size, double scale) { return size != 0 ? size : (int) (in * scale); }

    /**
     * torch's compute_scales_value: the input step per output step, 1/s when a scale factor is used
     * and in/out otherwise, rounded to float as torch's float32 kernels hold it.
     */
    float step(int in, int out, double scale) {
        return scale != 0 && !recomputeScaleFactor ? (float) (1.0 / scale) : (float) in / out;
    }

    /** {@return a one-line summary, e.g. {@code Upsample(scale=2, bilinear, align_corners)}} */
    public String describe() {
        String what = hasSize() ? "size=" + sizeH + "x" + sizeW : "scale=" + num(scaleH) + (scaleH == scaleW ? "" : "x" + num(scaleW));
        return "Upsample(" + what + ", " + mode.torchName + (alignCorners ? ", align_corners" : "")
                + (recomputeScaleFactor ? ", recompute_scale_factor" : "") + ")";
    }

    private static String num(double v) { return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v); }
}
