package org.conv4j.experiments;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.conv4j.io.Npy;
import org.conv4j.model.Model;
import org.conv4j.onnx.Onnx;
import org.conv4j.bench.LatencyBench;
import org.conv4j.tensor.Tensor;

/**
 * ONNX Runtime's side of experiments/compare_inference.sh: times {@code session.run} on FILE with 2 intra-op threads
 * (1 inter-op), on the inputs {@code conv4j bench --onnx} uses ({@link LatencyBench#input}, seed 0), each call timed
 * alone after as many untimed calls, and prints rows in {@link LatencyBench.Result}'s columns (peak heap column: the
 * process's peak RSS from /proc/self/status, which holds ORT's native memory). Also writes each batch's input as
 * {@code DIR/input_B.npy} for the PyTorch side.
 *
 * <p>Usage: {@code experiments/run-java.sh org.conv4j.experiments.OrtLatencyRun FILE.onnx B1,B2 DIR [CALLS_B1 CALLS_REST]}
 */
public final class OrtLatencyRun {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int[] batches = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        Path dir = Files.createDirectories(Path.of(args[2]));
        int callsOne = args.length > 3 ? Integer.parseInt(args[3]) : 200, callsMany = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        Model shapeOnly = Onnx.importFile(file).toModel(name);   // for the input shape and the same random pixels
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(file.toString(), opts)) {
                String input = session.getInputNames().iterator().next();
                System.out.println(LatencyBench.Result.HEADER);
                for (int b : batches) {
                    Tensor x = LatencyBench.input(shapeOnly, b, 0);
                    Npy.write(dir.resolve("input_" + b + ".npy"), x);
                    long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
                    int calls = b == 1 ? callsOne : callsMany;
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape)) {
                        for (int i = 0; i < calls; i++) session.run(Map.of(input, in)).close();
                        double[] ms = new double[calls];
                        for (int i = 0; i < calls; i++) {
                            long t0 = System.nanoTime();
                            session.run(Map.of(input, in)).close();
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                        Arrays.sort(ms);
                        double median = calls % 2 == 1 ? ms[calls / 2] : (ms[calls / 2 - 1] + ms[calls / 2]) / 2;
                        System.out.println(String.format(Locale.ROOT, "%s\t%d\t%d\t%.3f\t%.3f\t%.1f\t%.1f", "ort:" + name, b, calls, ms[0],
                                median, b * 1000.0 / median, peakRssMb()));
                    }
                }
            }
        }
    }

    /** VmHWM of this process in MB, or NaN off Linux. */
    static double peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return Double.NaN;
    }
}
