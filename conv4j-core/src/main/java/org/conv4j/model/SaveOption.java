package org.conv4j.model;

/**
 * How {@link ModelFile#save(Model, java.nio.file.Path, SaveOption...)} treats the file it writes. Without
 * options a save refuses to replace an existing file, as {@link java.nio.file.Files#copy} does.
 */
public enum SaveOption {
    /** Replace an existing file (atomically: readers see the old file or the new one, never a mix). */
    REPLACE_EXISTING
}
