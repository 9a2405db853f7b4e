package org.conv4j.activation;

/**
 * torch.nn.LogSoftmax(dim): out = x − max − log Σ e^(x − max) along one axis of the full input shape
 * [N, ...] (see {@link SoftmaxConfig#dim}), any rank; in double per row, so it stays exact where
 * log(softmax) would round the small probabilities to 0 and give −∞. Backward:
 * dX = dOut − e^out·Σ dOut along the axis, with e^out recomputed in double from x.
 */
public final class LogSoftmax extends SoftmaxLayer {
    /**
     * A log-softmax layer along the axis of {@code config}, resolved against each input's shape when it arrives.
     *
     * @param config the axis
     */
    public LogSoftmax(SoftmaxConfig config) { super(config, true); }

    /**
     * Along dim (negative counts from the end), e.g. {@code new LogSoftmax(1)} for [N, classes].
     *
     * @param dim the axis of the full input shape [N, ...]
     */
    public LogSoftmax(int dim) { this(SoftmaxConfig.of(dim)); }

    @Override
    public String describe() { return "LogSoftmax(" + config().describeArgs() + ")"; }
}
