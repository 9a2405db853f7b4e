package org.conv4j.io;

import java.io.IOException;

/**
 * A file (or text) does not follow its format: the message names the file or field and what was expected.
 * Every conv4j loader reports malformed input with this one type, never with an index or allocation error.
 */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) { super(message); }

    public FormatException(String message, Throwable cause) { super(message, cause); }
}
