package org.conv4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.layers.NamedParam;

/**
 * The part of a network that fine-tuning leaves as it is: the top-level layers up to and including a named one.
 * In a {@link Sequential} that is children "0" to the named index; in a {@link Graph} it is the named node and every
 * node it reads from, directly or not (its ancestors), so a branch that joins later stays trainable. A name may
 * also be a prefix of node names at a dot ({@code "layer2"} stands for every {@code "layer2.*"} node), as torch's
 * module paths are.
 *
 * <p>What frozen means to the trainer: the optimizer holds no frozen parameter (they get no update, so they stay
 * bitwise the same), and the frozen layers run in evaluation mode even while the rest trains ({@link #setEval}):
 * BatchNorm normalises with its running statistics and does not update them, Dropout passes values through. The
 * trainer also names the frozen children to the network ({@link Container#setFrozen}), so that they run no backward.
 *
 * @param until    the name the part was chosen by
 * @param children the frozen top-level children's names, in network order
 * @param layers   the frozen layer instances, compared by identity
 */
public record FrozenPart(String until, List<String> children, Set<Layer> layers) {
    /** Copies {@code children} and {@code layers}; the layer set compares by identity. */
    public FrozenPart {
        children = List.copyOf(children);
        Set<Layer> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(layers);
        layers = Collections.unmodifiableSet(s);
    }

    /** Nothing frozen. */
    public static final FrozenPart NONE = new FrozenPart("", List.of(), Set.of());

    /**
     * The part of {@code network} up to and including {@code until} (a top-level child's name, or a prefix of
     * child names at a dot).
     *
     * @param network the network
     * @param until   the last frozen layer's name; null or "" freezes nothing
     * @return the frozen part; {@link #NONE} when {@code until} is empty
     * @throws IllegalArgumentException naming some children when nothing matches
     */
    public static FrozenPart of(Container network, String until) {
        if (until == null || until.isEmpty()) return NONE;
        List<Container.Child> all = network.children();
        Set<String> frozen = new LinkedHashSet<>();
        if (network instanceof Graph g) {
            List<String> start = new ArrayList<>();
            for (Graph.Node n : g.nodes()) if (matches(n.name(), until)) start.add(n.name());
            if (start.isEmpty()) throw noSuch(network, until, all);
            List<String> todo = new ArrayList<>(start);
            Set<String> seen = new LinkedHashSet<>();
            while (!todo.isEmpty()) {
                String v = todo.remove(todo.size() - 1);
                if (!seen.add(v)) continue;
                Graph.Node n = g.node(v);
                if (n != null) todo.addAll(n.inputs());   // null: the graph's input
            }
            for (Graph.Node n : g.nodes()) if (seen.contains(n.name()) && n.layer() != null) frozen.add(n.name());
        } else {
            int last = -1;
            for (int i = 0; i < all.size(); i++) if (matches(all.get(i).name(), until)) last = i;
            if (last < 0) throw noSuch(network, until, all);
            for (int i = 0; i <= last; i++) frozen.add(all.get(i).name());
        }
        Set<Layer> layers = Collections.newSetFromMap(new IdentityHashMap<>());
        List<String> names = new ArrayList<>();
        for (Container.Child c : all) {
            if (!frozen.contains(c.name())) continue;
            names.add(c.name());
            Layers.walk(c.layer(), (path, l) -> layers.add(l));
        }
        return new FrozenPart(until, names, layers);
    }

    private static boolean matches(String name, String until) {
        return name.equals(until) || name.startsWith(until + ".");
    }

    private static IllegalArgumentException noSuch(Container network, String until, List<Container.Child> all) {
        List<String> names = new ArrayList<>();
        for (Container.Child c : all) names.add(c.name());
        String shown = names.size() <= 12 ? names.toString()
                : names.subList(0, 6) + " ... " + names.subList(names.size() - 6, names.size()) + " (" + names.size() + " in all)";
        return new IllegalArgumentException("freeze until '" + until + "': " + network.describe() + " has no layer of that name "
                + "(nor any named '" + until + ".*'); its layers are " + shown);
    }

    /** {@return true if nothing is frozen} */
    public boolean isEmpty() { return children.isEmpty(); }

    /**
     * {@return true if {@code p} belongs to a frozen layer}
     *
     * @param p the parameter
     */
    public boolean contains(NamedParam p) { return p.owner() != null && layers.contains(p.owner()); }

    /**
     * {@return the parameters of {@code params} outside the frozen part, in order}
     *
     * @param params the parameters
     */
    public List<NamedParam> trainable(List<NamedParam> params) {
        List<NamedParam> r = new ArrayList<>();
        for (NamedParam p : params) if (!contains(p)) r.add(p);
        return r;
    }

    /**
     * Puts the frozen layers in evaluation mode; call after the network's {@code setTraining(true)}. Each frozen
     * top-level child (and so everything in it) is switched as a whole.
     *
     * @param network the network this part was chosen in
     */
    public void setEval(Container network) {
        for (Container.Child c : network.children()) if (children.contains(c.name())) c.layer().setTraining(false);
    }
}
