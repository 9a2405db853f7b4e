package org.conv4j.train;

/**
 * Training produced a NaN or infinity in the loss or a gradient. The message names the step and the
 * parameter/layer where it was first seen; the last checkpoint written before that step is kept.
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The 1-based optimizer step whose gradients diverged. */
    private final long step;

    /**
     * A divergence at {@code step}.
     *
     * @param step    the 1-based global optimizer step whose gradients diverged
     * @param message names the step and the parameter or layer where the non-finite value was first seen
     */
    public DivergenceException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** {@return the 1-based global optimizer step whose gradients diverged (no update was applied)} */
    public long step() { return step; }
}
