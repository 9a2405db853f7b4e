package org.conv4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.model.Model;
import org.conv4j.onnx.Onnx;
import picocli.CommandLine.Option;

/** {@code conv4j export}: a conv4j model file to ONNX. */
@picocli.CommandLine.Command(name = "export", sortOptions = false,
        description = {
            "write a model as ONNX (opset 13) for ONNX Runtime and other tools",
            "",
            "Writes the model's network as an ONNX graph, opset 13: input \"input\" of shape [N, C, H, W] with a symbolic batch "
                    + "N, output \"output\" of shape [N, classes] (logits). BatchNorm is written in inference mode, Dropout is "
                    + "left out. Initializers are named as in a torch state_dict (\"0.weight\"). The graph takes what conv4j "
                    + "predict takes, pixels in [0, 1]: a model's normalisation (mean, std) is written as the graph's first "
                    + "nodes, Sub and Div. A layer ONNX cannot express is a usage error (2)."})
final class ExportCommand extends Command {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model file (.safetensors)")
    Path model;
    @Option(names = "--out", required = true, paramLabel = "model.onnx", description = "the ONNX file to write")
    Path dest;
    @Option(names = "--force", description = "replace an existing output file")
    boolean force;

    @Override
    protected int run() throws Exception {
        if (Files.exists(dest) && !force) {
            err.println("conv4j export: " + dest + " exists; pass --force to overwrite it");
            return USAGE;
        }
        Model m = loadModel(model);
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
