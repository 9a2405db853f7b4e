package org.conv4j.layers;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.activation.ReLU;
import org.conv4j.model.Residual;
import org.conv4j.model.Sequential;
import org.conv4j.train.TrainerTest;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** {@link Layers#walk}: every layer once, containers before their children, paths as in parameter names. */
class LayersTest {
    @Test
    void walksDepthFirstWithParameterStylePaths() throws Exception {
        Layer net = TrainerTest.model().network();
        List<String> paths = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        Layers.walk(net, (path, layer) -> {
            paths.add(path);
            kinds.add(layer.getClass().getSimpleName());
        });
        assertEquals(List.of("", "0", "1", "2", "3", "3.block", "3.block.0", "3.block.1", "4", "5", "6", "7"), paths);
        assertEquals(List.of("Sequential", "Conv2d", "BatchNorm2d", "ReLU", "Residual", "Sequential", "Conv2d", "ReLU",
                "MaxPool2d", "Dropout", "Flatten", "Linear"), kinds);
    }

    @Test
    void parameterNamesFollowTheWalk() throws Exception {
        List<String> names = new ArrayList<>();
        for (NamedParam p : NamedParam.of(TrainerTest.model().network())) names.add(p.name());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "3.block.0.weight", "3.block.0.bias", "7.weight", "7.bias"), names);
    }

    @Test
    void shortcutAfterBlockAndALeafRootHasTheEmptyPath() {
        Rng rng = new Rng(1);
        Linear a = new Linear(LinearConfig.of(2, 2), rng), b = new Linear(LinearConfig.of(2, 2), rng);
        Residual res = new Residual(new Sequential(a, new ReLU()), new Sequential(b));
        List<String> paths = new ArrayList<>();
        List<Layer> seen = new ArrayList<>();
        Layers.walk(new Sequential(res), (path, layer) -> {
            paths.add(path);
            seen.add(layer);
        });
        assertEquals(List.of("", "0", "0.block", "0.block.0", "0.block.1", "0.shortcut", "0.shortcut.0"), paths);
        assertSame(a, seen.get(3));
        assertSame(b, seen.get(6));
        assertEquals("0.shortcut.0.weight", NamedParam.of(new Sequential(res)).get(2).name());

        List<String> leaf = new ArrayList<>();
        Layers.walk(a, (path, layer) -> leaf.add(path + "=" + layer.describe()));
        assertEquals(List.of("=" + a.describe()), leaf);
        assertEquals(List.of("weight", "bias"), NamedParam.of(a).stream().map(NamedParam::name).toList());
        assertEquals(List.of(), Layers.children(a));
        assertEquals("4.block", Layers.child("4", "block"));
        assertEquals("3", Layers.child("", "3"));
    }
}
