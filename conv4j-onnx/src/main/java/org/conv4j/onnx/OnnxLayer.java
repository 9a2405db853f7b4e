package org.conv4j.onnx;

import java.util.List;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;

/**
 * The ONNX view of one conv4j layer: the settings and tensors an ONNX node needs, without the layer's
 * training state. Export turns a model into a list of these and writes nodes; import reads nodes into
 * a list of these and builds layers ({@link LayerBridge} maps both ways). Tensors are shared, not copied.
 *
 * <p>Shapes are item shapes (no batch dimension), as in {@code Layer.outputShape}.
 */
public sealed interface OnnxLayer {

    /**
     * Output item shape for input item shape {@code in}.
     *
     * @param in the input item shape, without the batch dimension
     * @return the output item shape
     * @throws IllegalArgumentException if {@code in} is not a shape this layer accepts
     */
    int[] outputShape(int[] in);

    /**
     * Conv2d. weight {@code [F, C/groups, KH, KW]}, bias {@code [F]} or null. ONNX pads order is
     * (top, left, bottom, right).
     *
     * @param weight    the kernels, {@code [F, C/groups, KH, KW]}
     * @param bias      {@code [F]}, or null for none
     * @param strideH   rows the window moves per output row
     * @param strideW   columns the window moves per output column
     * @param padTop    zero rows above
     * @param padLeft   zero columns on the left
     * @param padBottom zero rows below
     * @param padRight  zero columns on the right
     * @param dilationH row spacing of the kernel taps
     * @param dilationW column spacing of the kernel taps
     * @param groups    channel groups; C and F are both divisible by it
     */
    record Conv(Tensor weight, Tensor bias, int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                int dilationH, int dilationW, int groups) implements OnnxLayer {
        /** {@return F, the output channels} */
        public int outChannels() { return weight.dim(0); }
        /** {@return C, the input channels over all groups} */
        public int inChannels() { return weight.dim(1) * groups; }
        /** {@return KH, the kernel height} */
        public int kH() { return weight.dim(2); }
        /** {@return KW, the kernel width} */
        public int kW() { return weight.dim(3); }

        /**
         * {@return the window arithmetic of this convolution on an H x W input}
         *
         * @param h input height H
         * @param w input width W
         * @throws IllegalArgumentException if the padded input is smaller than the dilated kernel
         */
        public WindowGeometry geometry(int h, int w) {
            return new WindowGeometry(h, w, kH(), kW(), strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, false);
        }

        @Override public int[] outputShape(int[] in) {
            require(in.length == 3 && in[0] == inChannels(), "Conv", "input [" + inChannels() + ", H, W]", in);
            WindowGeometry g = geometry(in[1], in[2]);
            return new int[] {outChannels(), g.outH(), g.outW()};
        }
    }

    /**
     * Linear: weight {@code [out, in]} (torch layout), bias {@code [out]} or null.
     *
     * @param weight {@code [out, in]}
     * @param bias   {@code [out]}, or null for none
     */
    record Linear(Tensor weight, Tensor bias) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            require(in.length == 1 && in[0] == weight.dim(1), "Linear", "input [" + weight.dim(1) + "]", in);
            return new int[] {weight.dim(0)};
        }
    }

    /**
     * Inference-mode batch normalisation over channel axis 1 (BatchNorm1d on [N, C], BatchNorm2d on [N, C, H, W]).
     *
     * @param weight      the scale gamma, {@code [C]}
     * @param bias        the shift beta, {@code [C]}
     * @param runningMean the mean used at inference, {@code [C]}
     * @param runningVar  the variance used at inference, {@code [C]}
     * @param eps         added to the variance before the square root
     * @param momentum    torch's running-average momentum, kept for fine-tuning an imported model
     */
    record BatchNorm(Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, float eps, float momentum) implements OnnxLayer {
        /** {@return C, the normalised channels} */
        public int channels() { return runningMean.size(); }

        @Override public int[] outputShape(int[] in) {
            require((in.length == 1 || in.length == 3) && in[0] == channels(), "BatchNormalization",
                    "input [" + channels() + "] or [" + channels() + ", H, W]", in);
            return in.clone();
        }
    }

    /**
     * Element-wise activations; {@code alpha} is LeakyReLU's negative slope. HARD_SIGMOID is torch's
     * relu6(x + 3) / 6 (ONNX HardSigmoid with alpha 1/6, beta 1/2), HARDSWISH x times that, SILU x·sigmoid(x).
     *
     * @param kind  which activation
     * @param alpha LEAKY_RELU's negative slope; 0 and unused for the others
     */
    record Activation(Kind kind, float alpha) implements OnnxLayer {
        /** Which activation. */
        public enum Kind {
            /** max(x, 0). */
            RELU,
            /** x for x &gt; 0, else alpha·x. */
            LEAKY_RELU,
            /** 1 / (1 + e^(−x)). */
            SIGMOID,
            /** tanh(x). */
            TANH,
            /** x·Φ(x), the exact (erf) GELU. */
            GELU,
            /** min(max(x, 0), 6). */
            RELU6,
            /** relu6(x + 3) / 6. */
            HARD_SIGMOID,
            /** x·relu6(x + 3) / 6. */
            HARDSWISH,
            /** x·sigmoid(x). */
            SILU
        }

        @Override public int[] outputShape(int[] in) { return in.clone(); }
    }

    /**
     * MaxPool or AveragePool; ONNX pads order (top, left, bottom, right).
     *
     * @param max             true for MaxPool, false for AveragePool
     * @param kH              window height
     * @param kW              window width
     * @param strideH         rows the window moves per output row
     * @param strideW         columns the window moves per output column
     * @param padTop          padding rows above
     * @param padLeft         padding columns on the left
     * @param padBottom       padding rows below
     * @param padRight        padding columns on the right
     * @param dilationH       row spacing of the window taps
     * @param dilationW       column spacing of the window taps
     * @param ceilMode        round the output size up rather than down
     * @param countIncludePad AveragePool: divide by the whole window, padding included, rather than by its
     *                        in-image part
     */
    record Pool(boolean max, int kH, int kW, int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                int dilationH, int dilationW, boolean ceilMode, boolean countIncludePad) implements OnnxLayer {
        /**
         * {@return the window arithmetic of this pooling on an H x W input}
         *
         * @param h input height H
         * @param w input width W
         * @throws IllegalArgumentException if the padded input is smaller than the dilated window
         */
        public WindowGeometry geometry(int h, int w) {
            return new WindowGeometry(h, w, kH, kW, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, ceilMode);
        }

        @Override public int[] outputShape(int[] in) {
            require(in.length == 3, max ? "MaxPool" : "AveragePool", "input [C, H, W]", in);
            WindowGeometry g = geometry(in[1], in[2]);
            return new int[] {in[0], g.outH(), g.outW()};
        }
    }

    /** Mean over H and W, keeping them as 1x1: [C, H, W] to [C, 1, 1] (ONNX GlobalAveragePool). */
    record GlobalAvgPool() implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            require(in.length == 3, "GlobalAveragePool", "input [C, H, W]", in);
            return new int[] {in[0], 1, 1};
        }
    }

    /** Flattens every axis after the batch axis. */
    record Flatten() implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            long n = 1;
            for (int d : in) n *= d;
            return new int[] {(int) n};
        }
    }

    /**
     * Dropout: the identity at inference; {@code p} kept so an imported model can be fine-tuned with it.
     *
     * @param p the probability of zeroing an element in training
     */
    record Dropout(float p) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) { return in.clone(); }
    }

    /**
     * Clip to [min, max] (either may be infinite); ReLU6 is Clip(0, 6).
     *
     * @param min the lower bound
     * @param max the upper bound
     */
    record Clip(float min, float max) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) { return in.clone(); }
    }

    /**
     * Softmax or LogSoftmax along {@code axis}, counted on the batched shape as torch's dim (1 is the
     * channels or classes); a final Softmax over the classes of [N, classes] is left out of an imported model.
     *
     * @param axis the axis of the batched shape, 1 or later
     * @param log  true for LogSoftmax
     */
    record Softmax(int axis, boolean log) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            require(axis >= 1 && axis <= in.length, log ? "LogSoftmax" : "Softmax", "an axis after the batch, not " + axis, in);
            return in.clone();
        }
    }

    /**
     * Padding of H and W of [C, H, W]; mode is "constant" (with {@code value}), "reflect" or "edge" (torch's replicate).
     *
     * @param top    rows added above; negative crops (constant mode)
     * @param left   columns added on the left; negative crops (constant mode)
     * @param bottom rows added below; negative crops (constant mode)
     * @param right  columns added on the right; negative crops (constant mode)
     * @param mode   "constant", "reflect" or "edge"
     * @param value  the fill of constant mode
     */
    record Pad(int top, int left, int bottom, int right, String mode, float value) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            require(in.length == 3, "Pad", "input [C, H, W]", in);
            int h = in[1] + top + bottom, w = in[2] + left + right;
            require(h > 0 && w > 0, "Pad", "padding that leaves a non-empty image", in);
            return new int[] {in[0], h, w};
        }
    }

    /**
     * Resize of H and W (nearest or bilinear), as torch's Upsample / interpolate.
     *
     * @param config output size or scale factor, mode and align_corners
     */
    record Resize(org.conv4j.shape.UpsampleConfig config) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            require(in.length == 3, "Resize", "input [C, H, W]", in);
            return new org.conv4j.shape.Upsample(config).outputShape(in);
        }
    }

    /**
     * ShuffleNet's channel shuffle: [C, H, W] viewed as [groups, C/groups, H, W], transposed, flattened back.
     *
     * @param groups the number of groups G; C must be divisible by it
     */
    record ChannelShuffle(int groups) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            require(in.length == 3 && groups >= 1 && in[0] % groups == 0, "ChannelShuffle", "input [C, H, W] with C divisible by " + groups, in);
            return in.clone();
        }
    }

    /**
     * Layer normalisation over the channels of [C, H, W] at each position (ConvNeXt's LayerNorm2d); weight and bias [C].
     *
     * @param weight the scale, {@code [C]}
     * @param bias   the shift, {@code [C]}
     * @param eps    added to the variance before the square root
     */
    record LayerNorm2d(Tensor weight, Tensor bias, float eps) implements OnnxLayer {
        /** {@return C, the normalised channels} */
        public int channels() { return weight.size(); }

        @Override public int[] outputShape(int[] in) {
            require(in.length == 3 && in[0] == channels(), "LayerNorm", "input [" + channels() + ", H, W]", in);
            return in.clone();
        }
    }

    /**
     * {@code x[..., start:end]} along {@code axis} (counting the batch as 0), step 1; end is clamped to the size.
     *
     * @param axis  the axis of the batched shape, 1 or later
     * @param start the first index kept
     * @param end   the index to stop before
     */
    record Slice(int axis, int start, int end) implements OnnxLayer {
        @Override public int[] outputShape(int[] in) {
            require(axis >= 1 && axis <= in.length, "Slice", "an axis after the batch, not " + axis, in);
            int size = in[axis - 1], s = Math.min(Math.max(start, 0), size), e = Math.min(Math.max(end, 0), size);
            require(e > s, "Slice", "a non-empty range " + start + ":" + end + " of axis " + axis, in);
            int[] out = in.clone();
            out[axis - 1] = e - s;
            return out;
        }
    }

    /**
     * {@code body(x) + shortcut(x)}; an empty shortcut is the identity.
     *
     * @param body     the main branch, applied in order
     * @param shortcut the skip branch, applied in order; empty for the identity
     */
    record Residual(List<OnnxLayer> body, List<OnnxLayer> shortcut) implements OnnxLayer {
        /** Copies both lists, so the block cannot change after it is built. */
        public Residual {
            body = List.copyOf(body);
            shortcut = List.copyOf(shortcut);
        }

        @Override public int[] outputShape(int[] in) {
            int[] a = chainShape(body, in), b = chainShape(shortcut, in);
            require(java.util.Arrays.equals(a, b), "Add", "both branches of the same shape " + java.util.Arrays.toString(a), b);
            return a;
        }
    }

    /**
     * Item shape after a chain of layers.
     *
     * @param layers the chain, applied in order
     * @param in     the input item shape
     * @return the output item shape of the last layer, or {@code in} for an empty chain
     * @throws IllegalArgumentException if a layer does not accept the shape it is given
     */
    static int[] chainShape(List<OnnxLayer> layers, int[] in) {
        int[] s = in;
        for (OnnxLayer l : layers) s = l.outputShape(s);
        return s;
    }

    private static void require(boolean ok, String op, String expected, int[] got) {
        if (!ok) throw new IllegalArgumentException(op + ": expected " + expected + ", got item shape " + java.util.Arrays.toString(got));
    }
}
