package org.conv4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conv4j.bench.ConvBench;
import org.conv4j.bench.ConvShape;
import org.conv4j.bench.GemmBench;
import org.conv4j.bench.InferenceBench;
import org.conv4j.bench.LatencyBench;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.onnx.Onnx;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import picocli.CommandLine.Option;

/** {@code conv4j bench}: conv forward/backward per shape and sgemm throughput, comparable with PyTorch/OpenBLAS. */
@picocli.CommandLine.Command(name = "bench", sortOptions = false,
        description = {
            "time conv2d forward/backward per shape, sgemm GFLOP/s and inference images/s",
            "",
            "Times the Conv2d layer on each shape of FILE (format of shapes.tsv: name N C H W F K stride pad, '#' comments), "
                    + "printing the columns of PyTorch's torch_conv_bench.py, tab-separated:",
            "  shape  fwd_ms  fwd_gflops  fwdbwd_ms  fwdbwd_gflops",
            "Warm-up calls (at least 0.5 s per figure) are excluded; each figure is the best of 5 rounds of 3 calls. fwdbwd "
                    + "includes zeroing the parameter gradients and computing dX, as the PyTorch script does.",
            "With --scaling, then prints per shape forward+backward on 1 thread and on T, and the speed-up:",
            "  shape  threads  fwdbwd_ms_1  fwdbwd_ms_T  speedup",
            "timed in 5 rounds of 3 calls that alternate 1 and T threads in one JVM, each side's best round counted.",
            "Then prints sgemm GFLOP/s at n = 256, 1024, 2048 (columns of openblas_sgemm.py) unless --no-gemm, and the "
                    + "reference CNN's warm inference rate, 10,000 images in batches of 1000 (the pass that torch_fmnist.py times "
                    + "as infer_images_per_s), best of 3 passes, unless --no-inference.",
            "",
            "With --onnx FILE, instead times serving an imported model: each batch size of --batch on random pixels, "
                    + "--warmup untimed calls then --calls timed ones (default 200 and 200 at batch 1, 20 and 20 above), printing",
            "  model  batch  calls  best_ms  median_ms  images_per_s  peak_heap_mb",
            "(images/s at the median call; peak heap summed over the heap pools during the timed calls).",
            "",
            "Compare in one sitting with PyTorch: ../shared/bench/compare_conv.sh 2; with ONNX Runtime and PyTorch on an ONNX "
                    + "file: experiments/compare_inference.sh FILE"})
final class BenchCommand extends Command {
    @Option(names = "--threads", paramLabel = "T", description = "compute threads (default: available processors)")
    int threads = Runtime.getRuntime().availableProcessors();
    @Option(names = "--shapes", paramLabel = "FILE", description = "shapes file (default: the built-in standard shapes)")
    Path file;
    @Option(names = "--scaling", description = "add the 1 -> T threads table (needs T of at least 2)")
    boolean scaling;
    @Option(names = "--no-gemm", description = "skip the sgemm table")
    boolean noGemm;
    @Option(names = "--no-inference", description = "skip the inference row")
    boolean noInference;
    @Option(names = "--onnx", paramLabel = "FILE", description = "time inference of this ONNX model instead (or of a conv4j "
            + "model file, .safetensors)")
    Path onnx;
    @Option(names = "--batch", paramLabel = "B,...", split = ",", description = "--onnx: batch sizes (default 1,32)")
    int[] batches = {1, 32};
    @Option(names = "--calls", paramLabel = "N", description = "--onnx: timed calls per batch size (default 200 at batch 1, 20 above)")
    Integer calls;
    @Option(names = "--warmup", paramLabel = "N", description = "--onnx: untimed calls first (default: as --calls)")
    Integer warmup;

    @Override
    protected int run() throws Exception {
        positive("--threads", threads);
        if (scaling && threads < 2) {
            throw new UsageException("--scaling compares 1 thread with --threads T, so T must be at least 2, got " + threads);
        }
        List<ConvShape> shapes;
        if (file == null) {
            shapes = ConvShape.defaults();
        } else {
            if (!Files.isRegularFile(file)) throw new java.io.FileNotFoundException("shapes file not found: " + file);
            shapes = ConvShape.read(file);
        }
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        if (onnx != null) {
            try {
                return latency();
            } finally {
                Parallel.setThreads(before);
            }
        }
        try {
            out.println("# conv4j bench: " + threads + " thread(s), " + Kernels.reason());
            ConvBench.runAll(shapes, out);
            if (scaling) {
                out.println();
                out.println("# 1 -> " + threads + " threads, forward+backward, " + ConvBench.SCALING_ROUNDS
                        + " alternating rounds in one JVM");
                ConvBench.runScaling(shapes, threads, out);
            }
            if (!noGemm) {
                out.println();
                out.println("# sgemm " + Kernels.gemm().name());
                GemmBench.run(Kernels.gemm(), out);
            }
            if (!noInference) {
                out.println();
                out.println("# inference");
                InferenceBench.run(out, InferenceBench.IMAGES);
            }
        } finally {
            Parallel.setThreads(before);
        }
        return OK;
    }

    /** --onnx: latency and throughput per batch size. */
    private int latency() throws Exception {
        if (!Files.isRegularFile(onnx)) throw new java.io.FileNotFoundException(onnx + ": no such model file");
        for (int b : batches) positive("--batch", b);
        String name = onnx.getFileName().toString().replaceFirst("\\.(onnx|safetensors)$", "");
        Model model = onnx.toString().endsWith(".safetensors") ? ModelFile.load(onnx) : Onnx.importFile(onnx).toModel(name);
        out.println("# conv4j bench --onnx " + onnx + ": " + threads + " thread(s), " + Kernels.reason());
        out.println(LatencyBench.Result.HEADER);
        for (int b : batches) {
            int n = calls != null ? positive("--calls", calls) : b == 1 ? 200 : 20;
            int w = warmup != null ? warmup : n;
            out.println(LatencyBench.run(model, b, w, n, 0).row(name));
            out.flush();
        }
        return OK;
    }
}
