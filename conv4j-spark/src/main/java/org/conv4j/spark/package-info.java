/**
 * conv4j on Apache Spark: synchronous data-parallel training whose weights are bitwise those of one JVM
 * computing the same shards, and batch scoring of DataFrames as a Spark ML transformer.
 *
 * <p>Depends on: data, io, kernels, layers, loss, model, optim, report, tensor, train, util.
 */
package org.conv4j.spark;
