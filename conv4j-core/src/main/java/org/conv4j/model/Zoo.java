package org.conv4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Built-in network specs, kept as JSON resources beside this class (readable examples of the spec format):
 * <ul>
 *   <li>{@code reference}: a small CNN, conv32-pool-conv64-pool-fc128-fc10;</li>
 *   <li>{@code recipe}: [conv3x3-BN-ReLU]×2 per stage (32, 64), max-pool and dropout, fc256-BN-ReLU-dropout,
 *       normalised input: the stronger Fashion-MNIST recipe;</li>
 *   <li>{@code resnet-mini}: a small residual network (identity and projection shortcuts).</li>
 * </ul>
 */
public final class Zoo {
    private Zoo() {}

    /** The names of the built-in specs. */
    public static final List<String> NAMES = List.of("reference", "recipe", "resnet-mini");

    /**
     * {@return the built-in spec called {@code name}}
     *
     * @param name one of {@link #NAMES}
     * @throws IllegalArgumentException if there is no built-in of that name
     */
    public static NetworkSpec spec(String name) {
        if (!NAMES.contains(name)) throw new IllegalArgumentException("no built-in network \"" + name + "\"; built-ins: " + NAMES);
        try (InputStream in = Zoo.class.getResourceAsStream(name + ".json")) {
            if (in == null) throw new IllegalStateException("resource " + name + ".json is missing from the jar");
            return NetworkSpec.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@return the spec {@code nameOrPath} names: a built-in, or a spec file in JSON or YAML
     * ({@link NetworkSpec#read})}
     *
     * @param nameOrPath one of {@link #NAMES}, or a file path
     * @throws IOException on a read error, or a {@link org.conv4j.io.FormatException} if the file is malformed
     */
    public static NetworkSpec resolve(String nameOrPath) throws IOException {
        if (NAMES.contains(nameOrPath)) return spec(nameOrPath);
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new java.io.FileNotFoundException(nameOrPath + ": no such spec file, and not a built-in network " + NAMES);
        }
        return NetworkSpec.read(p);
    }
}
