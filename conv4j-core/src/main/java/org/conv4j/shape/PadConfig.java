package org.conv4j.shape;

import java.util.Locale;

/**
 * Settings of {@link Pad2d}: the amounts in torch.nn.functional.pad's order for the last two dims
 * (left, right, top, bottom), the mode, and the fill value of constant mode. Defaults live in
 * {@link #of(int)}: constant mode filling with 0 (torch.nn.ZeroPad2d).
 *
 * <p>Constant mode takes negative amounts, which crop, as torch does. Reflect and replicate take
 * non-negative amounts only, and reflect also needs each amount smaller than the input side it mirrors
 * (torch's rule), which {@link Pad2d} checks per input.
 *
 * @param left   columns added before column 0 (constant mode: removed when negative)
 * @param right  columns added after the last column
 * @param top    rows added above row 0
 * @param bottom rows added below the last row
 * @param mode   how the added cells are filled
 * @param value  constant mode's fill value; must be 0 in the other modes (torch refuses a value there)
 */
public record PadConfig(int left, int right, int top, int bottom, Mode mode, float value) {

    /** How padded cells are filled; the names are torch's {@code mode} strings. */
    public enum Mode {
        /** Every added cell holds {@code value}. */
        CONSTANT,
        /** Mirrored about the edge, without repeating the edge: [a b c] padded by 2 → [c b a b c b a]. */
        REFLECT,
        /** The edge value repeated: [a b c] padded by 2 → [a a a b c c c]. */
        REPLICATE;

        /**
         * torch's name: "constant", "reflect", "replicate".
         *
         * @return the mode's name in lower case, as torch spells it
         */
        public String torchName() { return name().toLowerCase(Locale.ROOT); }

        /**
         * The mode named by torch's string; fails listing the choices.
         *
         * @param torchName "constant", "reflect" or "replicate"
         * @return the mode
         * @throws IllegalArgumentException if the name is none of the three
         */
        public static Mode of(String torchName) {
            for (Mode m : values()) if (m.torchName().equals(torchName)) return m;
            throw new IllegalArgumentException("Pad2d: mode must be \"constant\", \"reflect\" or \"replicate\", got \"" + torchName + "\"");
        }
    }

    /**
     * Validates the mode and the amounts.
     *
     * @throws IllegalArgumentException if {@code mode} is null, an amount is negative outside constant mode,
     *         or {@code value} is not 0 outside constant mode
     */
    public PadConfig {
        if (mode == null) throw new IllegalArgumentException("Pad2d: mode must not be null");
        if (mode != Mode.CONSTANT && (left < 0 || right < 0 || top < 0 || bottom < 0)) {
            throw new IllegalArgumentException("Pad2d: padding must be non-negative in " + mode.torchName()
                    + " mode (negative padding crops in constant mode only), got " + amounts(left, right, top, bottom));
        }
        if (mode != Mode.CONSTANT && value != 0) {
            throw new IllegalArgumentException("Pad2d: value is constant mode's fill, but mode is " + mode.torchName() + " and value " + value);
        }
    }

    /**
     * The same amount on all four sides, constant mode with 0.
     *
     * @param pad rows or columns added on each side; negative crops
     * @return the settings
     */
    public static PadConfig of(int pad) { return of(pad, pad, pad, pad); }

    /**
     * torch's (left, right, top, bottom), constant mode with 0.
     *
     * @param left   columns added before column 0; negative crops
     * @param right  columns added after the last column; negative crops
     * @param top    rows added above row 0; negative crops
     * @param bottom rows added below the last row; negative crops
     * @return the settings
     */
    public static PadConfig of(int left, int right, int top, int bottom) {
        return new PadConfig(left, right, top, bottom, Mode.CONSTANT, 0f);
    }

    /**
     * A copy with other amounts, in torch's order.
     *
     * @param left   columns added before column 0
     * @param right  columns added after the last column
     * @param top    rows added above row 0
     * @param bottom rows added below the last row
     * @return the new settings
     * @throws IllegalArgumentException if an amount is negative outside constant mode
     */
    public PadConfig withPadding(int left, int right, int top, int bottom) {
        return new PadConfig(left, right, top, bottom, mode, value);
    }

    /**
     * A copy with another fill mode.
     *
     * @param mode how the added cells are filled, not null
     * @return the new settings
     * @throws IllegalArgumentException if {@code mode} is null, or is not constant while an amount is negative
     *         or the value is not 0
     */
    public PadConfig withMode(Mode mode) { return new PadConfig(left, right, top, bottom, mode, value); }

    /**
     * A copy with another fill value for constant mode.
     *
     * @param value the value of every added cell
     * @return the new settings
     * @throws IllegalArgumentException if {@code value} is not 0 outside constant mode
     */
    public PadConfig withValue(float value) { return new PadConfig(left, right, top, bottom, mode, value); }

    /**
     * {@code Pad2d(1, 1, 2, 0, reflect)}: amounts in torch's order, then the mode, then a non-zero value.
     *
     * @return a one-line summary, as above
     */
    public String describe() {
        return "Pad2d(" + amounts(left, right, top, bottom).substring(1).replace("]", "") + ", " + mode.torchName()
                + (value != 0 ? ", value=" + value : "") + ")";
    }

    private static String amounts(int l, int r, int t, int b) { return "[" + l + ", " + r + ", " + t + ", " + b + "]"; }
}
