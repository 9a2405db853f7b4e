package org.conv4j.report;

import java.util.Arrays;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * One test image with its true class and the model's best guesses.
 *
 * @param image       [C, H, W], as fed to the model (drawn scaled to its own min..max)
 * @param label       true class index
 * @param topClasses  predicted classes, most probable first (up to 3 are shown)
 * @param topProbs    their softmax probabilities, same length as topClasses
 */
public record GallerySample(Tensor image, int label, int[] topClasses, float[] topProbs) {
    /**
     * Checks the image and the predictions, and keeps copies of the arrays.
     *
     * @throws org.conv4j.tensor.ShapeException if the image is not [C, H, W]
     * @throws IllegalArgumentException if there are no top classes or not as many probabilities as classes
     */
    public GallerySample {
        Shapes.checkRank("GallerySample", "image", image, 3);
        if (topClasses.length == 0 || topClasses.length != topProbs.length) {
            throw new IllegalArgumentException("GallerySample: " + topClasses.length + " top classes and "
                    + topProbs.length + " probabilities; expected the same non-zero number");
        }
        topClasses = topClasses.clone();
        topProbs = topProbs.clone();
    }

    /**
     * Whether the most probable class is the true one.
     *
     * @return {@code topClasses[0] == label}
     */
    public boolean correct() { return topClasses[0] == label; }

    /** {@return a copy of the predicted classes, most probable first} */
    @Override
    public int[] topClasses() { return topClasses.clone(); }

    /** {@return a copy of the predicted classes' probabilities} */
    @Override
    public float[] topProbs() { return topProbs.clone(); }

    @Override
    public String toString() {
        return "GallerySample[label=" + label + ", top=" + Arrays.toString(topClasses) + ", image=" + image + "]";
    }
}
