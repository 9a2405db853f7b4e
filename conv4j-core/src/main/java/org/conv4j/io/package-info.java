/**
 * Small file codecs: NPY, safetensors, JSON, YAML, and images (PNG, JPEG, BMP decoded to a model's input
 * {@code [C, H, W]}); atomic writes; the read limits every loader checks
 * and {@link org.conv4j.io.FormatException}.
 *
 * <p>Depends on: tensor.
 */
package org.conv4j.io;
