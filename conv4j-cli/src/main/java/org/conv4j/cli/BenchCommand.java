package org.conv4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conv4j.bench.ConvBench;
import org.conv4j.bench.ConvShape;
import org.conv4j.bench.GemmBench;
import org.conv4j.bench.InferenceBench;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;

/** {@code conv4j bench}: conv forward/backward per shape and sgemm throughput, comparable with PyTorch/OpenBLAS. */
final class BenchCommand implements Main.FlagCommand {
    @Override
    public java.util.Set<String> flags() { return java.util.Set.of("no-gemm", "no-inference", "scaling"); }

    @Override
    public String name() { return "bench"; }

    @Override
    public String summary() { return "time conv2d forward/backward per shape, sgemm GFLOP/s and inference images/s"; }

    @Override
    public String help() {
        return """
                usage: conv4j bench [--threads T] [--shapes FILE] [--scaling] [--no-gemm] [--no-inference]

                Times the Conv2d layer on each shape of FILE (format of shapes.tsv: name N C H W F K stride pad,
                '#' comments), printing the columns of PyTorch's torch_conv_bench.py, tab-separated:
                  shape  fwd_ms  fwd_gflops  fwdbwd_ms  fwdbwd_gflops
                Warm-up calls (at least 0.5 s per figure) are excluded; each figure is the best of 5 rounds of 3 calls. fwdbwd includes
                zeroing the parameter gradients and computing dX, as the PyTorch script does.
                With --scaling, then prints per shape forward+backward on 1 thread and on T, and the speed-up:
                  shape  threads  fwdbwd_ms_1  fwdbwd_ms_T  speedup
                timed in 5 rounds of 3 calls that alternate 1 and T threads in one JVM, each side's best round counted.
                Then prints sgemm GFLOP/s at n = 256, 1024, 2048 (columns of openblas_sgemm.py) unless --no-gemm,
                and the reference CNN's warm inference rate, 10,000 images in batches of 1000 (the pass that
                torch_fmnist.py times as infer_images_per_s), best of 3 passes, unless --no-inference.

                  --threads T    compute threads (default: available processors)
                  --shapes FILE  shapes file (default: the built-in standard shapes)
                  --scaling      add the 1 -> T threads table (needs T of at least 2)
                  --no-gemm      skip the sgemm table
                  --no-inference skip the inference row

                Compare in one sitting with PyTorch: ../shared/bench/compare_conv.sh 2""";
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        int threads = args.positiveInt("threads", Runtime.getRuntime().availableProcessors());
        String file = args.string("shapes", null);
        boolean gemm = !args.flag("no-gemm");
        boolean inference = !args.flag("no-inference");
        boolean scaling = args.flag("scaling");
        args.finish();
        if (scaling && threads < 2) {
            throw new Args.UsageException("--scaling compares 1 thread with --threads T, so T must be at least 2, got " + threads);
        }
        List<ConvShape> shapes;
        if (file == null) {
            shapes = ConvShape.defaults();
        } else {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) throw new java.io.FileNotFoundException("shapes file not found: " + file);
            shapes = ConvShape.read(p);
        }
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            out.println("# conv4j bench: " + threads + " thread(s), " + Kernels.reason());
            ConvBench.runAll(shapes, out);
            if (scaling) {
                out.println();
                out.println("# 1 -> " + threads + " threads, forward+backward, " + ConvBench.SCALING_ROUNDS
                        + " alternating rounds in one JVM");
                ConvBench.runScaling(shapes, threads, out);
            }
            if (gemm) {
                out.println();
                out.println("# sgemm " + Kernels.gemm().name());
                GemmBench.run(Kernels.gemm(), out);
            }
            if (inference) {
                out.println();
                out.println("# inference");
                InferenceBench.run(out, InferenceBench.IMAGES);
            }
        } finally {
            Parallel.setThreads(before);
        }
        return OK;
    }
}
