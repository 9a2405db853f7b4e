package org.conv4j.norm;

/**
 * Settings of {@link BatchNorm1d} and {@link BatchNorm2d}, with torch.nn.BatchNorm's defaults.
 *
 * @param numFeatures       channels C
 * @param eps               added to the variance before the square root; default 1e-5
 * @param momentum          running = (1 − momentum)·running + momentum·batch; default 0.1
 * @param affine            learn a per-channel weight (γ) and bias (β); default true
 * @param trackRunningStats keep running mean and variance for evaluation; default true. Without them
 *                          the layer normalises with batch statistics in evaluation too, as torch does.
 */
public record BatchNormConfig(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code numFeatures} is below 1, {@code eps} is not positive and finite,
     *         or {@code momentum} is not in [0, 1]
     */
    public BatchNormConfig {
        if (numFeatures < 1) throw new IllegalArgumentException("BatchNorm: numFeatures must be at least 1, got " + numFeatures);
        if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("BatchNorm: eps must be positive, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNorm: momentum must be in [0, 1], got " + momentum);
    }

    /**
     * eps 1e-5, momentum 0.1, affine, tracking running statistics.
     *
     * @param numFeatures channels C, at least 1
     * @return the settings
     * @throws IllegalArgumentException if {@code numFeatures} is below 1
     */
    public static BatchNormConfig of(int numFeatures) {
        return new BatchNormConfig(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * A copy with another eps.
     *
     * @param v added to the variance, positive and finite
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is not positive and finite
     */
    public BatchNormConfig withEps(double v) { return new BatchNormConfig(numFeatures, v, momentum, affine, trackRunningStats); }

    /**
     * A copy with another momentum.
     *
     * @param v weight of the batch statistics in the running ones, in [0, 1]
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is not in [0, 1]
     */
    public BatchNormConfig withMomentum(double v) { return new BatchNormConfig(numFeatures, eps, v, affine, trackRunningStats); }

    /**
     * A copy with or without the learnt γ and β.
     *
     * @param v true to learn γ and β
     * @return the new settings
     */
    public BatchNormConfig withAffine(boolean v) { return new BatchNormConfig(numFeatures, eps, momentum, v, trackRunningStats); }

    /**
     * A copy with or without running statistics.
     *
     * @param v true to keep running mean and variance for evaluation
     * @return the new settings
     */
    public BatchNormConfig withTrackRunningStats(boolean v) { return new BatchNormConfig(numFeatures, eps, momentum, affine, v); }

    /** Torch-style argument list for describe(): only settings that differ from the defaults. */
    String describeArgs() {
        StringBuilder b = new StringBuilder().append(numFeatures);
        if (eps != 1e-5) b.append(", eps=").append(eps);
        if (momentum != 0.1) b.append(", momentum=").append(momentum);
        if (!affine) b.append(", affine=false");
        if (!trackRunningStats) b.append(", track_running_stats=false");
        return b.toString();
    }
}
