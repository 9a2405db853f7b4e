package org.conv4j.reliability;

import java.io.PrintStream;
import java.nio.file.Path;
import org.conv4j.kernels.Kernels;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.TrainListener;
import org.conv4j.train.Trainer;

/**
 * The training process {@link CrashConsistencyTest} kills: {@code CrashChild RUNDIR fresh|resume} trains
 * {@link Fixtures}' model into RUNDIR (from scratch, or from RUNDIR/checkpoint.safetensors), printing
 * {@code step N} as each step ends, just before its checkpoint is written, and {@code done} at the end.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        PrintStream out = System.out;
        out.println("kernels " + Kernels.gemm().getClass().getSimpleName());
        out.flush();
        Trainer t = args[1].equals("resume")
                ? Trainer.resume(Checkpoint.load(run.resolve("checkpoint.safetensors")), 0)
                : new Trainer(Fixtures.model(), Fixtures.config());
        t.setRunDir(run).addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) {
                out.println("step " + step);
                out.flush();
            }
        });
        t.fit(Fixtures.train(), Fixtures.test());
        out.println("done");
        out.flush();
    }
}
