/**
 * Models: Sequential and Residual, the layer registry, network specs, model files, fusion, summaries
 * and normalisation.
 *
 * <p>Depends on: activation, conv, io, layers, norm, pool, shape, tensor, util.
 */
package org.conv4j.model;
