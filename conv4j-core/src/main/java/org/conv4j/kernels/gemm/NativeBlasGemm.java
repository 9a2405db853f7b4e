package org.conv4j.kernels.gemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.conv4j.kernels.Parallel;

/**
 * Optional native SGEMM: OpenBLAS's {@code cblas_sgemm} through the Foreign Function &amp; Memory API, on the
 * Java arrays themselves (a critical downcall with heap access: no copies). Off by default; enabled by
 * {@code -Dconv4j.blas=openblas} (fails loudly if the library is missing) or {@code -Dconv4j.blas=auto}
 * (used when found). OpenBLAS is told to run single-threaded; large products are split into row blocks
 * (a function of the size only, so results are bitwise the same on any thread count) run over
 * {@link Parallel}, so conv4j's one pool stays the only source of parallelism.
 *
 * <p>Library search: {@code -Dconv4j.blas.path=/path/libopenblas.so}, else libopenblas.so.0 /
 * libopenblas.so in the usual Debian/Ubuntu/Fedora directories, else the system loader.
 */
public final class NativeBlasGemm implements Gemm {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    /** Products with fewer multiply-adds than this are not worth splitting over threads. */
    private static final long SPLIT_MIN = 1L << 21;
    /** A split product has at most this many row blocks, each of at least MIN_ROWS rows. */
    private static final int MAX_BLOCKS = 8, MIN_ROWS = 16;
    private static final List<String> DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/usr/local/lib", "/opt/OpenBLAS/lib");

    private final MethodHandle sgemm;
    private final String library;

    private NativeBlasGemm(MethodHandle sgemm, String library) {
        this.sgemm = sgemm;
        this.library = library;
    }

    /** The native GEMM if OpenBLAS can be loaded, else empty with {@code why} filled in. */
    public static Optional<NativeBlasGemm> load(StringBuilder why) {
        Linker linker = Linker.nativeLinker();
        for (String candidate : candidates()) {
            SymbolLookup lookup;
            try {
                lookup = candidate.startsWith("/") ? SymbolLookup.libraryLookup(Path.of(candidate), Arena.global())
                        : SymbolLookup.libraryLookup(candidate, Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException e) {
                continue;
            }
            Optional<MemorySegment> fn = lookup.find("cblas_sgemm");
            if (fn.isEmpty()) continue;
            var I = ValueLayout.JAVA_INT;
            var F = ValueLayout.JAVA_FLOAT;
            var P = ValueLayout.ADDRESS;
            MethodHandle h = linker.downcallHandle(fn.get(),
                    FunctionDescriptor.ofVoid(I, I, I, I, I, I, F, P, I, P, I, F, P, I),
                    Linker.Option.critical(true));
            lookup.find("openblas_set_num_threads").ifPresent(set -> {
                try {
                    linker.downcallHandle(set, FunctionDescriptor.ofVoid(I)).invokeExact(1);
                } catch (Throwable t) {
                    // Thread count stays OpenBLAS's default; results are unaffected.
                }
            });
            return Optional.of(new NativeBlasGemm(h, candidate));
        }
        why.append("no OpenBLAS library with cblas_sgemm found (tried ").append(String.join(", ", candidates()))
                .append("); install libopenblas0 or set -Dconv4j.blas.path");
        return Optional.empty();
    }

    private static List<String> candidates() {
        String forced = System.getProperty("conv4j.blas.path");
        if (forced != null && !forced.isBlank()) return List.of(forced.trim());
        var list = new java.util.ArrayList<String>();
        for (String dir : DIRS) {
            for (String name : List.of("libopenblas.so.0", "libopenblas.so")) {
                if (Files.exists(Path.of(dir, name))) list.add(dir + "/" + name);
            }
        }
        list.add("libopenblas.so.0");
        return list;
    }

    @Override
    public String name() { return "openblas(" + library + ")"; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            GemmChecks.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (beta == 0f) GemmChecks.scale(m, n, 0f, c, cOff, ldc); // BLAS may read C when beta is 0: clear NaN
        long work = (long) m * n * k;
        if (work < SPLIT_MIN || m < 2 * MIN_ROWS) {
            call(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // Row blocks depend on m only, never on the thread count (one thread runs the same blocks in
        // turn): OpenBLAS rounds a row differently depending on the block it is in, so blocks cut per
        // thread would make results depend on the thread count.
        int grain = Math.max(MIN_ROWS, (m + MAX_BLOCKS - 1) / MAX_BLOCKS);
        Parallel.forChunks(m, grain, (lo, hi) -> call(transA, transB, hi - lo, n, k,
                a, transA ? aOff + lo : aOff + lo * lda, lda, b, bOff, ldb, beta, c, cOff + lo * ldc, ldc));
    }

    private void call(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        MemorySegment as = MemorySegment.ofArray(a).asSlice(4L * aOff);
        MemorySegment bs = MemorySegment.ofArray(b).asSlice(4L * bOff);
        MemorySegment cs = MemorySegment.ofArray(c).asSlice(4L * cOff);
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                    1f, as, lda, bs, ldb, beta, cs, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }
}
