package org.conv4j.layers;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.conv4j.util.Rng;

/**
 * A piece of a layer's running state that is not a tensor and that a resumed run needs to continue bitwise,
 * such as the position of the generator a dropout layer draws its masks from. A layer lists its pieces in
 * {@link Layer#state()}; checkpoints save each as {@code <name>.<layer path>} (I64) and restore it on load,
 * so neither the trainer nor the checkpoint knows which layers have any.
 *
 * <p>State that is a tensor, such as batch normalisation's running statistics, is a buffer
 * ({@link Param#buffer}) instead: it belongs to the model, so model files carry it as well as checkpoints.
 */
public interface LayerState {
    /**
     * Short local name, the same for every layer of a type, e.g. {@code "rng"}.
     *
     * @return the name
     */
    String name();

    /**
     * A copy of the current state.
     *
     * @return a new array
     */
    long[] save();

    /**
     * Puts the state back to what {@link #save} returned; fails on a value of the wrong length.
     *
     * @param saved an array {@link #save} returned
     * @throws IllegalArgumentException if {@code saved} has the wrong length
     */
    void restore(long[] saved);

    /**
     * The state of a generator.
     *
     * @param name the local name, e.g. {@code "rng"}
     * @param rng  the generator; restore may switch its engine
     * @return a state that saves {@link Rng#state()} and restores with {@link Rng#setState}
     */
    static LayerState generator(String name, Rng rng) {
        return of(name, rng::state, rng::setState);
    }

    /**
     * A state read by {@code save} and written by {@code restore}.
     *
     * @param name    the local name
     * @param save    returns a copy of the current state
     * @param restore puts a saved state back, failing on a wrong length
     * @return the state
     */
    static LayerState of(String name, Supplier<long[]> save, Consumer<long[]> restore) {
        return new LayerState() {
            @Override public String name() { return name; }
            @Override public long[] save() { return save.get(); }
            @Override public void restore(long[] saved) { restore.accept(saved); }
        };
    }
}
