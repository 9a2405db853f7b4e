package org.conv4j.data;

/**
 * A training set and a test set of the same image shape and classes.
 *
 * @param train  the training set
 * @param test   the test set
 * @param source says where the data came from, e.g. "Fashion-MNIST from /usr/share/datasets/fashion-mnist"
 */
public record TrainTest(Dataset train, Dataset test, String source) {}
