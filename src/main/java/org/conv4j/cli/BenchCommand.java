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
    public java.util.Set<String> flags() { return java.util.Set.of("no-gemm", "no-inference"); }

    @Override
    public String name() { return "bench"; }

    @Override
    public String summary() { return "time conv2d forward/backward per shape, sgemm GFLOP/s and inference images/s"; }

    @Override
    public String help() {
        return """
                usage: conv4j bench [--threads T] [--shapes FILE] [--no-gemm] [--no-inference]

                Times the Conv2d layer on each shape of FILE (format of shapes.tsv: name N C H W F K stride pad,
                '#' comments), printing the columns of PyTorch's torch_conv_bench.py, tab-separated:
                  shape  fwd_ms  fwd_gflops  fwdbwd_ms  fwdbwd_gflops
                Warm-up calls (at least 0.5 s per figure) are excluded; each figure is the best of 5 rounds of 3 calls. fwdbwd includes
                zeroing the parameter gradients and computing dX, as the PyTorch script does.
                Then prints sgemm GFLOP/s at n = 256, 1024, 2048 (columns of openblas_sgemm.py) unless --no-gemm,
                and the reference CNN's warm inference rate, 10,000 images in batches of 1000 (the pass that
                torch_fmnist.py times as infer_images_per_s), best of 3 passes, unless --no-inference.

                  --threads T    compute threads (default: available processors)
                  --shapes FILE  shapes file (default: the built-in standard shapes)
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
        args.finish();
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
