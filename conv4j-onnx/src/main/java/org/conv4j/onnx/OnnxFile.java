package org.conv4j.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.conv4j.io.FormatException;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.onnx.proto.OnnxProto.OperatorSetIdProto;

/**
 * Reads and writes {@code .onnx} files (a serialised {@code onnx.ModelProto}) with the generated
 * protobuf classes, and nothing else: no hand-written wire parsing.
 *
 * <p>Reading is bounded: the file's length is checked against {@link #MAX_FILE_BYTES} before any byte
 * is read, the whole file is read into one array of exactly that length, and protobuf parses it with a
 * size limit equal to the file's length and a nesting limit of {@link #MAX_NESTING}, so no length field
 * can make the parser allocate more than the file holds. Anything malformed is a {@link FormatException}
 * naming the file.
 */
public final class OnnxFile {
    /** Largest .onnx file read (protobuf itself cannot represent messages of 2 GiB or more). */
    public static final long MAX_FILE_BYTES = (1L << 31) - 1;
    /** Deepest message nesting accepted (graphs inside attributes inside nodes ...). */
    public static final int MAX_NESTING = 64;
    /** Oldest default-domain opset conv4j reads; torch.onnx.export writes 9 to 17. */
    public static final long MIN_OPSET = 7;
    /** Opset conv4j writes. */
    public static final long EXPORT_OPSET = 13;
    /** IR version written: 7 is what opset 13 needs, and every ONNX Runtime since 1.8 reads it. */
    public static final long EXPORT_IR_VERSION = 7;

    private OnnxFile() {}

    /**
     * Parses {@code file} with the default ceiling {@link #MAX_FILE_BYTES}.
     *
     * @param file the .onnx file
     * @return the model, its header checked (graph present, IR version 3 or newer, opset {@link #MIN_OPSET} or newer)
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is too long, empty, not an
     *                     ONNX protobuf or its header fails the checks
     */
    public static ModelProto read(Path file) throws IOException {
        return read(file, MAX_FILE_BYTES);
    }

    /**
     * Parses {@code file}, refusing files longer than {@code maxBytes} before reading them.
     *
     * @param file     the .onnx file
     * @param maxBytes the longest file accepted; never more than {@link #MAX_FILE_BYTES}
     * @return the model, its header checked
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is too long, empty, not an
     *                     ONNX protobuf or its header fails the checks
     */
    public static ModelProto read(Path file, long maxBytes) throws IOException {
        String where = String.valueOf(file);
        long length;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            length = ch.size();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(where, null, "no such ONNX file");
        }
        if (length > Math.min(maxBytes, MAX_FILE_BYTES)) {
            throw new FormatException(where, "file is " + length + " bytes, more than the " + Math.min(maxBytes, MAX_FILE_BYTES)
                    + "-byte ceiling for an .onnx file");
        }
        if (length == 0) throw new FormatException(where, "file is empty; expected a serialised onnx.ModelProto");
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != length) throw new FormatException(where, "file changed size while being read");
        return parse(bytes, where);
    }

    /**
     * Parses an in-memory model. The model's raw tensor data views {@code bytes}, which must not change after.
     *
     * @param bytes a serialised onnx.ModelProto
     * @param where the name error messages start with
     * @return the model, its header checked
     * @throws FormatException if the bytes are not an ONNX protobuf or its header fails the checks
     */
    public static ModelProto parse(byte[] bytes, String where) throws FormatException {
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);  // raw_data views `bytes` (never changed after) instead of copying every weight
            in.setSizeLimit(bytes.length);
            in.setRecursionLimit(MAX_NESTING);
            model = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new FormatException(where, "not a valid ONNX protobuf (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new FormatException(where, "not a valid ONNX protobuf (" + e + ")", e);
        }
        checkHeader(model, where);
        return model;
    }

    private static void checkHeader(ModelProto model, String where) throws FormatException {
        if (!model.hasGraph()) throw new FormatException(where, "model has no graph (field 'graph' missing); is this an .onnx file?");
        if (!model.hasIrVersion() || model.getIrVersion() < 3) {
            throw new FormatException(where, "field 'ir_version' is " + (model.hasIrVersion() ? model.getIrVersion() : "missing")
                    + "; conv4j reads ONNX IR version 3 or newer");
        }
        defaultOpset(model, where);
    }

    /**
     * The version of the default ("" or "ai.onnx") operator set the model imports.
     *
     * @param model the model
     * @param where the name error messages start with
     * @return the opset version, {@link #MIN_OPSET} or newer
     * @throws FormatException if the model imports no default opset or one older than {@link #MIN_OPSET}
     */
    public static long defaultOpset(ModelProto model, String where) throws FormatException {
        long opset = -1;
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) opset = id.getVersion();
        }
        if (opset < 0) throw new FormatException(where, "field 'opset_import' has no entry for the default ONNX domain");
        if (opset < MIN_OPSET) {
            throw new FormatException(where, "default-domain opset is " + opset + "; conv4j reads opset " + MIN_OPSET + " or newer");
        }
        return opset;
    }

    /**
     * Writes {@code model} to {@code file} (through a temporary file, then a rename), creating missing folders.
     *
     * @param model the model
     * @param file  the file to write
     * @throws IOException if the file or its folders cannot be written
     */
    public static void write(ModelProto model, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                CodedOutputStream cos = CodedOutputStream.newInstance(out, 1 << 16);
                model.writeTo(cos);
                cos.flush();
            }
            Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
