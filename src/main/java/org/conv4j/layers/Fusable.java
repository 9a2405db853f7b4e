package org.conv4j.layers;

/**
 * A layer that can run together with the layer after it as one pass, e.g. a ReLU followed by a max-pool,
 * which then never writes the ReLU's output. Containers fuse their children when they are built
 * ({@link org.conv4j.model.Fusion}); nothing else needs to know which layers fuse.
 */
public interface Fusable extends Layer {
    /**
     * This layer followed by {@code next} as one layer, or null when the pair does not fuse. The fused layer's
     * forward, backward and infer give bitwise the results of this layer then {@code next}, and backward adds
     * into the same gradients. It owns no parameters or state of its own: {@link #params()} and {@link #state()}
     * stay with the two layers, which keep their names and places in the container.
     */
    Layer fuseWith(Layer next);
}
