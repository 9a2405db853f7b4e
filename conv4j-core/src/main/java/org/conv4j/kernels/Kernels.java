package org.conv4j.kernels;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.kernels.activation.ScalarActivationKernels;
import org.conv4j.kernels.array.ArrayKernels;
import org.conv4j.kernels.array.ScalarArrayKernels;
import org.conv4j.kernels.conv.ConvKernels;
import org.conv4j.kernels.conv.ScalarConvKernels;
import org.conv4j.kernels.gemm.Gemm;
import org.conv4j.kernels.gemm.NativeBlasGemm;
import org.conv4j.kernels.gemm.ScalarGemm;
import org.conv4j.kernels.norm.NormKernels;
import org.conv4j.kernels.norm.ScalarNormKernels;
import org.conv4j.kernels.optim.OptimKernels;
import org.conv4j.kernels.optim.ScalarOptimKernels;
import org.conv4j.kernels.pool.PoolKernels;
import org.conv4j.kernels.pool.ScalarPoolKernels;

/**
 * Chooses the kernel implementations once, at start-up, and logs the choice (System.Logger
 * {@code org.conv4j.kernels}).
 *
 * <p>The Vector API kernels are used unless: {@code -Dconv4j.kernels=scalar} forces the scalar
 * reference; the {@code jdk.incubator.vector} module is not in the boot layer (run with
 * {@code --add-modules jdk.incubator.vector}); or the C2 compiler is off ({@code -Xint},
 * {@code -XX:TieredStopAtLevel<4}, a client VM), where vector code would run interpreted and be far
 * slower than scalar. A fallback logs its reason at WARNING; a forced choice at INFO.
 */
public final class Kernels {
    private static final System.Logger LOG = System.getLogger("org.conv4j.kernels");
    private static final Choice CHOICE = choose();
    private static final ConvKernels CONV = chooseConv();

    private Kernels() {}

    /**
     * The implementation of each family picked and why.
     *
     * @param gemm      the GEMM
     * @param families  the other kernel families
     * @param reason    why these were chosen, as logged
     * @param vectorApi true when the Vector API kernels were chosen and every family besides GEMM loaded
     */
    public record Choice(Gemm gemm, Families families, String reason, boolean vectorApi) {}

    /**
     * The kernel families besides GEMM, each a Vector API implementation or its scalar reference; all of
     * them Vector API when {@code vectorApi}.
     *
     * @param activation the activation kernels
     * @param pool       the pooling kernels
     * @param norm       the normalisation kernels
     * @param optim      the optimiser updates
     * @param arrays     the flat-array kernels
     * @param vectorApi  true when every family is the Vector API version
     */
    public record Families(ActivationKernels activation, PoolKernels pool, NormKernels norm, OptimKernels optim,
                           ArrayKernels arrays, boolean vectorApi) {
        static Families scalar() {
            return new Families(new ScalarActivationKernels(), new ScalarPoolKernels(), new ScalarNormKernels(),
                    new ScalarOptimKernels(), new ScalarArrayKernels(), false);
        }

        /** Each family's Vector API version, or its scalar reference where that fails to load (logged). */
        static Families vector() {
            ActivationKernels a = load("org.conv4j.kernels.activation.VectorActivationKernels", ActivationKernels.class);
            PoolKernels p = load("org.conv4j.kernels.pool.VectorPoolKernels", PoolKernels.class);
            NormKernels n = load("org.conv4j.kernels.norm.VectorNormKernels", NormKernels.class);
            OptimKernels o = load("org.conv4j.kernels.optim.VectorOptimKernels", OptimKernels.class);
            ArrayKernels r = load("org.conv4j.kernels.array.VectorArrayKernels", ArrayKernels.class);
            Families s = scalar();
            return new Families(a != null ? a : s.activation(), p != null ? p : s.pool(), n != null ? n : s.norm(),
                    o != null ? o : s.optim(), r != null ? r : s.arrays(),
                    a != null && p != null && n != null && o != null && r != null);
        }

        /** "Vector API elementwise", or which families fell back to scalar. */
        String describe() {
            if (vectorApi) return "Vector API elementwise";
            StringBuilder s = new StringBuilder("scalar");
            if (activation instanceof ScalarActivationKernels) s.append(" activation");
            if (pool instanceof ScalarPoolKernels) s.append(" pool");
            if (norm instanceof ScalarNormKernels) s.append(" norm");
            if (optim instanceof ScalarOptimKernels) s.append(" optim");
            if (arrays instanceof ScalarArrayKernels) s.append(" array");
            return s + " kernels (vector versions failed to load)";
        }
    }

    /**
     * The GEMM every layer uses.
     *
     * @return the GEMM chosen at start-up: native BLAS, the Vector API GEMM or the scalar one
     */
    public static Gemm gemm() { return CHOICE.gemm(); }

    /**
     * ReLU, LeakyReLU, sigmoid, tanh and GELU, forward and backward.
     *
     * @return the family chosen at start-up
     */
    public static ActivationKernels activation() { return CHOICE.families().activation(); }

    /**
     * The 2×2 max pool, and the max and average pools of any window as a row pass then a column pass.
     *
     * @return the family chosen at start-up
     */
    public static PoolKernels pool() { return CHOICE.families().pool(); }

    /**
     * Batch norm's per-channel sums and maps.
     *
     * @return the family chosen at start-up
     */
    public static NormKernels norm() { return CHOICE.families().norm(); }

    /**
     * The Adam, SGD and RMSprop updates.
     *
     * @return the family chosen at start-up
     */
    public static OptimKernels optim() { return CHOICE.families().optim(); }

    /**
     * axpy, scale-and-shift and sums on flat arrays (the bias gradient's ordered sums among them).
     *
     * @return the family chosen at start-up
     */
    public static ArrayKernels arrays() { return CHOICE.families().arrays(); }

    /**
     * The direct and Winograd convolutions: the Vector API version when the vector kernels were chosen
     * (see {@link #vectorApi}), else the scalar one, which touches no Vector API class (the layers then run
     * im2col on the scalar GEMM; see {@code conv.ConvAlgorithm}).
     *
     * @return the family chosen at start-up
     */
    public static ConvKernels conv() { return CONV; }

    /**
     * True when Vector API kernels may run (the module is loaded, C2 is on, nothing forces scalar): the
     * vector elementwise kernels loaded, and {@link #conv} is the vector family.
     *
     * @return whether the Vector API kernels were chosen and every elementwise family loaded
     */
    public static boolean vectorApi() { return CHOICE.vectorApi(); }

    /**
     * Why the current kernels were chosen (for logs and {@code conv4j bench}).
     *
     * @return a one-line reason, as logged at start-up
     */
    public static String reason() { return CHOICE.reason(); }

    private static Choice choose() {
        String forced = System.getProperty("conv4j.kernels", "").trim();
        if (forced.equals("scalar")) {
            return scalar(System.Logger.Level.INFO, "-Dconv4j.kernels=scalar forces the scalar kernels");
        }
        if (!forced.isEmpty() && !forced.equals("vector") && !forced.equals("auto")) {
            throw new IllegalArgumentException("system property conv4j.kernels must be auto, vector or scalar, got '"
                    + forced + "'");
        }
        Optional<String> why = vectorUnusable();
        if (why.isPresent()) return scalar(System.Logger.Level.WARNING, why.get());
        // Each family loads on its own: a failure in one leaves the others vectorised, and is logged.
        Gemm g = nativeBlas().orElseGet(() -> load("org.conv4j.kernels.gemm.VectorGemm", Gemm.class));
        Families e = Families.vector();
        String reason = (g instanceof NativeBlasGemm ? "native GEMM " + g.name()
                : g != null ? "Vector API GEMM (" + g.name() + ")" : "scalar GEMM (vector GEMM failed to load)")
                + ", " + e.describe();
        LOG.log(g != null && e.vectorApi() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "conv4j kernels: " + reason);
        return new Choice(g != null ? g : new ScalarGemm(), e, reason, e.vectorApi());
    }

    /** The conv family follows the elementwise one: vector when that loaded, loaded by name like it. */
    private static ConvKernels chooseConv() {
        ConvKernels c = CHOICE.vectorApi() ? load("org.conv4j.kernels.conv.VectorConvKernels", ConvKernels.class) : null;
        if (CHOICE.vectorApi() && c == null) LOG.log(System.Logger.Level.WARNING, "conv4j kernels: scalar convolutions");
        return c != null ? c : new ScalarConvKernels();
    }

    /**
     * OpenBLAS when asked for: {@code -Dconv4j.blas=openblas} requires it (start-up fails with the reason
     * if it cannot be loaded), {@code auto} uses it when present, {@code none} (the default) never does.
     */
    private static Optional<Gemm> nativeBlas() {
        String mode = System.getProperty("conv4j.blas", "none").trim();
        if (mode.equals("none") || mode.isEmpty()) return Optional.empty();
        if (!mode.equals("openblas") && !mode.equals("auto")) {
            throw new IllegalArgumentException("system property conv4j.blas must be none, auto or openblas, got '" + mode + "'");
        }
        StringBuilder why = new StringBuilder();
        Optional<NativeBlasGemm> g;
        try {
            g = NativeBlasGemm.load(why);
        } catch (RuntimeException | LinkageError e) {
            why.append(e);
            g = Optional.empty();
        }
        if (g.isEmpty() && mode.equals("openblas")) {
            throw new IllegalStateException("-Dconv4j.blas=openblas: " + why);
        }
        if (g.isEmpty()) LOG.log(System.Logger.Level.INFO, "conv4j: -Dconv4j.blas=auto: " + why + "; using Java GEMM");
        return g.map(Gemm.class::cast);
    }

    private static <T> T load(String className, Class<T> type) {
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "conv4j: " + className + " failed to load, using the scalar version", ex);
            return null;
        }
    }

    private static Choice scalar(System.Logger.Level level, String why) {
        String reason = "scalar kernels: " + why;
        LOG.log(level, "conv4j " + reason);
        return new Choice(new ScalarGemm(), Families.scalar(), reason, false);
    }

    /** Empty when the Vector API is present and compiled by C2; otherwise the reason it is not used. */
    static Optional<String> vectorUnusable() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.of("module jdk.incubator.vector is not loaded (add --add-modules jdk.incubator.vector)");
        }
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return Optional.of("the JVM runs interpreted only (-Xint), so vector code would not be compiled");
        }
        if (info.contains("emulated-client")) {
            return Optional.of("the JVM runs in client (C1-only) mode, so the C2 compiler is off");
        }
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean != null) {
                boolean tiered = Boolean.parseBoolean(bean.getVMOption("TieredCompilation").getValue());
                int stop = Integer.parseInt(bean.getVMOption("TieredStopAtLevel").getValue());
                if (tiered && stop < 4) {
                    return Optional.of("-XX:TieredStopAtLevel=" + stop + " keeps the C2 compiler off");
                }
                if (!Boolean.parseBoolean(bean.getVMOption("UseCompiler").getValue())) {
                    return Optional.of("-XX:-UseCompiler turns the JIT off");
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // Not HotSpot or no management module: trust the JVM to compile.
        }
        return Optional.empty();
    }
}
