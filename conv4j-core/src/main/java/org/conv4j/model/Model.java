package org.conv4j.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.conv4j.conv.Conv2d;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.layers.Linear;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;
import org.conv4j.util.SoftPool;

/**
 * A complete classifier: its {@link NetworkSpec} (architecture, input shape, classes, normalisation) and
 * the network with its weights. Input images are float pixels in [0, 1], NCHW; {@link #preprocess}
 * applies the spec's normalisation.
 *
 * <p>Thread safety: {@link #predict}, {@link #logits} and {@link #preprocess} only read the model and may
 * be called from many threads at once (they use each layer's {@code infer}); a model from
 * {@link ModelFile#load} is ready to share, and concurrent results are bitwise those of one thread.
 * Not thread-safe: training the network ({@code network().forward/backward}, {@code setTraining}, an
 * optimizer step) and changing weights, which must not overlap with each other or with predictions.
 */
public final class Model {
    private final NetworkSpec spec;
    private final Container network;
    /** Each concurrent call's reused output arrays, softly held: the memory is the heap's to take back. */
    private final SoftPool<TensorPool> pools = new SoftPool<>(TensorPool::new);

    /**
     * A model of {@code network} described by {@code spec}.
     *
     * @param spec    what the network is, its input, classes and normalisation
     * @param network a {@link Sequential} or a {@link Graph} (any container with one input and one output)
     */
    public Model(NetworkSpec spec, Container network) {
        this.spec = spec;
        this.network = network;
    }

    /** {@return the spec: architecture, input shape, classes and normalisation} */
    public NetworkSpec spec() { return spec; }

    /** {@return the network: a {@link Sequential} for a spec with "layers", a {@link Graph} for one with "graph"} */
    public Container network() { return network; }

    /** {@return the network as a Sequential; fails naming what it is (a graph) otherwise} */
    public Sequential sequential() {
        if (network instanceof Sequential s) return s;
        throw new IllegalStateException("model " + spec.name() + ": the network is a " + network.describe() + ", not a Sequential");
    }

    /** {@return the number of classes the model predicts} */
    public int classes() { return spec.classes(); }

    /**
     * {@return a normalised copy of {@code x}; the input itself is unchanged}
     *
     * @param x [N, C, H, W] pixels in [0, 1]
     */
    public Tensor preprocess(Tensor x) {
        Tensor r = TensorPool.output(x.shape());
        normalize(x, r.data());
        return r;
    }

    /**
     * Applies the spec's per-channel {@code (x - mean) / std} to {@code x} in place; no-op without one.
     *
     * @param x [N, C, H, W] pixels in [0, 1], normalised in place
     */
    public void normalizeInPlace(Tensor x) { normalize(x, x.data()); }

    /** dst = x normalised by the spec (copied where it has no normalisation); dst may be x's own array. */
    private void normalize(Tensor x, float[] dst) {
        int[] in = spec.input();
        Shapes.check("Model(" + spec.name() + ")", "input", x, -1, in[0], in[1], in[2]);
        Normalization n = normalization();
        float[] src = x.data();
        if (n.isIdentity()) {
            if (dst != src) System.arraycopy(src, 0, dst, 0, src.length);
            return;
        }
        int item = in[0] * in[1] * in[2];
        for (int off = 0; off < src.length; off += item) n.apply(src, dst, off, in[0], in[1] * in[2]);
    }

    /** {@return the spec's normalisation (the same arithmetic the data loader applies while training)} */
    public Normalization normalization() {
        return spec.mean() == null ? Normalization.NONE : new Normalization(spec.mean(), spec.std());
    }

    /**
     * Prepares the model to serve: every convolution and fully connected layer derives what it computes from its
     * weights (transformed kernels, packed matrices) once, at its first call, and reuses it in every later
     * {@link #logits}, {@link #predict} and {@code classify} call ({@link Conv2d#prepareInference},
     * {@link Linear#prepareInference}), rather than at every call. Results are bitwise
     * the same; calls are faster, most at batch 1. Training the model drops the prepared kernels (its next
     * training forward pass does), but a write to the weights' values from outside the library is not seen
     * until this is called again.
     *
     * @return this model
     */
    public Model prepareInference() {
        Layers.walk(network, (path, layer) -> {
            if (layer instanceof Conv2d c) c.prepareInference();
            if (layer instanceof Linear l) l.prepareInference();
        });
        return this;
    }

    /**
     * {@return the logits [N, classes] for raw images in [0, 1]} Thread-safe.
     *
     * @param x [N, C, H, W] pixels in [0, 1]; not modified
     */
    public Tensor logits(Tensor x) {
        TensorPool pool = pools.take();
        try {
            return pool.run(() -> network.infer(preprocess(x)));
        } finally {
            pools.give(pool);
        }
    }

    /**
     * {@return the class probabilities [N, classes] (softmax of the logits, computed stably)} Thread-safe.
     *
     * @param x [N, C, H, W] pixels in [0, 1]; not modified
     */
    public Tensor predict(Tensor x) { return softmax(logits(x)); }

    /**
     * {@return the row-wise softmax of [N, K] logits, as a new [N, K] tensor}
     *
     * @param logits [N, K] scores; not modified
     */
    public static Tensor softmax(Tensor logits) {
        int n = logits.dim(0), k = logits.dim(1);
        Tensor p = new Tensor(n, k);
        float[] z = logits.data(), out = p.data();
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, z[i * k + j]);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.exp(z[i * k + j] - max);
            for (int j = 0; j < k; j++) out[i * k + j] = (float) (Math.exp(z[i * k + j] - max) / sum);
        }
        return p;
    }

    /**
     * {@return the name of class {@code c}: the spec's class name, or the number}
     *
     * @param c the class index, in 0..classes()-1
     */
    public String className(int c) {
        return spec.classNames() == null ? Integer.toString(c) : spec.classNames().get(c);
    }

    // ---------------------------------------------------------------- building, loading and saving

    /**
     * A model around a network built in code, ready for {@code Trainer}, {@link #predict}, {@link #classify}
     * and, when every layer has a registered type, {@link ModelFile#save}.
     *
     * <p>The spec it gets describes the network's layers through {@link LayerRegistry} (as a spec file would
     * list them) and is checked to rebuild the same parameters, names and shapes (which builds the network once
     * more from the description, with fresh weights that are then dropped). A network with a layer no
     * registered type describes still trains and predicts, but its spec lists no layers and saving it (a model
     * file, a checkpoint, a trainer's run folder) fails with an error naming that layer. The spec has no
     * normalisation ({@link NetworkSpec#withNormalize} adds one) and the default init scheme; the network's
     * weights are used as they are, not re-drawn.
     *
     * @param network    the layers; a {@link Sequential} is used as it is, any other layer is wrapped in a
     *                   one-layer Sequential (its parameters are then named {@code "0.…"})
     * @param inputShape {@code [C, H, W]} of one image
     * @param classNames one name per class, in output order; the network must output {@code [classNames.size()]}
     *                   per image
     * @throws IllegalArgumentException if the input shape is not three positive sizes, there are no class names,
     *                                  or the network's output for one image is not {@code [classes]}
     * @return the model
     */
    public static Model of(Layer network, int[] inputShape, List<String> classNames) {
        Objects.requireNonNull(classNames, "classNames");
        if (classNames.isEmpty()) throw new IllegalArgumentException("Model.of: no class names; a classifier needs at least one class");
        return of(network, inputShape, classNames.size(), classNames);
    }

    /**
     * As {@link #of(Layer, int[], List)} with classes named by their index ("0", "1", ...).
     *
     * @param network    the layers, as {@link #of(Layer, int[], List)} takes them
     * @param inputShape {@code [C, H, W]} of one image
     * @param classes    the network's output size per image, at least 1
     * @return the model
     * @throws IllegalArgumentException as {@link #of(Layer, int[], List)}
     */
    public static Model of(Layer network, int[] inputShape, int classes) {
        if (classes < 1) throw new IllegalArgumentException("Model.of: classes must be at least 1, got " + classes);
        return of(network, inputShape, classes, null);
    }

    private static Model of(Layer network, int[] inputShape, int classes, List<String> classNames) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(inputShape, "inputShape");
        if (inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("Model.of: input shape must be [C, H, W] with positive sizes, got " + Arrays.toString(inputShape));
        }
        // A Sequential or a Graph is the network itself; any other layer becomes a one-layer Sequential.
        Container seq = network instanceof Sequential || network instanceof Graph ? (Container) network : new Sequential(network);
        int[] out;
        try {
            out = seq.outputShape(inputShape.clone());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Model.of: input " + Arrays.toString(inputShape) + " does not fit the network: " + e.getMessage(), e);
        }
        if (out.length != 1 || out[0] != classes) {
            throw new IllegalArgumentException("Model.of: the network outputs " + Arrays.toString(out) + " per image of "
                    + Arrays.toString(inputShape) + " but " + classes + " classes need [" + classes + "]");
        }
        NetworkSpec described = NetworkSpec.describeChecked(seq, inputShape, classes).spec();
        NetworkSpec spec = described != null ? described.withClassNames(classNames)
                : new NetworkSpec(null, inputShape, classes, classNames, null, null, null, List.of());
        return new Model(spec, seq);
    }

    /**
     * Reads a model file written by {@link #save} or {@code conv4j train}; see {@link ModelFile#load}.
     *
     * @param file the model file
     * @return the model, with the saved weights
     * @throws IOException on a read error, or a {@link org.conv4j.io.FormatException} if the file is malformed
     */
    public static Model load(Path file) throws IOException { return ModelFile.load(file); }

    /**
     * Writes this model to {@code file}; see {@link ModelFile#save(Model, Path, SaveOption...)}.
     *
     * @param file    the file to write
     * @param options {@link SaveOption#REPLACE_EXISTING} to replace an existing file
     * @throws IOException on a write error, or if the file exists and may not be replaced
     */
    public void save(Path file, SaveOption... options) throws IOException { ModelFile.save(this, file, options); }

    // ---------------------------------------------------------------- classifying one image

    /**
     * The {@code k} most probable classes for an image file (PNG, JPEG or BMP), most probable first, ties by
     * lower class index. The file is decoded, converted to the model's channels (grey to RGB by copying the
     * channel, RGB to grey by ITU-R 601-2 luma as PIL's {@code convert("L")}) and resized to the model's
     * input H x W with PIL's antialiased bilinear filter, exactly as {@code conv4j train} and
     * {@code conv4j predict} read image files ({@link ImageFiles#read}); then normalised and run as
     * {@link #predict}. Thread-safe.
     *
     * @param imageFile the image file
     * @param k         how many classes to return, in {@code 1..classes()}
     * @return the {@code k} predictions, most probable first
     * @throws IllegalArgumentException if {@code k} is out of range, or the model's input has neither 1 nor 3 channels
     * @throws org.conv4j.io.FormatException naming the file if it is no readable PNG, JPEG or BMP
     * @throws IOException if the file cannot be read
     */
    public List<Prediction> classify(Path imageFile, int k) throws IOException {
        Objects.requireNonNull(imageFile, "imageFile");
        checkK(k);
        return top(predictOne(ImageFiles.read(imageFile, imageSpec())), k);
    }

    /**
     * As {@link #classify(Path, int)} for an image file's bytes read from {@code image} (up to
     * {@link ImageFiles#MAX_FILE_BYTES}; the stream is not closed). Errors name it "image stream".
     *
     * @param image the stream of an image file's bytes
     * @param k how many classes to return, in {@code 1..classes()}
     * @return the {@code k} predictions, most probable first
     * @throws IOException on a read error, or a {@link org.conv4j.io.FormatException} if the bytes are no readable
     *                     PNG, JPEG or BMP
     */
    public List<Prediction> classify(InputStream image, int k) throws IOException {
        Objects.requireNonNull(image, "image");
        checkK(k);
        ImageSpec s = imageSpec();
        return top(predictOne(ImageFiles.toSpec(ImageFiles.decode(image, "image stream"), s)), k);
    }

    /**
     * As {@link #classify(Path, int)} for an image in memory: a grey image (a single grey band, with or without
     * alpha) is read as one channel, anything else as RGB through {@link BufferedImage#getRGB} (alpha dropped),
     * then converted and resized the same way.
     *
     * @param image the image
     * @param k how many classes to return, in {@code 1..classes()}
     * @return the {@code k} predictions, most probable first
     * @throws IllegalArgumentException if {@code k} is out of range or the image is empty
     */
    public List<Prediction> classify(BufferedImage image, int k) {
        Objects.requireNonNull(image, "image");
        checkK(k);
        return top(predictOne(ImageFiles.toSpec(ImageFiles.decode(image, "image"), imageSpec())), k);
    }

    /**
     * The {@code k} most probable classes for one image already at the model's input: a {@code [C, H, W]}
     * (or {@code [1, C, H, W]}) tensor with pixels in [0, 1], as {@link #predict} takes them. Thread-safe.
     *
     * @param image [C, H, W] or [1, C, H, W] pixels in [0, 1]
     * @param k how many classes to return, in {@code 1..classes()}
     * @return the {@code k} predictions, most probable first
     * @throws org.conv4j.tensor.ShapeException if the image is not the model's input shape
     */
    public List<Prediction> classify(Tensor image, int k) {
        Objects.requireNonNull(image, "image");
        checkK(k);
        int[] in = spec.input();
        Tensor x = image.rank() == 3 ? Tensor.wrap(image.data(), 1, image.dim(0), image.dim(1), image.dim(2)) : image;
        Shapes.check("Model(" + spec.name() + ").classify", "image", x, 1, in[0], in[1], in[2]);
        return top(predict(x).data(), k);
    }

    /** Class probabilities [classes] of one image's pixels [C, H, W] at the model's input. */
    private float[] predictOne(float[] pixels) {
        int[] in = spec.input();
        return predict(Tensor.wrap(pixels, 1, in[0], in[1], in[2])).data();
    }

    private void checkK(int k) {
        if (k < 1 || k > classes()) {
            throw new IllegalArgumentException("classify: k must be in 1.." + classes() + " (the model's classes), got " + k);
        }
    }

    /** The shape images are decoded to; the model must take grey or RGB input. */
    private ImageSpec imageSpec() {
        int[] in = spec.input();
        if (in[0] != 1 && in[0] != 3) {
            throw new IllegalArgumentException("classify: " + (spec.name() == null ? "the model" : spec.name()) + " takes "
                    + in[0] + "-channel input, but images are decoded to grey (1 channel) or RGB (3); build the input "
                    + "tensor yourself and call predict");
        }
        return ImageSpec.of(in);
    }

    /** The k largest of {@code probs} [classes] as predictions, largest first, lower index first on ties. */
    private List<Prediction> top(float[] probs, int k) {
        Integer[] order = new Integer[probs.length];
        for (int c = 0; c < order.length; c++) order[c] = c;
        Arrays.sort(order, (a, b) -> {
            int cmp = Float.compare(probs[b], probs[a]);
            return cmp != 0 ? cmp : Integer.compare(a, b);
        });
        List<Prediction> r = new ArrayList<>(k);
        for (int j = 0; j < k; j++) r.add(new Prediction(order[j], className(order[j]), probs[order[j]]));
        return List.copyOf(r);
    }
}
