/**
 * Models: Sequential, Residual and Graph (a DAG of layers and merges), the layer registry, network specs, model files, fusion, summaries
 * and normalisation.
 *
 * <p>Depends on: activation, conv, io, layers, merge, norm, pool, shape, tensor, util.
 */
package org.conv4j.model;
