package org.clocksync.core.snapshot;

import java.util.List;

/**
 * The recorded state of one directed channel: the messages that arrived at {@code toId} from {@code fromId} after
 * {@code toId} recorded its state and before the marker came down that channel, oldest first.
 *
 * @param messages     the messages kept, a prefix of what arrived (descriptions, at most
 *                     {@link SnapshotParticipant#MAX_DESCRIPTION_CHARS} chars each)
 * @param messageCount how many arrived in all; more than {@code messages.size()} when the list was truncated to stay
 *                     within {@link SnapshotParticipant#MAX_MESSAGES_PER_CHANNEL} or within one frame
 */
public record ChannelState(int fromId, int toId, List<String> messages, long messageCount) {
    public ChannelState {
        if (fromId <= 0 || toId <= 0) {
            throw new IllegalArgumentException("channel ends must be positive node ids, got " + fromId + "->" + toId);
        }
        messages = List.copyOf(messages);
        if (messageCount < messages.size()) {
            throw new IllegalArgumentException("channel " + fromId + "->" + toId + " counts " + messageCount
                    + " messages but holds " + messages.size());
        }
    }

    /** Some messages were counted but not kept. */
    public boolean truncated() {
        return messageCount > messages.size();
    }

    public long omittedCount() {
        return messageCount - messages.size();
    }

    /** "2->1", as error texts name channels. */
    public String name() {
        return fromId + "->" + toId;
    }
}
