/**
 * ONNX import and export of conv4j models ({@link org.conv4j.onnx.Onnx}), and PyTorch state_dict weights.
 * The protobuf classes generated from onnx.proto stay inside the module.
 */
module org.conv4j.onnx {
    requires transitive org.conv4j.core;
    requires com.google.protobuf;

    exports org.conv4j.onnx;
}
