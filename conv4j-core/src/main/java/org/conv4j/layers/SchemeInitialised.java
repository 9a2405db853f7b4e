package org.conv4j.layers;

import org.conv4j.util.Rng;

/**
 * A layer whose weight is drawn by an {@link Init.Scheme} when it is built (Conv2d, Linear). A network
 * spec's model-wide {@code init} re-draws exactly these layers, in the order {@link Layers#walk} visits them.
 */
public interface SchemeInitialised extends Layer {
    /**
     * Re-draws the weight under {@code scheme} from {@code rng} and zeroes the bias, as {@link Init#apply} does.
     *
     * @param scheme the initialisation scheme
     * @param rng    source of the new values
     */
    void reinitialise(Init.Scheme scheme, Rng rng);
}
