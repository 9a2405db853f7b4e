package org.conv4j.fuzz;

import java.io.IOException;
import java.util.Arrays;
import org.conv4j.io.FormatException;
import org.conv4j.onnx.Onnx;
import org.conv4j.onnx.OnnxFile;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;

/**
 * Fuzz target: any bytes as an .onnx file, parsed and imported into a conv4j network. The network is not
 * run (a 40-byte file may legitimately describe a network whose activations need gigabytes); its shapes
 * must chain.
 */
public final class OnnxFuzzer {
    private OnnxFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        importOrReject(data);
    }

    /** True when {@code data} imported, false when it was rejected with a well-formed FormatException. */
    public static boolean importOrReject(byte[] data) throws IOException {
        try {
            ModelProto model = OnnxFile.parse(data, "fuzz-onnx");
            Onnx.Imported m = Onnx.importModel(model, "fuzz-onnx", null);
            int[] out = m.network().outputShape(m.inputShape());
            Fuzz.check(Arrays.equals(out, m.outputShape()), "output shape " + Arrays.toString(out) + " vs " + Arrays.toString(m.outputShape()));
            return true;
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-onnx");
            return false;
        }
    }
}
