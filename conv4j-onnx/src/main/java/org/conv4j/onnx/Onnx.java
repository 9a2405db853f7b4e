package org.conv4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.conv4j.io.FormatException;
import org.conv4j.layers.Container;
import org.conv4j.model.Graph;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Sequential;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.util.Rng;

/**
 * ONNX export and import of conv4j models.
 *
 * <p>Export: {@link #export(Container, int[], String)} writes any network made of conv4j layers: a Sequential
 * with Residual blocks or a {@link Graph} with Add, Mul and Concat merges (opset 13, inference-mode
 * BatchNormalization, dropout omitted, batch dimension symbolic {@code N}); initializers carry the torch-style
 * parameter names ({@code 0.weight}, {@code 2.block.1.running_var}, a graph's {@code layer1.0.conv1.weight}).
 *
 * <p>Import: {@link #importFile(Path)} reads a CNN graph as torch.onnx.export writes it (every torchvision
 * classification family; see {@link OnnxReader} for the ops) and builds a network in evaluation mode that
 * predicts like the file and can be fine-tuned ({@code setTraining(true)}): a {@link Sequential} when the file is
 * a chain with residual blocks, else a {@link Graph}. Malformed, hostile or unsupported files are a
 * {@link FormatException} (an {@link OnnxReader.UnsupportedOpException} names the op and node); nothing
 * else escapes.
 */
public final class Onnx {
    private Onnx() {}

    /**
     * The network (a {@link Sequential} or a {@link Graph}) as an ONNX model taking {@code [N, itemShape...]}.
     *
     * @param network   the layers to write; their current parameters and running statistics become initializers
     * @param itemShape one input item's shape without the batch, e.g. [3, 32, 32]
     * @param graphName the ONNX graph's name
     * @return the model
     * @throws IllegalArgumentException if the layers do not chain from {@code itemShape}, the network is neither a
     *                                  Sequential nor a Graph, or a layer has no ONNX form
     */
    public static ModelProto export(Container network, int[] itemShape, String graphName) {
        return export(network, itemShape, graphName, null, null);
    }

    private static ModelProto export(Container network, int[] itemShape, String graphName, float[] mean, float[] std) {
        network.outputShape(itemShape);  // fails with the layer's own message if the shapes do not chain
        return switch (network) {
            case Sequential s -> OnnxWriter.toModel(graphName, LayerBridge.toOnnx(s), LayerBridge.names(s), itemShape, mean, std);
            case Graph g -> OnnxWriter.toModel(graphName, g, itemShape, mean, std);
            default -> throw new IllegalArgumentException("network " + network.describe() + " is neither a Sequential nor a Graph; it has no ONNX export");
        };
    }

    /**
     * Writes {@code network} to {@code out} as an .onnx file, replacing it atomically.
     *
     * @param network   the layers to write
     * @param itemShape one input item's shape without the batch
     * @param graphName the ONNX graph's name
     * @param out       the file to write
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException as {@link #export(Container, int[], String)}
     */
    public static void export(Container network, int[] itemShape, String graphName, Path out) throws IOException {
        OnnxFile.write(export(network, itemShape, graphName), out);
    }

    /**
     * A model file's network as ONNX. The graph takes what {@code conv4j predict} takes, pixels in [0, 1]:
     * the model's normalisation, when it has one, is the graph's first two nodes ({@code Sub} mean,
     * {@code Div} std), and import turns them back into the model's normalisation.
     *
     * @param model the model; its spec gives the input shape and the graph's name ({@code "conv4j"} if unnamed)
     * @return the ONNX model
     * @throws IllegalArgumentException as {@link #export(Container, int[], String)}
     */
    public static ModelProto export(Model model) {
        NetworkSpec spec = model.spec();
        String name = spec.name() == null ? "conv4j" : spec.name();
        return export(model.network(), spec.input(), name, spec.mean(), spec.std());
    }

    /**
     * Writes {@link #export(Model)} to {@code out}, replacing it atomically.
     *
     * @param model the model
     * @param out   the file to write
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException as {@link #export(Container, int[], String)}
     */
    public static void export(Model model, Path out) throws IOException {
        OnnxFile.write(export(model), out);
    }

    /**
     * An imported network.
     *
     * @param network       the layers, in evaluation mode: a {@link Sequential} when the file is a chain with
     *                      residual blocks, else a {@link Graph} whose node names follow torch's module names
     * @param inputShape    one input item's shape, e.g. [3, 32, 32]
     * @param outputShape   one output item's shape, e.g. [10]
     * @param softmaxOutput whether the file ended in Softmax, which the network leaves out (it outputs logits)
     * @param notes         what the import changed or left out, for the user
     * @param mean          per-channel (or single) mean the graph subtracts from its input first, or null
     * @param std           per-channel (or single) std the graph then divides by, or null
     */
    public record Imported(Container network, int[] inputShape, int[] outputShape, boolean softmaxOutput, List<String> notes,
                           float[] mean, float[] std) {
        /**
         * {@return the network as a Sequential (a file that is a chain with residual blocks)}
         *
         * @throws IllegalStateException if the network is a Graph
         */
        public Sequential sequential() {
            if (network instanceof Sequential s) return s;
            throw new IllegalStateException("the imported network is a " + network.describe() + ", not a Sequential");
        }

        /**
         * A conv4j model around the network (spec named {@code name}, classes = output size), with the file's
         * normalisation when it had one. The network is shared, not copied.
         *
         * @param name the spec's name
         * @return the model
         * @throws IllegalArgumentException if the input item is not [C, H, W] or the output item not [classes]
         */
        public Model toModel(String name) {
            if (inputShape.length != 3) {
                throw new IllegalArgumentException("the imported network takes items of shape " + Arrays.toString(inputShape)
                        + "; a conv4j model file needs image input [C, H, W]");
            }
            if (outputShape.length != 1) {
                throw new IllegalArgumentException("the imported network outputs items of shape " + Arrays.toString(outputShape)
                        + "; a conv4j classifier outputs [classes]");
            }
            NetworkSpec spec = NetworkSpec.describe(name, network, inputShape, outputShape[0]);
            return new Model(mean == null ? spec : spec.withNormalize(mean, std), network);
        }
    }

    /**
     * Imports {@code file}; weights of layers that ONNX does not set (none today) are drawn from seed 0.
     * External data files are read from the file's folder.
     *
     * @param file the .onnx file
     * @return the network and what the import found
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is malformed, hostile or
     *                     uses an op conv4j does not import
     */
    public static Imported importFile(Path file) throws IOException {
        return build(OnnxReader.read(file), String.valueOf(file));
    }

    /**
     * Imports a parsed model.
     *
     * @param model  the parsed ONNX model
     * @param where  the name errors start with, e.g. the file's path
     * @param folder the folder of its external data files, or null if it has none
     * @return the network and what the import found
     * @throws IOException if an external data file cannot be read; a {@link FormatException} if the model is
     *                     malformed, hostile or uses an op conv4j does not import
     */
    public static Imported importModel(ModelProto model, String where, Path folder) throws IOException {
        return build(OnnxReader.read(model, where, folder), where);
    }

    private static Imported build(OnnxReader.Result r, String where) throws FormatException {
        if (r.inputShape() == null) {
            throw new FormatException(where, "the graph input has no fixed item shape (only the batch may be symbolic); conv4j layers need"
                    + " the channel count and image size");
        }
        try {
            Container net = r.isGraph() ? LayerBridge.graphFromOnnx(r.graph(), r.inputShape(), new Rng(0))
                    : LayerBridge.fromOnnx(r.layers(), r.inputShape(), new Rng(0));
            net.setTraining(false);
            int[] out = net.outputShape(r.inputShape());
            return new Imported(net, r.inputShape(), out, r.softmaxOutput(), r.notes(), r.mean(), r.std());
        } catch (IllegalArgumentException e) {
            throw new FormatException(where, e.getMessage(), e);
        }
    }
}
