/**
 * Seedable, checkpointable random numbers (xoshiro256**, and PyTorch's mt19937 with torch's draw
 * rules), small numeric helpers such as erf, and a soft pool of per-call scratch.
 *
 * <p>Depends on: nothing.
 */
package org.conv4j.util;
