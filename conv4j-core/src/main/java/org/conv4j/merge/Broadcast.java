package org.conv4j.merge;

import java.util.Arrays;
import java.util.List;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * numpy's broadcasting over the item dimensions, for {@link Add} and {@link Mul}: item shapes are aligned on the
 * right, a missing leading dimension counts as 1, and each dimension is either the output's or 1 (the input then
 * repeats along it). The batch dimension N never broadcasts: every input has the same N. So a squeeze-excitation
 * gate s [N, C, 1, 1] and a bias-like [N, C, 1, 1] or [N, 1] both spread over x [N, C, H, W].
 *
 * <p>A plan holds, for each input, the map from an output item offset to that input's item offset (null when the
 * input already has the output's shape), so forward and backward are plain gathers and scatters in output order.
 *
 * @param out   output shape [N, ...]
 * @param in    each input's shape [N, ...]
 * @param items each input's item size
 * @param maps  per input: map[j] = offset in one input item for offset j in one output item; null for the identity
 * @param runs  per input: r when its map repeats each value over r consecutive outputs (map[j] = j / r: a gate
 *              [N, C, 1, 1] over [N, C, H, W] has r = H·W), else 0
 */
record Broadcast(int[] out, int[][] in, int[] items, int[][] maps, int[] runs) {

    /** The output item shape for these input item shapes, or a ShapeException naming the input that does not fit. */
    static int[] itemShape(String where, List<int[]> in) {
        int rank = 0;
        for (int[] s : in) rank = Math.max(rank, s.length);
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : in) {
            for (int d = 0; d < s.length; d++) {
                int o = rank - s.length + d;
                if (out[o] == 1) out[o] = s[d];
            }
        }
        for (int k = 0; k < in.size(); k++) {
            int[] s = in.get(k);
            for (int d = 0; d < s.length; d++) {
                int size = s[d], o = out[rank - s.length + d];
                if (size != o && size != 1) {
                    throw new ShapeException(where + ": input " + k + " has item shape " + Shapes.show(s) + ", which does not "
                            + "broadcast to " + Shapes.show(out) + " (each dimension must match or be 1); item shapes: " + show(in));
                }
            }
        }
        return out;
    }

    /** The plan for these inputs ([N, ...] each, the same N), or a ShapeException naming the input that does not fit. */
    static Broadcast of(String where, List<Tensor> xs) {
        int[][] in = new int[xs.size()][];
        int[][] items = new int[xs.size()][];
        for (int k = 0; k < in.length; k++) {
            in[k] = xs.get(k).shape();
            if (in[k].length < 1) throw new ShapeException(where + ": input " + k + " is a scalar; expected [N, ...]");
            if (in[k][0] != in[0][0]) {
                throw new ShapeException(where + ": input " + k + " has batch size " + in[k][0] + " but input 0 has " + in[0][0]);
            }
            items[k] = Arrays.copyOfRange(in[k], 1, in[k].length);
        }
        int[] outItem = itemShape(where, List.of(items));
        int[] out = new int[outItem.length + 1];
        out[0] = in[0][0];
        System.arraycopy(outItem, 0, out, 1, outItem.length);
        int[][] maps = new int[in.length][];
        int[] sizes = new int[in.length];
        for (int k = 0; k < in.length; k++) {
            maps[k] = indexMap(outItem, items[k]);
            sizes[k] = Shapes.size(items[k]);
        }
        int[] runs = new int[in.length];
        for (int k = 0; k < in.length; k++) runs[k] = run(maps[k], sizes[k]);
        return new Broadcast(out, in, sizes, maps, runs);
    }

    /** r when map[j] = j / r for every j (an input item of {@code size} values, each repeated r times), else 0. */
    private static int run(int[] map, int size) {
        if (map == null || size == 0 || map.length % size != 0) return 0;
        int r = map.length / size;
        for (int j = 0; j < map.length; j++) if (map[j] != j / r) return 0;
        return r;
    }

    /** Whether this plan was made for inputs of exactly these shapes. */
    boolean fits(List<Tensor> xs) {
        if (xs.size() != in.length) return false;
        for (int k = 0; k < in.length; k++) if (!xs.get(k).hasShape(in[k])) return false;
        return true;
    }

    /** Size of one output item. */
    int outItem() { return Shapes.size(out) / Math.max(1, out[0]); }

    /** out item offset → offset in an item of shape {@code s} broadcast to {@code o}; null when s equals o. */
    static int[] indexMap(int[] o, int[] s) {
        int rank = o.length;
        int[] padded = new int[rank];
        Arrays.fill(padded, 1);
        System.arraycopy(s, 0, padded, rank - s.length, s.length);
        if (Arrays.equals(padded, o)) return null;
        int[] stride = new int[rank];   // the input's stride along each output dimension, 0 where it repeats
        for (int d = rank - 1, st = 1; d >= 0; d--) {
            stride[d] = padded[d] == 1 ? 0 : st;
            st *= padded[d];
        }
        int[] map = new int[Shapes.size(o)];
        int[] idx = new int[rank];
        int at = 0;
        for (int j = 0; j < map.length; j++) {
            map[j] = at;
            for (int d = rank - 1; d >= 0; d--) {   // odometer: next output index, input offset follows
                idx[d]++;
                at += stride[d];
                if (idx[d] < o[d]) break;
                at -= stride[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }

    private static String show(List<int[]> in) {
        StringBuilder b = new StringBuilder();
        for (int[] s : in) b.append(b.length() == 0 ? "" : ", ").append(Shapes.show(s));
        return b.toString();
    }
}
