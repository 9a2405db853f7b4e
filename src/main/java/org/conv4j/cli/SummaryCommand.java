package org.conv4j.cli;

import java.nio.file.Path;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Summary;
import org.conv4j.model.Zoo;
import picocli.CommandLine.Option;

/** {@code conv4j summary}: per-layer output shapes, parameters and FLOPs. */
@picocli.CommandLine.Command(name = "summary", sortOptions = false,
        description = {
            "show a model's layers, output shapes, parameters and FLOPs",
            "",
            "FILE is a saved model (.safetensors); SPEC is a network spec file (JSON or YAML) or a built-in name (reference, "
                    + "recipe, resnet-mini). Prints each layer with its parameter-name prefix, output shape per image, trainable "
                    + "parameters and forward FLOPs (a multiply-add counts 2)."})
final class SummaryCommand extends Command {
    @Option(names = "--model", required = true, paramLabel = "FILE|SPEC", description = "a model file or a network spec")
    String model;
    @Option(names = "--spec", description = "print the network spec JSON instead")
    boolean printSpec;

    @Override
    protected int run() throws Exception {
        Model built = model.endsWith(".safetensors") ? loadModel(Path.of(model)) : Zoo.resolve(model).build(0);
        NetworkSpec s = built.spec();
        if (printSpec) {
            out.print(s.toJsonText());
            return OK;
        }
        out.println((s.name() == null ? model : s.name()) + ": input " + java.util.Arrays.toString(s.input()) + ", " + s.classes() + " classes"
                + (s.mean() == null ? "" : ", normalised with mean " + java.util.Arrays.toString(s.mean()) + " std " + java.util.Arrays.toString(s.std())));
        out.print(Summary.of(built).format());
        return OK;
    }
}
