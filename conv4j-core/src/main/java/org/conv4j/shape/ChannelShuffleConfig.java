package org.conv4j.shape;

/**
 * Settings of {@link ChannelShuffle}, as torch.nn.ChannelShuffle takes them.
 *
 * @param groups G, at least 1 (torch has no default); must divide the channel count of the input
 */
public record ChannelShuffleConfig(int groups) {
    /**
     * Validates the group count.
     *
     * @throws IllegalArgumentException if {@code groups} is below 1
     */
    public ChannelShuffleConfig {
        if (groups < 1) throw new IllegalArgumentException("ChannelShuffle: groups must be positive, got " + groups);
    }

    /**
     * The settings for G groups.
     *
     * @param groups G, at least 1
     * @return the settings
     * @throws IllegalArgumentException if {@code groups} is below 1
     */
    public static ChannelShuffleConfig of(int groups) { return new ChannelShuffleConfig(groups); }

    /**
     * A copy with another group count.
     *
     * @param groups G, at least 1
     * @return the new settings
     * @throws IllegalArgumentException if {@code groups} is below 1
     */
    public ChannelShuffleConfig withGroups(int groups) { return new ChannelShuffleConfig(groups); }
}
