package org.conv4j.kernels.conv;

import org.conv4j.tensor.WindowGeometry;
/**
 * The channel counts a convolution kernel needs besides its {@link org.conv4j.tensor.WindowGeometry}:
 * C input channels, F output channels (filters), in G groups of Cg = C/G inputs and Fg = F/G outputs.
 * Weights are [F, Cg, KH, KW].
 */
public record ConvChannels(int inChannels, int outChannels, int groups) {
    public ConvChannels {
        if (inChannels <= 0 || outChannels <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("channels " + inChannels + " -> " + outChannels + " in " + groups
                    + " groups: counts must be positive and groups must divide both");
        }
    }

    /** For messages: "C->F" and the groups when more than one. */
    public String describe() {
        return inChannels + "->" + outChannels + (groups > 1 ? " in " + groups + " groups" : "");
    }
}
