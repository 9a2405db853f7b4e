package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.conv4j.activation.Hardswish;
import org.conv4j.activation.LogSoftmax;
import org.conv4j.activation.ReLU6;
import org.conv4j.activation.SiLU;
import org.conv4j.activation.Softmax;
import org.conv4j.layers.Layer;
import org.conv4j.model.Model;
import org.conv4j.model.Sequential;
import org.conv4j.norm.LayerNorm2d;
import org.conv4j.onnx.proto.OnnxProto.AttributeProto;
import org.conv4j.onnx.proto.OnnxProto.GraphProto;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.onnx.proto.OnnxProto.NodeProto;
import org.conv4j.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.conv4j.onnx.proto.OnnxProto.TensorProto;
import org.conv4j.onnx.proto.OnnxProto.TensorShapeProto;
import org.conv4j.onnx.proto.OnnxProto.TypeProto;
import org.conv4j.onnx.proto.OnnxProto.ValueInfoProto;
import org.conv4j.shape.ChannelShuffle;
import org.conv4j.shape.Pad2d;
import org.conv4j.shape.Upsample;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-input ops of modern CNNs, in graphs written node by node as torch.onnx.export (opset 13)
 * writes them: each imports, computes what ONNX Runtime computes on the same file within 1e-5, and exports
 * back to a file ONNX Runtime agrees with. Needs no Python.
 */
class OnnxOpsTest {
    @TempDir Path dir;

    /** A graph under construction: one input "x" [N, item...], one output "y". */
    static final class G {
        final GraphProto.Builder g = GraphProto.newBuilder().setName("ops");
        final Rng rng = new Rng(7);
        int count;

        G(int... item) { g.addInput(info("x", item)); }

        String node(String op, List<String> in, AttributeProto... attrs) {
            String out = op.toLowerCase() + "_" + (count++);
            g.addNode(NodeProto.newBuilder().setOpType(op).setName("/" + out).addAllInput(in).addOutput(out).addAllAttribute(List.of(attrs)));
            return out;
        }

        String floats(float[] v, int... shape) {
            String name = "c" + (count++);
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) b.putFloat(f);
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array()));
            for (int d : shape) t.addDims(d);
            g.addInitializer(t);
            return name;
        }

        String random(int... shape) {
            int n = 1;
            for (int d : shape) n *= d;
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) (rng.nextDouble() * 2 - 1) * 0.5f;
            return floats(v, shape);
        }

        String scalar(float v) { return floats(new float[] {v}); }

        /** A 1-D INT64 Constant node, as torch writes shape values. */
        String longs(long[] v) { return longs(v, new int[] {v.length}); }

        /** A rank-0 INT64 Constant node. */
        String one(long v) { return longs(new long[] {v}, new int[0]); }

        String longs(long[] v, int[] shape) {
            TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE);
            for (long x : v) t.addInt64Data(x);
            for (int d : shape) t.addDims(d);
            return node("Constant", List.of(), AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t).build());
        }

        String conv(String x, int cin, int cout, int k, int pad) {
            return node("Conv", List.of(x, random(cout, cin, k, k), random(cout)), ints("pads", pad, pad, pad, pad), ints("kernel_shape", k, k));
        }

        ModelProto model(String y, int... outItem) {
            GraphProto.Builder b = g.clone();
            // rename the last value to "y"
            for (int i = 0; i < b.getNodeCount(); i++) {
                NodeProto n = b.getNode(i);
                if (n.getOutput(0).equals(y)) b.setNode(i, n.toBuilder().setOutput(0, "y"));
            }
            b.addOutput(info("y", outItem));
            return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(b).build();
        }
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto floating(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }

    static ValueInfoProto info(String name, int... item) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : item) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    /** Imports {@code m}, checks it against ONNX Runtime on a batch of 3, exports it back and checks that too. */
    Sequential check(String name, ModelProto m) throws Exception {
        Path f = dir.resolve(name + ".onnx");
        Files.write(f, m.toByteArray());
        Onnx.Imported imp = Onnx.importFile(f);
        Tensor x = TestNets.input(3, 11, imp.inputShape());
        for (int i = 0; i < x.size(); i++) x.data()[i] *= 4;  // reach both sides of ReLU6, hardswish's ±3
        Tensor y = imp.network().infer(x);
        if (imp.softmaxOutput()) y = Model.softmax(y);
        Tensor ort = OnnxExportTest.runOrt(m, x, "x", "y");
        double err = TorchvisionFamiliesTest.relErr(y, ort);
        System.out.printf("conv4j import vs ONNX Runtime, %s: %.2e%n", name, err);
        assertTrue(err <= 1e-5, name + ": conv4j vs ONNX Runtime " + err);
        ModelProto back = Onnx.export(imp.network(), imp.inputShape(), name);
        Tensor again = OnnxExportTest.runOrt(back, x);
        double backErr = TorchvisionFamiliesTest.relErr(again, imp.network().infer(x));
        System.out.printf("ONNX Runtime on conv4j's export vs conv4j, %s: %.2e%n", name, backErr);
        assertTrue(backErr <= 1e-5, name + ": export vs conv4j " + backErr);
        return imp.sequential();
    }

    static Set<Class<?>> types(Sequential s) {
        return s.layers().stream().map(Layer::getClass).collect(Collectors.toSet());
    }

    @Test
    void mobileNetActivationsAndReduceMean() throws Exception {
        G g = new G(3, 9, 9);
        String v = g.conv("x", 3, 8, 3, 1);
        v = g.node("Clip", List.of(v, g.scalar(0f), g.scalar(6f)));                                  // ReLU6
        v = g.conv(v, 8, 8, 1, 0);
        String hs = g.node("HardSigmoid", List.of(v), floating("alpha", 1f / 6f), floating("beta", 0.5f));
        v = g.node("Mul", List.of(v, hs));                                                          // Hardswish
        v = g.conv(v, 8, 8, 3, 1);
        String sg = g.node("Sigmoid", List.of(v));
        v = g.node("Mul", List.of(sg, v));                                                          // SiLU, gate first
        v = g.node("HardSigmoid", List.of(v), floating("alpha", 1f / 6f), floating("beta", 0.5f));  // a lone hardsigmoid
        v = g.node("Clip", List.of(v, g.scalar(0.25f), ""));                                        // Clip with only a minimum
        v = g.node("ReduceMean", List.of(v), ints("axes", 2, 3), integer("keepdims", 0));            // mnasnet's x.mean([2, 3])
        v = g.node("Gemm", List.of(v, g.random(5, 8), g.random(5)), integer("transB", 1));
        Sequential net = check("mobile", g.model(v, 5));
        Set<Class<?>> t = types(net);
        assertTrue(t.containsAll(Set.of(ReLU6.class, Hardswish.class, SiLU.class, org.conv4j.activation.HardSigmoid.class,
                org.conv4j.activation.Clip.class)), t.toString());
    }

    /** torch 1.13's constant_pad_nd at opset 11+: the pads computed by ConstantOfShape, Concat, Reshape, Slice, Transpose, Cast. */
    static String torchPads(G g, long left, long right, long top, long bottom) {
        String pad = g.longs(new long[] {left, right, top, bottom});
        String ext = g.node("Unsqueeze", List.of(g.one(4), g.longs(new long[] {0})));
        String zeros = g.node("ConstantOfShape", List.of(ext), AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(1).addInt64Data(0)).build());
        String p = g.node("Concat", List.of(pad, zeros), integer("axis", 0));
        p = g.node("Reshape", List.of(p, g.longs(new long[] {-1, 2})));
        p = g.node("Slice", List.of(p, g.longs(new long[] {-1}), g.longs(new long[] {-9223372036854775807L}), g.longs(new long[] {0}),
                g.longs(new long[] {-1})));
        p = g.node("Transpose", List.of(p), ints("perm", 1, 0));
        p = g.node("Reshape", List.of(p, g.longs(new long[] {-1})));
        return g.node("Cast", List.of(p), integer("to", TensorProto.DataType.INT64_VALUE));
    }

    @Test
    void padsResizeAndSoftmaxOverChannels() throws Exception {
        G g = new G(4, 6, 7);
        String v = g.node("Pad", List.of("x", torchPads(g, 1, 2, 0, 1), g.scalar(0f)), string("mode", "constant"));  // ZeroPad2d into a conv
        v = g.conv(v, 4, 4, 3, 0);                                                                                  // 6x7 -> 5x8
        v = g.node("Pad", List.of(v, torchPads(g, 2, 1, 1, 2)), string("mode", "reflect"));                       // 8x11
        v = g.node("Pad", List.of(v, torchPads(g, 1, 1, 1, 1), g.scalar(0.5f)), string("mode", "constant"));      // 10x13
        v = g.node("Resize", List.of(v, "", g.floats(new float[] {1, 1, 2, 2}, 4)), string("mode", "nearest"),
                string("coordinate_transformation_mode", "asymmetric"), string("nearest_mode", "floor"));          // 20x26
        v = g.conv(v, 4, 4, 3, 1);
        v = g.node("Resize", List.of(v, "", g.floats(new float[] {1, 1, 0.5f, 0.5f}, 4)), string("mode", "linear"),
                string("coordinate_transformation_mode", "pytorch_half_pixel"));                                  // 10x13
        v = g.node("Softmax", List.of(v), integer("axis", 1));
        v = g.conv(v, 4, 3, 1, 0);
        v = g.node("LogSoftmax", List.of(v), integer("axis", 1));
        Sequential net = check("pads", g.model(v, 3, 10, 13));
        Set<Class<?>> t = types(net);
        assertTrue(t.containsAll(Set.of(Pad2d.class, Upsample.class, Softmax.class, LogSoftmax.class)), t.toString());
        assertEquals(2, net.layers().stream().filter(l -> l instanceof Pad2d).count(), "the zero pad merges into the conv");
    }

    @Test
    void channelShuffleFromShapeArithmeticAndChannelsLastLayerNorm() throws Exception {
        int c = 8, groups = 2;
        G g = new G(c, 5, 5);
        String v = g.conv("x", c, c, 3, 1);
        // ShuffleNet: b, c, h, w = x.size(); x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, -1, h, w)
        String shape = g.node("Shape", List.of(v));
        String[] dims = new String[4];
        for (int i = 0; i < 4; i++) dims[i] = g.node("Gather", List.of(shape, g.one(i)), integer("axis", 0));
        String per = g.node("Div", List.of(dims[1], g.one(groups)));
        List<String> target = new ArrayList<>();
        for (String d : List.of(dims[0], "G", per, dims[2], dims[3])) {
            String s = d.equals("G") ? g.one(groups) : d;
            target.add(g.node("Unsqueeze", List.of(s, g.longs(new long[] {0}))));
        }
        String t5 = g.node("Concat", target, integer("axis", 0));
        v = g.node("Reshape", List.of(v, t5));
        v = g.node("Transpose", List.of(v), ints("perm", 0, 2, 1, 3, 4));
        String back = g.node("Concat", List.of(g.node("Unsqueeze", List.of(dims[0], g.longs(new long[] {0}))), g.longs(new long[] {-1}),
                g.node("Unsqueeze", List.of(dims[2], g.longs(new long[] {0}))), g.node("Unsqueeze", List.of(dims[3], g.longs(new long[] {0})))),
                integer("axis", 0));
        v = g.node("Reshape", List.of(v, back));
        // ConvNeXt: permute to channels last, layer norm, Linear, GELU, Linear, permute back, layer scale
        v = g.node("Transpose", List.of(v), ints("perm", 0, 2, 3, 1));
        String mean = g.node("ReduceMean", List.of(v), ints("axes", -1));
        String d = g.node("Sub", List.of(v, mean));
        String var = g.node("ReduceMean", List.of(g.node("Pow", List.of(d, g.scalar(2f)))), ints("axes", -1));
        String std = g.node("Sqrt", List.of(g.node("Add", List.of(var, g.scalar(1e-6f)))));
        v = g.node("Div", List.of(d, std));
        v = g.node("Mul", List.of(v, g.random(c)));
        v = g.node("Add", List.of(v, g.random(c)));
        v = g.node("Add", List.of(g.node("MatMul", List.of(v, g.random(c, 16))), g.random(16)));
        String e = g.node("Erf", List.of(g.node("Div", List.of(v, g.scalar((float) Math.sqrt(2))))));
        v = g.node("Mul", List.of(g.node("Mul", List.of(v, g.node("Add", List.of(e, g.scalar(1f))))), g.scalar(0.5f)));
        v = g.node("Add", List.of(g.node("MatMul", List.of(v, g.random(16, c))), g.random(c)));
        v = g.node("Transpose", List.of(v), ints("perm", 0, 3, 1, 2));
        v = g.node("Mul", List.of(g.random(c, 1, 1), v));
        Sequential net = check("shuffle_ln", g.model(v, c, 5, 5));
        Set<Class<?>> t = types(net);
        assertTrue(t.containsAll(Set.of(ChannelShuffle.class, LayerNorm2d.class)), t.toString());
    }

    @Test
    void unsupportedUsesNameTheNode() throws Exception {
        G g = new G(4, 5, 5);
        String v = g.node("ReduceMean", List.of("x"), ints("axes", 1), integer("keepdims", 1));  // a lone channel mean
        Path f = dir.resolve("bad.onnx");
        Files.write(f, g.model(v, 1, 5, 5).toByteArray());
        var e = assertThrows(OnnxReader.UnsupportedOpException.class, () -> Onnx.importFile(f));
        assertTrue(e.getMessage().contains("ReduceMean") && e.getMessage().contains("/reducemean_0"), e.getMessage());

        G h = new G(4, 5, 5);
        String w = h.node("Transpose", List.of("x"), ints("perm", 0, 2, 3, 1));
        w = h.node("MaxPool", List.of(w), ints("kernel_shape", 2, 2));
        Files.write(f, h.model(w, 5, 4, 2).toByteArray());
        e = assertThrows(OnnxReader.UnsupportedOpException.class, () -> Onnx.importFile(f));
        assertTrue(e.getMessage().contains("channels-last") && e.getMessage().contains("MaxPool"), e.getMessage());
    }
}
