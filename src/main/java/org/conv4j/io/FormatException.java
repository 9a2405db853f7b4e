package org.conv4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file (or stream) that is not what its reader expects: truncated, inconsistent, too large for the
 * limits conv4j reads within, or simply of another format. Every conv4j loader reports malformed input
 * with this one exception; its message names the source and what is wrong, e.g.
 * {@code "train-images-idx3-ubyte.gz: declares 2147483647 images of 28x28 but holds only 16 bytes"}.
 */
public class FormatException extends IOException {
    private final String source;

    /** @param source the file name or resource the data came from */
    public FormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public FormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    public FormatException(Path file, String problem) {
        this(String.valueOf(file), problem);
    }

    public FormatException(Path file, String problem, Throwable cause) {
        this(String.valueOf(file), problem, cause);
    }

    /** The file name or resource the malformed data came from. */
    public String source() {
        return source;
    }
}
