package org.conv4j.data;

import org.conv4j.model.Normalization;

/**
 * Run in a forked JVM with a small heap by {@link PixelStoreTest}: loads the full Fashion-MNIST and
 * passes once over the training set with a normalising loader, then prints what it saw.
 */
public final class SmallHeapProbe {
    private SmallHeapProbe() {}

    public static void main(String[] args) throws Exception {
        TrainTest t = Datasets.fashionMnist(null);
        DataLoader loader = new DataLoader(t.train(), LoaderConfig.train(64, 0).withNormalization(Normalization.FASHION_MNIST));
        int batches = 0;
        double sum = 0;
        while (loader.hasNext()) {
            sum += loader.next().x().data()[0];
            batches++;
        }
        if (!Double.isFinite(sum)) throw new AssertionError("non-finite pixels");
        System.out.println(t.train().size() + " train, " + t.test().size() + " test, " + batches + " batches, max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
    }
}
