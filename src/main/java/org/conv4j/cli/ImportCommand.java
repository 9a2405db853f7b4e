package org.conv4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.Zoo;
import org.conv4j.onnx.Onnx;
import org.conv4j.onnx.TorchWeights;

/** {@code conv4j import}: an ONNX graph, or a PyTorch state_dict plus a spec, to a conv4j model file. */
public final class ImportCommand implements Main.FlagCommand {
    @Override public String name() { return "import"; }

    @Override public String summary() { return "make a conv4j model from an .onnx file or a PyTorch state_dict"; }

    @Override public Set<String> flags() { return Set.of("force"); }

    @Override
    public String help() {
        return """
                usage: conv4j import --onnx model.onnx --out model.safetensors [--name NAME] [--force]
                       conv4j import --torch-weights state_dict.safetensors --spec SPEC --out model.safetensors
                                     [--rename FROM=TO,...] [--force]

                --onnx reads a CNN graph as torch.onnx.export writes it (Conv, Gemm, MatMul+Add, Relu, LeakyRelu,
                Sigmoid, Tanh, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Flatten/Reshape, Add for
                residual blocks, Dropout, Softmax at the end, Constant, Identity, and torch's GELU). The model file
                predicts and can be fine-tuned like any conv4j model file.
                A final Softmax is left out: conv4j models output logits and predict applies softmax itself.
                An unsupported op is an error naming the op and the node.

                --torch-weights loads a state_dict saved with safetensors into the network SPEC describes (a spec
                file, JSON or YAML, or a built-in name), matching parameter names: "0.weight", "1.running_mean",
                "4.block.0.weight" (see docs/files.md, "PyTorch weights"). --rename maps the file's name prefixes first,
                e.g. --rename features.=,classifier.=7. for a module with named children.

                exit codes: 0 written, 2 bad options, 3 unreadable, malformed or unsupported input (the message names
                the file, and the op and node for an unsupported op)
                """;
    }

    @Override
    public int run(Args a, PrintStream out, PrintStream err) throws Exception {
        String onnx = a.string("onnx", null), weights = a.string("torch-weights", null);
        String spec = a.string("spec", null), rename = a.string("rename", null), name = a.string("name", null);
        Path dest = Path.of(a.required("out"));
        boolean force = a.flag("force");
        a.finish();
        if ((onnx == null) == (weights == null)) throw new Args.UsageException("give exactly one of --onnx and --torch-weights");
        if (onnx != null && (spec != null || rename != null)) throw new Args.UsageException("--spec and --rename go with --torch-weights");
        if (weights != null && spec == null) throw new Args.UsageException("--torch-weights needs --spec (the architecture)");
        if (Files.exists(dest) && !force) {
            err.println("conv4j import: " + dest + " exists; pass --force to overwrite it");
            return USAGE;
        }
        Model model;
        if (onnx != null) {
            Path src = Path.of(onnx);
            Onnx.Imported imported = Onnx.importFile(src);
            String base = src.getFileName().toString().replaceFirst("\\.onnx$", "");
            model = imported.toModel(name != null ? name : base);
            for (String note : imported.notes()) out.println("note: " + note);
        } else {
            model = Zoo.resolve(spec).build(0);
            if (name != null) model = new Model(model.spec().withName(name), model.network());
            TorchWeights.Report r = TorchWeights.load(model.network(), Path.of(weights), TorchWeights.parseRenames(rename));
            out.println("loaded " + r.loaded() + " tensors" + (r.skipped().isEmpty() ? "" : ", skipped " + r.skipped().size() + " (num_batches_tracked)"));
        }
        model.network().setTraining(false);
        ModelFile.save(model, dest, force);
        out.println("wrote " + dest + ": input " + java.util.Arrays.toString(model.spec().input()) + ", " + model.classes() + " outputs, "
                + model.network().children().size() + (model.network() instanceof org.conv4j.model.Graph ? " layer nodes" : " layers"));
        return OK;
    }
}
