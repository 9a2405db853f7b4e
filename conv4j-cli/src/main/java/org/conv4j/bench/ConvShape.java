package org.conv4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a conv shapes file (the format of ../shared/bench/shapes.tsv): a name, then the batch N,
 * input channels C, height H, width W, output channels F, square kernel K, stride and padding.
 * Lines starting with '#' and blank lines are skipped; fields are separated by tabs or spaces.
 */
public record ConvShape(String name, int n, int c, int h, int w, int f, int k, int stride, int pad) {
    /** The standard shapes, embedded from ../shared/bench/shapes.tsv. */
    public static final String DEFAULT_RESOURCE = "shapes.tsv";

    private static final String[] FIELDS = {"name", "N", "C", "H", "W", "F", "K", "stride", "pad"};

    public int outH() { return (h + 2 * pad - k) / stride + 1; }

    public int outW() { return (w + 2 * pad - k) / stride + 1; }

    /** Multiply-adds ×2 of one forward pass, counted as torch_conv_bench.py counts them. */
    public double forwardFlops() { return 2.0 * n * f * outH() * outW() * c * k * k; }

    public static List<ConvShape> read(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    public static List<ConvShape> defaults() {
        try (InputStream in = ConvShape.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("bench resource " + DEFAULT_RESOURCE + " is missing from the jar");
            return parse("(built-in shapes.tsv)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a shapes file; errors name the file, the line and the field. */
    public static List<ConvShape> parse(String where, String text) {
        List<ConvShape> shapes = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+");
            String at = where + " line " + (i + 1);
            if (f.length != FIELDS.length) {
                throw new IllegalArgumentException(at + ": expected " + FIELDS.length
                        + " fields (name N C H W F K stride pad), got " + f.length + ": '" + line + "'");
            }
            int[] v = new int[8];
            for (int j = 1; j < f.length; j++) {
                try {
                    v[j - 1] = Integer.parseInt(f[j]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + ": field " + FIELDS[j] + " must be an integer, got '" + f[j] + "'");
                }
                boolean ok = j == 8 ? v[j - 1] >= 0 : v[j - 1] >= 1;
                if (!ok) {
                    throw new IllegalArgumentException(at + ": field " + FIELDS[j] + " must be "
                            + (j == 8 ? "non-negative" : "positive") + ", got " + v[j - 1]);
                }
            }
            ConvShape s = new ConvShape(f[0], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
            if (s.k() > s.h() + 2 * s.pad() || s.k() > s.w() + 2 * s.pad()) {
                throw new IllegalArgumentException(at + ": kernel " + s.k() + " is larger than the padded input "
                        + (s.h() + 2 * s.pad()) + "x" + (s.w() + 2 * s.pad()));
            }
            shapes.add(s);
        }
        if (shapes.isEmpty()) throw new IllegalArgumentException(where + ": no shapes (only comments or blank lines)");
        return shapes;
    }
}
