/**
 * Seedable, checkpointable random numbers (xoshiro256**, and PyTorch's mt19937 with torch's draw
 * rules) and small numeric helpers such as erf.
 *
 * <p>Depends on: nothing.
 */
package org.conv4j.util;
