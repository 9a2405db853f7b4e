package org.conv4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzz test (Jazzer) of the ONNX reader, run like the core's LoaderFuzzTest: in a normal build
 * each input of the committed corpus under {@code src/test/resources/org/conv4j/fuzz/OnnxFuzzTestInputs/onnx/}
 * is fed once; {@code JAZZER_FUZZ=1 mvn test -pl conv4j-onnx -Dtest='OnnxFuzzTest#onnx'} fuzzes. The only outcome
 * allowed is success or a FormatException naming the input.
 */
class OnnxFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void onnx(byte[] data) throws IOException {
        OnnxFuzzer.fuzzerTestOneInput(data);
    }
}
