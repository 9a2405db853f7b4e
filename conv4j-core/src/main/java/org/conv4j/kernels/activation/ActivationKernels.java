package org.conv4j.kernels.activation;

/**
 * The activation functions and their gradients on flat float arrays, with a scalar reference
 * ({@link ScalarActivationKernels}) and a Vector API version chosen by {@link org.conv4j.kernels.Kernels#activation()}.
 * Every method works on {@code n} values starting at the given offsets; ranges may not overlap unless stated.
 * ReLU and LeakyReLU match the scalar reference bit for bit; sigmoid, tanh and GELU to one float ulp.
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

    // The smooth activations compute in double from x and round once (ActivationMath holds their
    // definitions). The vector forms take e^x, tanh x from the Vector API, whose doubles may differ from
    // Math's in the last bit, so their float results may differ from the scalar reference's by one ulp,
    // never more.

    /** y = σ(x) = 1/(1 + e^(−x)), for x &lt; 0 as e^x/(1 + e^x); y may be x. */
    void sigmoidForward(int n, float[] x, int xOff, float[] y, int yOff);

    /** dX = dOut·σ'(x), σ'(x) = e/(1 + e)² with e = e^(−|x|), x the forward input. */
    void sigmoidBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    /** y = tanh x; y may be x. */
    void tanhForward(int n, float[] x, int xOff, float[] y, int yOff);

    /** dX = dOut·(1 − tanh²x), as 4e/(1 + e)² with e = e^(−2|x|), x the forward input. */
    void tanhBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    /**
     * The exact GELU: y = x·Φ(x), Φ the standard normal CDF, and, unless {@code slope} is null, its
     * derivative slope = Φ(x) + x·φ(x) at the same offset as y (what backward multiplies dOut by).
     */
    void geluForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff);

    /** Short name for logs and benchmarks. */
    String name();
}
