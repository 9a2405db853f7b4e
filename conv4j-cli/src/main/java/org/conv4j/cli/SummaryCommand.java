package org.conv4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Summary;
import org.conv4j.model.Zoo;

/** {@code conv4j summary}: per-layer output shapes, parameters and FLOPs. */
public final class SummaryCommand implements Main.FlagCommand {
    @Override public String name() { return "summary"; }

    @Override public String summary() { return "show a model's layers, output shapes, parameters and FLOPs"; }

    @Override public java.util.Set<String> flags() { return java.util.Set.of("spec"); }

    @Override
    public String help() {
        return """
                usage: conv4j summary --model FILE|SPEC [--spec]

                FILE is a saved model (.safetensors); SPEC is a network spec file (JSON or YAML) or a built-in name
                (reference, recipe, resnet-mini). Prints each layer with its parameter-name prefix, output shape
                per image, trainable parameters and forward FLOPs (a multiply-add counts 2). --spec prints the
                network spec JSON instead.

                exit codes: 0 done, 2 bad options or spec, 3 I/O error
                """;
    }

    @Override
    public int run(Args a, PrintStream out, PrintStream err) throws Exception {
        String m = a.required("model");
        boolean spec = a.flag("spec");
        a.finish();
        Model model = m.endsWith(".safetensors") ? ModelFile.load(Path.of(m)) : Zoo.resolve(m).build(0);
        NetworkSpec s = model.spec();
        if (spec) {
            out.print(s.toJsonText());
            return OK;
        }
        out.println((s.name() == null ? m : s.name()) + ": input " + java.util.Arrays.toString(s.input()) + ", " + s.classes() + " classes"
                + (s.mean() == null ? "" : ", normalised with mean " + java.util.Arrays.toString(s.mean()) + " std " + java.util.Arrays.toString(s.std())));
        out.print(Summary.of(model).format());
        return OK;
    }
}
