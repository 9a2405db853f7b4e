package org.conv4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzz tests (Jazzer) of every loader in the core (ONNX files: conv4j-onnx's OnnxFuzzTest). In a normal build they run in regression mode:
 * each input of the committed corpus under
 * {@code src/test/resources/org/conv4j/fuzz/LoaderFuzzTestInputs/<method>/} is fed once, in seconds.
 * To fuzz one loader: {@code JAZZER_FUZZ=1 mvn test -Dtest='LoaderFuzzTest#idx'} (see docs/reliability.md for
 * the long standalone runs). The only outcome allowed is success or a FormatException naming the input;
 * any other exception, a hang or running out of the 256 MB heap is a finding.
 */
class LoaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void idx(byte[] data) throws IOException {
        IdxFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void cifar(byte[] data) throws IOException {
        CifarFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void image(byte[] data) throws IOException {
        ImageFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void loaderState(byte[] data) {
        LoaderStateFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void npy(byte[] data) throws IOException {
        NpyFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void safetensors(byte[] data) {
        SafeTensorsFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void modelFile(byte[] data) {
        ModelFileFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void networkSpec(byte[] data) {
        NetworkSpecFuzzer.fuzzerTestOneInput(data);
    }

    @FuzzTest(maxDuration = "60s")
    void yamlSpec(byte[] data) {
        YamlSpecFuzzer.fuzzerTestOneInput(data);
    }
}
