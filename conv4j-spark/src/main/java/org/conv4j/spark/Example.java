package org.conv4j.spark;

import java.io.Serializable;

/**
 * One training image of a DataFrame, as the executors keep it: its row number (the image number the
 * driver's loader deals out), its pixels [C·H·W] in [0, 1] before the model's normalisation, and its label.
 */
record Example(long index, float[] pixels, int label) implements Serializable {}
