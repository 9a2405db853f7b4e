/**
 * The run report (report.html and PNGs) and the pictures of {@code conv4j explain}.
 *
 * <p>Depends on: conv, data, io, kernels.conv, layers, model, pool, tensor, train.
 */
package org.conv4j.report;
