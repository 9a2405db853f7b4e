package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.layers.Fusable;
import org.conv4j.layers.Layer;

/**
 * The model-building pass that runs neighbouring layers as one where a layer declares it can
 * ({@link Fusable}). The layers themselves are untouched: a container keeps them as its children, with their
 * names and parameters, and runs the {@link Stage stages} this pass plans.
 */
public final class Fusion {
    private Fusion() {}

    /**
     * One pass of a run.
     *
     * @param layer what runs: a layer of the list, or the fused layer of {@code span} neighbours
     * @param first index of the first layer of the list it stands for
     * @param span  how many layers of the list it stands for (1 when nothing fused)
     */
    public record Stage(Layer layer, int first, int span) {}

    /**
     * The stages that run {@code layers} in order: from the left, each layer fuses with the next when that one
     * is {@link Fusable} and {@link Fusable#fuseAfter} accepts it, and a layer fused once is not fused again.
     *
     * @param layers the layers, in run order
     * @return the stages, in run order
     */
    public static List<Stage> plan(List<? extends Layer> layers) {
        List<Stage> stages = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer fused = i + 1 < layers.size() && layers.get(i + 1) instanceof Fusable f ? f.fuseAfter(layers.get(i)) : null;
            if (fused != null) {
                stages.add(new Stage(fused, i, 2));
                i++;
            } else {
                stages.add(new Stage(layers.get(i), i, 1));
            }
        }
        return List.copyOf(stages);
    }
}
