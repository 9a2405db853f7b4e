package org.conv4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.onnx.Onnx;

/** {@code conv4j export}: a conv4j model file to ONNX. */
public final class ExportCommand implements Main.FlagCommand {
    @Override public String name() { return "export"; }

    @Override public String summary() { return "write a model as ONNX (opset 13) for ONNX Runtime and other tools"; }

    @Override public Set<String> flags() { return Set.of("force"); }

    @Override
    public String help() {
        return """
                usage: conv4j export --model FILE --out model.onnx [--force]

                Writes the model's network as an ONNX graph, opset 13: input "input" of shape [N, C, H, W] with a
                symbolic batch N, output "output" of shape [N, classes] (logits). BatchNorm is written in inference
                mode, Dropout is left out. Initializers are named as in a torch state_dict ("0.weight").
                The graph takes what conv4j predict takes, pixels in [0, 1]: a model's normalisation (mean, std)
                is written as the graph's first nodes, Sub and Div. --force replaces an existing output file.

                exit codes: 0 written, 2 bad options or a layer ONNX cannot express, 3 unreadable model file
                """;
    }

    @Override
    public int run(Args a, PrintStream out, PrintStream err) throws Exception {
        Path model = Path.of(a.required("model"));
        Path dest = Path.of(a.required("out"));
        boolean force = a.flag("force");
        a.finish();
        if (Files.exists(dest) && !force) {
            err.println("conv4j export: " + dest + " exists; pass --force to overwrite it");
            return USAGE;
        }
        Model m = ModelFile.load(model);
        Onnx.export(m, dest);
        out.println("wrote " + dest + " (" + Files.size(dest) + " bytes): input [N, " + join(m.spec().input()) + "], output [N, " + m.classes() + "]");
        if (m.spec().mean() != null) {
            out.println("the graph normalises its input as (x - " + java.util.Arrays.toString(m.spec().mean()) + ") / "
                    + java.util.Arrays.toString(m.spec().std()) + ": feed pixels in [0, 1], as to conv4j predict");
        }
        return OK;
    }

    private static String join(int[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.length; i++) b.append(i == 0 ? "" : ", ").append(a[i]);
        return b.toString();
    }
}
