package org.conv4j.bench;

import java.io.PrintStream;
import org.conv4j.model.Model;
import org.conv4j.model.Zoo;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Warm inference throughput of the reference CNN, shaped like the measurement in
 * ../shared/bench/torch_fmnist.py: one pass over 10,000 images in batches of 1000 (the script times such a
 * pass right after training, in a warm process). Here each pass is timed after one untimed warm-up pass and
 * the best of three passes is reported, so JIT compilation is excluded, as the PyTorch figure excludes its
 * start-up. The weights are a seeded initialisation: the work per image does not depend on their values.
 */
public final class InferenceBench {
    private InferenceBench() {}

    /** Images per pass and per batch, as torch_fmnist.py's test pass. */
    public static final int IMAGES = 10_000, BATCH = 1000;

    /** Seconds for one pass of {@code images} images (a multiple of {@link #BATCH}), best of 3 after a warm-up pass. */
    public static double seconds(Model model, int images) {
        if (images <= 0 || images % BATCH != 0) {
            throw new IllegalArgumentException("images must be a positive multiple of " + BATCH + ", got " + images);
        }
        int[] in = model.spec().input();
        int per = 1;
        for (int d : in) per *= d;
        Rng rng = new Rng(7);
        // [BATCH, C, H, W] pixels in [0, 1], like decoded images before the model's normalisation.
        float[] pixels = new float[BATCH * per];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rng.nextDouble();
        model.network().setTraining(false);
        model.prepareInference();
        return Timing.best(() -> {
            for (int done = 0; done < images; done += BATCH) {
                Tensor x = Tensor.wrap(pixels.clone(), BATCH, in[0], in[1], in[2]);
                model.logits(x);
            }
        }, 1, 3, 1);
    }

    /** Prints "model batch images ms images_per_s" for the built-in reference CNN over {@code images} images. */
    public static void run(PrintStream out, int images) {
        Model model = Zoo.spec("reference").build(0);
        double s = seconds(model, images);
        out.println(HEADER);
        out.printf("reference\t%d\t%d\t%.1f\t%.0f%n", BATCH, images, s * 1e3, images / s);
    }

    /** The header row of {@link #run}. */
    public static final String HEADER = "model\tbatch\timages\tms\timages_per_s";
}
