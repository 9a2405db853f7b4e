package org.conv4j.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;
import org.conv4j.model.Sequential;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** Optimizers built straight from a network or a model update exactly its trainable parameters. */
class OptimizerFromNetworkTest {
    /** conv, batch norm (two buffers besides its weight and bias), linear: [1, 4, 4] to 3 classes. */
    static Sequential net() {
        Rng rng = Rng.torch(0);
        return new Sequential(new Conv2d(Conv2dConfig.of(1, 2, 3).withPadding(1), rng), new BatchNorm2d(BatchNormConfig.of(2)),
                new ReLU(), new Flatten(), new Linear(LinearConfig.of(32, 3), rng));
    }

    static final List<String> TRAINABLE = List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias");

    static List<String> names(Optimizer o) { return o.params().stream().map(NamedParam::name).toList(); }

    @Test
    void everyFactoryTakesTheTrainableParametersInStateDictOrder() {
        Sequential n = net();
        Model m = Model.of(n, new int[] {1, 4, 4}, 3);
        for (Optimizer o : List.of(Adam.adam(n, 1e-3), Adam.adam(m, 1e-3), Adam.adamW(n, 1e-3, 0.01), Adam.adamW(m, 1e-3, 0.01),
                new Sgd(n, 0.1), new Sgd(m, 0.1), new Sgd(n, 0.1, 0.9, 0, 5e-4, true), RmsProp.of(n, 1e-3), RmsProp.of(m, 1e-3))) {
            assertEquals(TRAINABLE, names(o), o.name() + ": the running mean and variance are buffers, not updated");
            for (int i = 0; i < TRAINABLE.size(); i++) {
                assertSame(NamedParam.of(n).stream().filter(p -> p.param().isTrainable()).toList().get(i).param(), o.params().get(i).param(),
                        o.name() + " updates the network's own tensors");
            }
        }
        assertEquals("AdamW", Adam.adamW(m, 1e-3, 0.01).name());
    }

    @Test
    void sgdFromAModelStepsItsWeights() {
        Sequential n = net();
        Model m = Model.of(n, new int[] {1, 4, 4}, 3);
        Sgd sgd = new Sgd(m, 0.5);
        float[][] before = new float[TRAINABLE.size()][];
        for (int i = 0; i < before.length; i++) {
            float[] g = sgd.params().get(i).param().grad().data();
            for (int k = 0; k < g.length; k++) g[k] = (k % 5 - 2) * 0.25f;
            before[i] = sgd.params().get(i).param().value().data().clone();
        }
        sgd.step();
        for (int i = 0; i < before.length; i++) {
            float[] p = sgd.params().get(i).param().value().data();
            for (int k = 0; k < p.length; k++) {
                assertEquals(before[i][k] - 0.5f * ((k % 5 - 2) * 0.25f), p[k], 1e-6, TRAINABLE.get(i) + "[" + k + "]");
            }
        }
        assertEquals(0f, n.get(1).params().get(2).value().data()[0], "running_mean untouched by the optimizer");
    }

    @Test
    void adamFromAModelKeepsStateUnderTheTrainersNames() {
        Model m = Model.of(net(), new int[] {1, 4, 4}, 3);
        Adam a = Adam.adam(m, 1e-3);
        Optimizer trainers = new Trainer(m, TrainConfig.defaults()).optimizer();
        assertEquals(trainers.state().slots().keySet(), a.state().slots().keySet(),
                "a checkpoint of the trainer's Adam restores into one made with Adam.adam(model, lr)");
        a.restore(trainers.state());
    }
}
