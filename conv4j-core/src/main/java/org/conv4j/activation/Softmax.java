package org.conv4j.activation;

/**
 * torch.nn.Softmax(dim): out = e^(x − max)/Σ e^(x − max) along one axis of the full input shape
 * [N, ...] (see {@link SoftmaxConfig#dim}), any rank. Computed per row in double with max subtraction,
 * so large logits neither overflow nor lose the small probabilities. Backward:
 * dX = out·(dOut − Σ dOut·out) along the axis, with out recomputed in double from x.
 */
public final class Softmax extends SoftmaxLayer {
    /**
     * A softmax layer along the axis of {@code config}, resolved against each input's shape when it arrives.
     *
     * @param config the axis
     */
    public Softmax(SoftmaxConfig config) { super(config, false); }

    /**
     * Along dim (negative counts from the end), e.g. {@code new Softmax(1)} for [N, classes].
     *
     * @param dim the axis of the full input shape [N, ...]
     */
    public Softmax(int dim) { this(SoftmaxConfig.of(dim)); }

    @Override
    public String describe() { return "Softmax(" + config().describeArgs() + ")"; }
}
