package org.conv4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.Zoo;
import org.conv4j.onnx.Onnx;
import org.conv4j.onnx.TorchWeights;
import picocli.CommandLine.Option;

/** {@code conv4j import}: an ONNX graph, or a PyTorch state_dict plus a spec, to a conv4j model file. */
@picocli.CommandLine.Command(name = "import", sortOptions = false,
        customSynopsis = {
            "conv4j import --onnx=model.onnx --out=model.safetensors [--name=NAME] [--force]",
            "       conv4j import --torch-weights=state_dict.safetensors --spec=SPEC --out=model.safetensors",
            "                     [--rename=FROM=TO,...] [--force]"},
        description = {
            "make a conv4j model from an .onnx file or a PyTorch state_dict",
            "",
            "--onnx reads a CNN graph as torch.onnx.export writes it (Conv, Gemm, MatMul+Add, Relu, LeakyRelu, Sigmoid, Tanh, "
                    + "MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Flatten/Reshape, Add for residual blocks, "
                    + "Dropout, Softmax at the end, Constant, Identity, and torch's GELU). The model file predicts and can be "
                    + "fine-tuned like any conv4j model file. A final Softmax is left out: conv4j models output logits and "
                    + "predict applies softmax itself. An unsupported op is an error (3) naming the op and the node.",
            "",
            "--torch-weights loads a state_dict saved with safetensors into the network SPEC describes (a spec file, JSON or "
                    + "YAML, or a built-in name), matching parameter names: \"0.weight\", \"1.running_mean\", "
                    + "\"4.block.0.weight\" (see docs/files.md, \"PyTorch weights\"). --rename maps the file's name prefixes "
                    + "first, e.g. --rename features.=,classifier.=7. for a module with named children."})
final class ImportCommand extends Command {
    @Option(names = "--onnx", paramLabel = "FILE", description = "an ONNX graph")
    Path onnx;
    @Option(names = "--torch-weights", paramLabel = "FILE", description = "a PyTorch state_dict saved with safetensors")
    Path weights;
    @Option(names = "--spec", paramLabel = "SPEC", description = "the architecture for --torch-weights: a spec file or a built-in name")
    String specName;
    @Option(names = "--rename", paramLabel = "FROM=TO,...", description = "name prefixes to map first (--torch-weights)")
    String rename;
    @Option(names = "--name", paramLabel = "NAME", description = "the model's name (default: the file's)")
    String name;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the model file to write (.safetensors)")
    Path dest;
    @Option(names = "--force", description = "replace an existing output file")
    boolean force;

    @Override
    protected int run() throws Exception {
        if ((onnx == null) == (weights == null)) throw new UsageException("give exactly one of --onnx and --torch-weights");
        if (onnx != null && (specName != null || rename != null)) throw new UsageException("--spec and --rename go with --torch-weights");
        if (weights != null && specName == null) throw new UsageException("--torch-weights needs --spec (the architecture)");
        if (Files.exists(dest) && !force) {
            err.println("conv4j import: " + dest + " exists; pass --force to overwrite it");
            return USAGE;
        }
        Model model;
        if (onnx != null) {
            Onnx.Imported imported = Onnx.importFile(onnx);
            String base = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
            model = imported.toModel(name != null ? name : base);
            for (String note : imported.notes()) out.println("note: " + note);
        } else {
            model = Zoo.resolve(specName).build(0);
            if (name != null) model = new Model(model.spec().withName(name), model.network());
            TorchWeights.Report r = TorchWeights.load(model.network(), weights, TorchWeights.parseRenames(rename));
            out.println("loaded " + r.loaded() + " tensors" + (r.skipped().isEmpty() ? "" : ", skipped " + r.skipped().size() + " (num_batches_tracked)"));
        }
        model.network().setTraining(false);
        ModelFile.save(model, dest, force);
        out.println("wrote " + dest + ": input " + java.util.Arrays.toString(model.spec().input()) + ", " + model.classes() + " outputs, "
                + model.network().children().size() + (model.network() instanceof org.conv4j.model.Graph ? " layer nodes" : " layers"));
        return OK;
    }
}
