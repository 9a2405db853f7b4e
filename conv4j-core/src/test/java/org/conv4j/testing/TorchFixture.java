package org.conv4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.io.Npy;
import org.conv4j.io.NpyArray;
import org.conv4j.tensor.Tensor;

/**
 * One case folder of PyTorch reference values (src/test/resources/fixtures/...): one .npy per tensor,
 * written by the make_*.py script beside it.
 */
public final class TorchFixture {
    /** Agreement required with PyTorch: 1e-5 relative ... */
    public static final double REL_TOL = 1e-5;
    /** ... with this absolute floor on the denominator, for values that are zero up to rounding. */
    public static final double ABS_FLOOR = 1e-6;

    private final Path dir;

    private TorchFixture(Path dir) { this.dir = dir; }

    /** The case folder {@code src/test/resources/fixtures/<group>/<name>}. */
    public static TorchFixture load(String group, String name) {
        Path d = Path.of("src/test/resources/fixtures", group, name);
        if (!Files.isDirectory(d)) throw new IllegalStateException("fixture folder " + d + " is missing; run the script in its parent folder");
        return new TorchFixture(d);
    }

    public boolean has(String name) { return Files.exists(dir.resolve(name + ".npy")); }

    public NpyArray array(String name) {
        try {
            return Npy.read(dir.resolve(name + ".npy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A float32 tensor (float64 files are rounded). */
    public Tensor tensor(String name) { return array(name).toTensor(); }

    public double[] doubles(String name) { return array(name).toDoubles(); }

    public double scalar(String name) { return doubles(name)[0]; }

    public int[] ints(String name) { return array(name).toInts(); }

    /** Asserts the shape and every value within {@link #REL_TOL} relative of the fixture. */
    public void assertClose(String name, Tensor actual) {
        assertArrayEquals(array(name).shape(), actual.shape(), dir.getFileName() + "/" + name + ": shape");
        assertClose(name, actual.data());
    }

    public void assertClose(String name, float[] actual) {
        double[] expected = doubles(name);
        if (expected.length != actual.length) fail(dir.getFileName() + "/" + name + ": " + actual.length + " values, expected " + expected.length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.abs(actual[i] - expected[i]) / Math.max(ABS_FLOOR, Math.abs(expected[i]));
            if (!(e <= worst)) { worst = e; at = i; }
        }
        if (!(worst <= REL_TOL)) {
            fail(dir.getFileName() + "/" + name + ": relative error " + worst + " at index " + at + " (got " + actual[at]
                    + ", torch " + expected[at] + ")");
        }
    }

    public void assertClose(String name, double actual) {
        assertClose(name, new float[] {(float) actual});
    }
}
