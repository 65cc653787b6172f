package org.clocksync.node.net;

import io.netty.channel.Channel;
import org.clocksync.protocol.ErrorCode;

/**
 * The checks a coordinator (the Berkeley master, the logical master object) makes on a HELLO before it takes the
 * sender as a member, written once. It decides; the role keeps its members and acts on the verdict.
 */
public final class HelloGate {
    /** What to do with a HELLO. */
    public sealed interface Verdict permits Admit, Replace, Refuse {
    }

    /** Take the sender as a new member. */
    public record Admit() implements Verdict {
    }

    /** Drop the member's old connection, then take this one: a signed HELLO for a connected id is the node restarted. */
    public record Replace(Channel old) implements Verdict {
    }

    /** Answer with an ERROR and close; {@code why} is the metric label. */
    public record Refuse(ErrorCode code, String text, String why) implements Verdict {
    }

    private static final Admit ADMIT = new Admit();

    private final String self;
    private final int selfId;
    private final int maxMembers;
    private final boolean authenticated;

    /** {@code self} names the coordinator in messages, e.g. "the master". */
    public HelloGate(String self, int selfId, int maxMembers, boolean authenticated) {
        this.self = self;
        this.selfId = selfId;
        this.maxMembers = maxMembers;
        this.authenticated = authenticated;
    }

    /**
     * @param started whether the coordinator runs its rounds yet
     * @param helloedBefore whether this connection already introduced a member
     * @param existing the connection of a member with the sender's id, or null
     */
    public Verdict judge(int senderId, boolean started, boolean helloedBefore, Channel existing, int members) {
        if (!started) {
            // Still warming up: its heartbeats have not started, so a member that joined now would soon suspect it.
            return new Refuse(ErrorCode.OVERLOADED, self + " is starting; try again shortly", "starting");
        }
        if (helloedBefore) {
            return new Refuse(ErrorCode.BAD_REQUEST, "HELLO sent twice on one connection", "duplicate_hello");
        }
        if (senderId == selfId) {
            return new Refuse(ErrorCode.BAD_REQUEST, "node id " + senderId + " is " + self
                    + "'s own id; give every node a unique --id", "own_id");
        }
        if (existing != null) {
            // Only a key holder could sign this HELLO: it is the node restarted, and the old connection a half-open
            // leftover. Without a key anyone could claim the id, so the first connection is kept.
            return authenticated ? new Replace(existing) : new Refuse(ErrorCode.BAD_REQUEST, "node " + senderId
                    + " is already connected from " + existing.remoteAddress() + "; give every node a unique --id",
                    "duplicate_id");
        }
        if (members >= maxMembers) {
            return new Refuse(ErrorCode.OVERLOADED, self + " already has " + maxMembers + " members", "member_limit");
        }
        return ADMIT;
    }
}
