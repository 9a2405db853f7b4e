package org.conv4j.train;

import org.conv4j.data.Batch;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Dataset;
import org.conv4j.data.LoaderConfig;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.model.Model;
import org.conv4j.tensor.Tensor;

/**
 * A model's loss and accuracy over a dataset, in inference mode (running statistics, no dropout).
 *
 * @param size        number of images evaluated
 * @param loss        mean cross-entropy (no label smoothing)
 * @param accuracy    top-1 accuracy in [0, 1]
 * @param topK        top-k accuracy in [0, 1]
 * @param k           the k of {@code topK}
 * @param predictions top-1 class per image, in dataset order
 * @param seconds     wall-clock seconds the evaluation took
 */
public record Evaluation(int size, double loss, double accuracy, double topK, int k, int[] predictions, double seconds) {

    /**
     * Evaluates {@code model} on {@code data} in batches of {@code batchSize}, in inference mode, with the model's
     * normalisation.
     *
     * @param model     the model
     * @param data      the images and labels
     * @param batchSize images per batch, at least 1
     * @param k         the k of the top-k accuracy
     * @return the loss, accuracies and predictions
     */
    public static Evaluation of(Model model, Dataset data, int batchSize, int k) {
        long t0 = System.nanoTime();
        DataLoader loader = new DataLoader(data, LoaderConfig.eval(batchSize).withNormalization(model.normalization()));
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double lossSum = 0;
        int top1 = 0, topk = 0, n = 0;
        int[] predictions = new int[data.size()];
        while (loader.hasNext()) {
            Batch b = loader.next();
            Tensor logits = model.network().infer(b.x());
            lossSum += (double) ce.forward(logits, b.labels()) * b.size();
            int[] h = Metrics.hits(logits, b.labels(), k);
            top1 += h[0];
            topk += h[1];
            for (int i = 0; i < b.size(); i++) predictions[n + i] = Metrics.argmax(logits, i);
            n += b.size();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Evaluation(n, n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) top1 / n,
                n == 0 ? Double.NaN : (double) topk / n, k, predictions, s);
    }
}
