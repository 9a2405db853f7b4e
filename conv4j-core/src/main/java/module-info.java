/**
 * The conv4j library: tensors, layers, models, optimizers, the trainer, data loaders, model files and reports.
 * It needs nothing outside the JDK. The Vector API ({@code jdk.incubator.vector}) is optional: started with
 * {@code --add-modules jdk.incubator.vector} the fast vector kernels run, without it the scalar ones (whose
 * results differ in the last bits). SnakeYAML Engine is optional too: YAML network specs need it, JSON ones do not.
 *
 * <p>Exported: the API packages. Not exported: the kernels' implementations ({@code org.conv4j.kernels.*}
 * sub-packages), which the command-line module alone may reach.
 */
module org.conv4j.core {
    requires java.desktop;                 // ImageIO for image folders and classify(), Java2D for report charts
    requires java.management;              // the report's run facts (heap, threads) and OpenBLAS thread control
    requires jdk.management;               // HotSpotDiagnosticMXBean: the report's JVM flags
    requires static jdk.incubator.vector;  // loaded by name only when present (see Kernels)
    requires static org.snakeyaml.engine;  // YAML specs, when snakeyaml-engine is present (see io.Yaml)

    exports org.conv4j.activation;
    exports org.conv4j.conv;
    exports org.conv4j.data;
    exports org.conv4j.functional;
    exports org.conv4j.gradcheck;
    exports org.conv4j.io;
    exports org.conv4j.kernels;
    exports org.conv4j.layers;
    exports org.conv4j.loss;
    exports org.conv4j.merge;
    exports org.conv4j.model;
    exports org.conv4j.norm;
    exports org.conv4j.optim;
    exports org.conv4j.pool;
    exports org.conv4j.report;
    exports org.conv4j.shape;
    exports org.conv4j.tensor;
    exports org.conv4j.train;
    exports org.conv4j.util;

    // `conv4j bench` times the GEMM kernels directly.
    exports org.conv4j.kernels.gemm to org.conv4j.cli;
}
