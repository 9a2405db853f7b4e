package org.conv4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.SafeTensors;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;

/**
 * Loads a PyTorch {@code state_dict} saved as safetensors ({@code safetensors.torch.save_file(model.state_dict(), f)})
 * into the equivalent conv4j network, by parameter name.
 *
 * <p><b>Naming convention.</b> conv4j names parameters exactly as torch names them in a state_dict: the path
 * of child names joined with dots, then the local name. {@code Sequential} children are {@code "0", "1", ...};
 * a {@code Residual}'s children are {@code "block"} and {@code "shortcut"}; local names are {@code weight},
 * {@code bias}, {@code running_mean}, {@code running_var}. So a {@code torch.nn.Sequential(Conv2d, BatchNorm2d,
 * ReLU, ...)} loads directly: {@code "0.weight"}, {@code "1.running_mean"}. Shapes are torch's too (Conv2d
 * weight {@code [F, C/groups, KH, KW]}, Linear weight {@code [out, in]}), so nothing is transposed.
 * A torch module with its own attribute names ({@code features.0.weight}, {@code fc.weight}) loads through
 * {@code renames}: prefix replacements applied to the file's names before matching, e.g.
 * {@code {"features.": "", "fc.": "7."}}.
 *
 * <p>Every conv4j parameter and buffer must be found with its exact shape; {@code num_batches_tracked}
 * (a torch counter conv4j does not need) is skipped; any other file tensor that matches no parameter is an
 * error, so a wrong architecture is never half-loaded silently. Values of type F64, F16 and BF16 are converted
 * to float32. On any error the network is left unchanged.
 */
public final class TorchWeights {
    private TorchWeights() {}

    /**
     * What a load did.
     *
     * @param loaded  the number of conv4j parameters and buffers written
     * @param skipped the file's tensors not loaded ({@code num_batches_tracked}), by their names in the file
     */
    public record Report(int loaded, List<String> skipped) {}

    /**
     * Loads {@code file} into {@code network} with no renames.
     *
     * @param network the network whose parameters and buffers receive the values
     * @param file    a .safetensors file
     * @return how many parameters were loaded and which tensors were skipped
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is malformed or does not
     *                     match the network's parameters (the network is then unchanged)
     */
    public static Report load(Layer network, Path file) throws IOException {
        return load(network, file, Map.of());
    }

    /**
     * Loads {@code file} into {@code network}, first replacing name prefixes per {@code renames} (longest match wins).
     *
     * @param network the network whose parameters and buffers receive the values
     * @param file    a .safetensors file
     * @param renames prefix replacements applied to the file's names, e.g. {@code {"features.": ""}}; may be empty
     * @return how many parameters were loaded and which tensors were skipped
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is malformed or does not
     *                     match the network's parameters (the network is then unchanged)
     */
    public static Report load(Layer network, Path file, Map<String, String> renames) throws IOException {
        return load(network, SafeTensors.read(file), String.valueOf(file), renames);
    }

    /**
     * Loads already-read safetensors contents into {@code network}, first replacing name prefixes per
     * {@code renames} (longest match wins). Everything is checked before anything is written, so on an error
     * the network is unchanged.
     *
     * @param network  the network whose parameters and buffers receive the values
     * @param contents the tensors, by their names in the file
     * @param source   the file or resource name that errors start with
     * @param renames  prefix replacements applied to the file's names, e.g. {@code {"features.": ""}}; may be empty
     * @return how many parameters were loaded and which tensors were skipped
     * @throws FormatException if a tensor matches no parameter, two tensors map to one parameter, a parameter has
     *                         no tensor, or a tensor has a non-float type or another shape
     */
    public static Report load(Layer network, SafeTensors.Contents contents, String source, Map<String, String> renames) throws FormatException {
        Map<String, NamedParam> params = NamedParam.byName(network);
        Map<String, SafeTensors.Entry> byName = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (SafeTensors.Entry e : contents.tensors().values()) {
            String name = rename(e.name(), renames);
            if (name.endsWith("num_batches_tracked") && !params.containsKey(name)) {
                skipped.add(e.name());
                continue;
            }
            if (!params.containsKey(name)) {
                throw new FormatException(source, "tensor '" + e.name() + "'" + (name.equals(e.name()) ? "" : " (renamed '" + name + "')")
                        + " matches no parameter of the conv4j network; its parameters are " + abbreviate(params.keySet()));
            }
            if (byName.put(name, e) != null) throw new FormatException(source, "two tensors map to parameter '" + name + "'");
        }
        // Check everything before changing anything.
        for (NamedParam p : params.values()) {
            SafeTensors.Entry e = byName.get(p.name());
            if (e == null) throw new FormatException(source, "no tensor for parameter '" + p.name() + "' of " + p.owner().describe());
            switch (e.dtype()) {
                case F32, F64, F16, BF16 -> { }
                default -> throw new FormatException(source, "tensor '" + e.name() + "' is " + e.dtype() + "; expected a float type");
            }
            int[] want = p.param().value().shape();
            long[] wantLong = Arrays.stream(want).asLongStream().toArray();
            if (!Arrays.equals(wantLong, e.shape())) {
                throw new FormatException(source, "tensor '" + e.name() + "' has shape " + Arrays.toString(e.shape()) + " but parameter '"
                        + p.name() + "' of " + p.owner().describe() + " has shape " + Arrays.toString(want));
            }
        }
        for (NamedParam p : params.values()) {
            float[] v = byName.get(p.name()).floats();
            System.arraycopy(v, 0, p.param().value().data(), 0, v.length);
        }
        return new Report(params.size(), List.copyOf(skipped));
    }

    static String rename(String name, Map<String, String> renames) {
        String best = null;
        for (String from : renames.keySet()) {
            if (name.startsWith(from) && (best == null || from.length() > best.length())) best = from;
        }
        return best == null ? name : renames.get(best) + name.substring(best.length());
    }

    /**
     * Parses {@code "features.=,fc.=7."} into a rename map.
     *
     * @param spec comma-separated FROM=TO pairs; TO may be empty; null or blank for none
     * @return the map, in the order given
     * @throws IllegalArgumentException if a pair has no '=' or an empty FROM
     */
    public static Map<String, String> parseRenames(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return m;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--rename expects FROM=TO[,FROM=TO...], got '" + part + "'");
            m.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return m;
    }

    private static String abbreviate(java.util.Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 8 ? l.toString() : l.subList(0, 8) + " ... (" + l.size() + " in all)";
    }
}
