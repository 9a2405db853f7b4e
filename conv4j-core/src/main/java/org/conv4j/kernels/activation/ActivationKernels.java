package org.conv4j.kernels.activation;

/**
 * The activation functions and their gradients on flat float arrays, with a scalar reference
 * ({@link ScalarActivationKernels}) and a Vector API version chosen by {@link org.conv4j.kernels.Kernels#activation()}.
 * Every method works on {@code n} values starting at the given offsets; ranges may not overlap unless stated.
 * Every implementation gives the scalar reference's bits.
 */
public interface ActivationKernels {
    /** y[i] = max(x[i], 0); y may be x (in place). NaN stays NaN like torch.relu. */
    void reluForward(int n, float[] x, int xOff, float[] y, int yOff);

    /** dX[i] = x[i] > 0 ? dOut[i] : 0 (x is the forward input or output; both give the same mask). */
    void reluBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    /** y[i] = x[i] &gt; 0 ? x[i] : slope·x[i] (torch.nn.LeakyReLU; NaN and −0 go through slope·x); y may be x. */
    void leakyReluForward(int n, float slope, float[] x, int xOff, float[] y, int yOff);

    /** dX[i] = x[i] &gt; 0 ? dOut[i] : slope·dOut[i] (x is the forward input). */
    void leakyReluBackward(int n, float slope, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    // Sigmoid, tanh and GELU compute in float (LogisticMath and GeluMath hold their definitions): within one
    // ulp of the double-precision function over every float, and the same bits in every implementation.
    // Each forward also gives, unless slope is null, the derivative at x, which backward multiplies dOut by:
    // computed from x, not from the output, so it keeps its relative accuracy in the tails, where a formula
    // such as y·(1 − y) would cancel.

    /** y = σ(x) = 1/(1 + e^(−x)) and slope = σ'(x) = σ(x)·(1 − σ(x)) at the same offset; y may be x. */
    void sigmoidForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff);

    /** y = tanh x and slope = 1 − tanh²x at the same offset; y may be x. */
    void tanhForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff);

    /**
     * The exact GELU: y = x·Φ(x), Φ the standard normal CDF, and, unless {@code slope} is null, its
     * derivative slope = Φ(x) + x·φ(x) at the same offset as y (what backward multiplies dOut by); y may
     * be x. The derivative keeps its relative accuracy across its root near x = −0.75 and in the left tail.
     */
    void geluForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff);

    /** Short name for logs and benchmarks. */
    String name();
}
