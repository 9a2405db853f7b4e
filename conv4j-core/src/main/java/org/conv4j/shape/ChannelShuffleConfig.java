package org.conv4j.shape;

/**
 * Settings of {@link ChannelShuffle}, as torch.nn.ChannelShuffle takes them.
 *
 * @param groups G, at least 1 (torch has no default); must divide the channel count of the input
 */
public record ChannelShuffleConfig(int groups) {
    public ChannelShuffleConfig {
        if (groups < 1) throw new IllegalArgumentException("ChannelShuffle: groups must be positive, got " + groups);
    }

    public static ChannelShuffleConfig of(int groups) { return new ChannelShuffleConfig(groups); }

    public ChannelShuffleConfig withGroups(int groups) { return new ChannelShuffleConfig(groups); }
}
