/**
 * The {@code conv4j} command ({@code org.conv4j.cli.Main}) and its benchmarks. It exports nothing: the
 * command line is its interface.
 */
module org.conv4j.cli {
    requires org.conv4j.core;
    requires org.conv4j.onnx;
    requires info.picocli;
    requires java.management;              // bench --onnx: peak heap per batch size
    requires org.snakeyaml.engine;         // the CLI reads YAML specs and configs, so it brings SnakeYAML

    // picocli reads the commands' annotated fields reflectively.
    opens org.conv4j.cli to info.picocli;
}
