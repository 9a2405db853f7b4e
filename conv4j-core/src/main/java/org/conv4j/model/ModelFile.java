package org.conv4j.model;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.io.AtomicFile;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.io.SafeTensors;
import org.conv4j.layers.NamedParam;

/**
 * A complete model in one safetensors file: every parameter and buffer as an F32 tensor under its
 * torch-style name ({@code "0.weight"}, {@code "4.block.1.running_mean"}), and in {@code __metadata__}:
 * <ul>
 *   <li>{@code "format": "conv4j-model"}, {@code "format_version": "1"};</li>
 *   <li>{@code "spec"}: the {@link NetworkSpec} JSON (architecture, input, classes, normalisation).</li>
 * </ul>
 * Python reads the tensors with the safetensors package or a few lines of numpy; torch users can
 * {@code load_state_dict} them into the equivalent torch.nn.Sequential. Loading executes nothing: the spec
 * names registered layer types only, and every tensor's name, dtype and shape is checked against the network
 * it builds. Saves are atomic (see {@link AtomicFile}).
 */
public final class ModelFile {
    private ModelFile() {}

    /** The value of a model file's "format" metadata. */
    public static final String FORMAT = "conv4j-model";
    /** The newest "format_version" this conv4j writes and reads. */
    public static final int VERSION = 1;

    /**
     * Writes {@code model} to {@code file}, atomically (see {@link AtomicFile}). Without
     * {@link SaveOption#REPLACE_EXISTING} an existing file is left alone and the save fails.
     *
     * @param model   the model
     * @param file    the file to write
     * @param options {@link SaveOption#REPLACE_EXISTING} to replace an existing file
     * @throws FileAlreadyExistsException if {@code file} exists and the options do not say to replace it
     * @throws IllegalArgumentException   if the model's spec cannot describe its network (see {@link #checkSavable})
     * @throws IOException                if writing fails; {@code file} is then unchanged
     */
    public static void save(Model model, Path file, SaveOption... options) throws IOException {
        boolean replace = false;
        for (SaveOption o : options) replace |= o == SaveOption.REPLACE_EXISTING;
        checkSavable(model);
        if (!replace && Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "exists; save with SaveOption.REPLACE_EXISTING to replace it");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(VERSION));
        meta.put("spec", Json.write(model.spec().toJson()));
        List<SafeTensors.Entry> tensors = tensors(model, "");
        AtomicFile.write(file, out -> SafeTensors.write(out, meta, tensors));
    }

    /**
     * Writes {@code model} to {@code file}; an existing file is replaced only if {@code overwrite}.
     *
     * @param model     the model
     * @param file      the file to write
     * @param overwrite replace an existing file
     * @throws IOException if writing fails, or the file exists and {@code overwrite} is false
     * @deprecated a bare boolean reads badly at the call site; use {@link #save(Model, Path, SaveOption...)},
     *             with {@link SaveOption#REPLACE_EXISTING} for {@code true}
     */
    @Deprecated(since = "0.1.0")
    public static void save(Model model, Path file, boolean overwrite) throws IOException {
        if (overwrite) save(model, file, SaveOption.REPLACE_EXISTING);
        else save(model, file);
    }

    /**
     * Fails, naming the layer, if {@code model}'s spec does not describe its network: a model from
     * {@link Model#of} whose network has a layer no registered type describes. Everything that stores a
     * model's spec beside its weights (model files, checkpoints, a trainer's run folder) calls this first.
     *
     * @param model the model to check
     * @throws IllegalArgumentException saying which layer and how to make it savable
     */
    public static void checkSavable(Model model) {
        if (model.spec().describesLayers()) return;
        String why = NetworkSpec.describeChecked(model.network(), model.spec().input(), model.classes()).whyNot();
        throw new IllegalArgumentException("cannot save " + (model.spec().name() == null ? "the model" : model.spec().name())
                + ": its spec cannot describe the network, so the file could not rebuild it: "
                + (why == null ? "its layers had no registered type when Model.of made it; make the model again with Model.of" : why)
                + ". Build the network from conv4j's layers, or register the custom layer type with LayerRegistry.register");
    }

    /**
     * {@return the model's parameters and buffers as safetensors entries, names prefixed with {@code prefix}}
     *
     * @param model  the model
     * @param prefix prepended to every parameter name
     */
    public static List<SafeTensors.Entry> tensors(Model model, String prefix) {
        List<SafeTensors.Entry> t = new ArrayList<>();
        for (NamedParam p : NamedParam.of(model.network())) t.add(SafeTensors.Entry.of(prefix + p.name(), p.param().value()));
        return t;
    }

    /**
     * Reads a model file: builds the network its spec describes and loads its weights.
     *
     * @param file a safetensors file written by {@link #save}
     * @return the model, with the saved weights
     * @throws IOException on a read error, or a {@link FormatException} if the file is not a conv4j model, its
     *                     version is newer than this conv4j reads, or a tensor's name, dtype or shape does not
     *                     match the network
     */
    public static Model load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        String format = c.metadata().get("format");
        if (!FORMAT.equals(format)) {
            throw new FormatException(file + ": not a conv4j model (metadata format is "
                    + (format == null ? "missing" : "\"" + format + "\"") + ", expected \"" + FORMAT + "\")");
        }
        return fromContents(c, file.toString(), "");
    }

    /**
     * Builds the model described by {@code c}'s metadata and fills its weights from tensors named
     * {@code prefix + name}.
     *
     * @param c      the safetensors contents
     * @param source names the file in errors
     * @param prefix the prefix of the model's tensor names ("" in a model file, "model." in a checkpoint)
     * @return the model
     * @throws FormatException naming the source if the version, the spec or a tensor is missing or malformed
     */
    public static Model fromContents(SafeTensors.Contents c, String source, String prefix) throws FormatException {
        String v = c.metadata().get("format_version");
        int version;
        try {
            version = Integer.parseInt(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new FormatException(source + ": metadata format_version is " + v + ", expected an integer");
        }
        if (version < 1 || version > VERSION) {
            throw new FormatException(source + ": format_version " + version + " is newer than this conv4j reads (" + VERSION + ")");
        }
        String specText = c.metadata().get("spec");
        if (specText == null) throw new FormatException(source + ": metadata has no \"spec\" (the architecture)");
        NetworkSpec spec = NetworkSpec.parse(specText, source + " spec");
        Model m = spec.build(0);
        loadWeights(m, c, source, prefix, true);
        return m;
    }

    /**
     * Copies tensors into the model's parameters by name. Every parameter must be present with its exact
     * shape; with {@code strict}, tensors that name no parameter are an error too.
     *
     * @param m      the model whose parameters are filled
     * @param c      the safetensors contents
     * @param source names the file in errors
     * @param prefix the prefix of the model's tensor names
     * @param strict fail on a tensor under {@code prefix} that names no parameter
     * @throws FormatException naming the tensor if one is missing, or of another dtype or shape
     */
    public static void loadWeights(Model m, SafeTensors.Contents c, String source, String prefix, boolean strict) throws FormatException {
        Map<String, NamedParam> params = NamedParam.byName(m.network());
        for (NamedParam p : params.values()) {
            SafeTensors.Entry e = c.get(prefix + p.name());
            if (e == null) throw new FormatException(source + ": tensor " + prefix + p.name() + " (" + p.owner().describe() + ") is missing");
            if (e.dtype() != SafeTensors.DType.F32 && e.dtype() != SafeTensors.DType.F64 && e.dtype() != SafeTensors.DType.F16
                    && e.dtype() != SafeTensors.DType.BF16) {
                throw new FormatException(source + ": tensor " + e.name() + " is " + e.dtype() + ", expected a float type");
            }
            int[] want = p.param().value().shape();
            if (!java.util.Arrays.equals(toLong(want), e.shape())) {
                throw new FormatException(source + ": tensor " + e.name() + " has shape " + java.util.Arrays.toString(e.shape())
                        + " but " + p.owner().describe() + " needs " + java.util.Arrays.toString(want));
            }
            float[] v = e.floats();
            System.arraycopy(v, 0, p.param().value().data(), 0, v.length);
        }
        if (strict) {
            for (String name : c.tensors().keySet()) {
                if (name.startsWith(prefix) && !params.containsKey(name.substring(prefix.length()))) {
                    throw new FormatException(source + ": tensor " + name + " belongs to no layer of the network");
                }
            }
        }
    }

    private static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }
}
