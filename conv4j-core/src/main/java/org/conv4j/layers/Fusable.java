package org.conv4j.layers;

/**
 * A layer that can run together with the layer before it as one pass, e.g. a max-pool after a ReLU, so
 * that the ReLU's output is never written. Containers fuse their children when they are built
 * ({@link org.conv4j.model.Fusion}); nothing else needs to know which layers fuse.
 */
public interface Fusable extends Layer {
    /**
     * {@code previous} followed by this layer as one layer, or null when the pair does not fuse. The fused layer's
     * forward, backward and infer give bitwise the results of {@code previous} then this layer, and backward adds
     * into the same gradients. It owns no parameters or state of its own: {@link #params()} and {@link #state()}
     * stay with the two layers, which keep their names and places in the container.
     *
     * @param previous the layer before this one in the container
     * @return the fused layer, or null
     */
    Layer fuseAfter(Layer previous);
}
