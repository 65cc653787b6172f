package org.clocksync.node.role;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import org.clocksync.node.log.LogText;
import org.clocksync.node.log.RateLimitedLog;
import org.clocksync.node.net.HelloGate;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.Message;
import org.slf4j.Logger;

/**
 * The members of a coordinator (the Berkeley master, the logical master object): who joined with HELLO on which
 * connection, who left, and the refusals; the frames every coordinator answers alike; and the batched writes to
 * members. The role is told of each member that joins or leaves, and welcomes a new member itself (its WELCOME and
 * timeouts differ). On the protocol event loop only.
 */
public final class MemberTable {
    /** A member: its id, the name it gave, its connection, and when it joined (host time). */
    public record Member(int id, String name, Channel channel, long joinedHostNanos) {
    }

    private final AttributeKey<Integer> memberKey;
    private final NodeContext ctx;
    private final HelloGate gate;
    private final Logger log;
    private final RateLimitedLog refusedLog;
    private final IntConsumer added;
    private final IntConsumer removed;
    private final Map<Integer, Member> members = new HashMap<>();
    /** Connections written to but not flushed yet: one flush per connection per batch of actions. */
    private final Set<Channel> unflushed = new LinkedHashSet<>();
    private long protocolViolations;

    /**
     * @param self names the coordinator in messages, e.g. "the master"
     * @param authenticated whether frames are signed with a cluster key (then a HELLO may displace a stale connection)
     * @param log the role's logger, so the lines keep naming the role
     * @param added told the id of each member that joins, {@code removed} of each that leaves or is replaced
     */
    public MemberTable(String self, NodeContext ctx, boolean authenticated, int maxMembers, Logger log,
            IntConsumer added, IntConsumer removed) {
        this.memberKey = AttributeKey.valueOf("clocksync.member." + self.replace(' ', '_'));
        this.ctx = ctx;
        this.gate = new HelloGate(self, ctx.selfId(), maxMembers, authenticated);
        this.log = log;
        // Refusals: a misbehaving client may repeat them as fast as it likes.
        this.refusedLog = new RateLimitedLog(log, 5_000_000_000L);
        this.added = added;
        this.removed = removed;
    }

    /**
     * Judges a HELLO: returns the new member, whom the caller welcomes, or null when it was refused (an ERROR was
     * sent and the connection closed). {@code started} says whether the coordinator runs its rounds yet.
     */
    private Member onHello(Channel channel, Frame frame, Message.Hello hello, boolean started, long hostNanos) {
        int id = frame.senderId();
        Member existing = members.get(id);
        HelloGate.Verdict verdict = gate.judge(id, started, channel.attr(memberKey).get() != null,
                existing == null ? null : existing.channel(), members.size());
        if (verdict instanceof HelloGate.Refuse refusal) {
            refuse(channel, hello.requestId(), refusal.code(), refusal.text(), refusal.why());
            return null;
        }
        if (verdict instanceof HelloGate.Replace) {
            log.info("event=member_replaced id={} old={} new={} note=\"an authenticated HELLO for a connected id\"",
                    id, existing.channel().remoteAddress(), channel.remoteAddress());
            members.remove(id);
            removed.accept(id);
            existing.channel().close();
        }
        channel.attr(memberKey).set(id);
        Member member = new Member(id, hello.name(), channel, hostNanos);
        members.put(id, member);
        added.accept(id);
        log.info("event=member_joined id={} name={} remote={} members={}", id, LogText.of(hello.name()),
                channel.remoteAddress(), members.size());
        return member;
    }

    /**
     * The frames a coordinator answers the same way whatever it runs: a HELLO joins its sender (see {@link #onHello};
     * {@code welcome} then sends the role's WELCOME), a time request gets the service clock. Returns the member that
     * sent any other frame, for the role to handle, or null when the frame ended here.
     */
    public Integer receive(Channel channel, Frame frame, boolean started, long hostNanos,
            BiConsumer<Channel, Message.Hello> welcome) {
        Message message = frame.message();
        if (message instanceof Message.Hello hello) {
            if (onHello(channel, frame, hello, started, hostNanos) != null) {
                welcome.accept(channel, hello);
            }
            return null;
        }
        if (message instanceof Message.CristianRequest request) {
            ctx.send(channel, new Message.CristianResponse(request.requestId(), ctx.clock.readNanos(hostNanos)));
            return null;
        }
        return sender(channel, frame);
    }

    /**
     * Writes {@code message} to member {@code id}, unflushed until {@link #flushWritten}; returns that member, or null
     * (and writes nothing) when it is no longer a member.
     */
    public Member write(int id, Message message) {
        Member m = members.get(id);
        if (m != null) {
            ctx.write(m.channel(), message);
            unflushed.add(m.channel());
        }
        return m;
    }

    /** Flushes every connection {@link #write} wrote to since the last call. */
    public void flushWritten() {
        for (Channel c : unflushed) {
            c.flush();
        }
        unflushed.clear();
    }

    /**
     * The member that sent {@code frame}, or null after refusing it: a connection must say HELLO first, and then
     * speak only for the id it introduced.
     */
    private Integer sender(Channel channel, Frame frame) {
        Integer memberId = channel.attr(memberKey).get();
        if (memberId == null) {
            refuse(channel, 0, ErrorCode.BAD_REQUEST, "introduce yourself with HELLO before sending " + frame.type(),
                    "no_hello");
            return null;
        }
        if (frame.senderId() != memberId) {
            refuse(channel, 0, ErrorCode.BAD_REQUEST, "frame claims sender " + frame.senderId()
                    + " on the connection of node " + memberId, "sender_mismatch");
            return null;
        }
        return memberId;
    }

    /** A connection closed: its member leaves, unless a newer connection already replaced it. */
    public void onChannelClosed(Channel channel) {
        Integer id = channel.attr(memberKey).get();
        Member m = id == null ? null : members.get(id);
        if (m != null && m.channel() == channel) {
            members.remove(id);
            removed.accept(id);
            log.info("event=member_left id={} name={} members={}", id, m.name(), members.size());
        }
    }

    /** The member with this id, or null. */
    public Member get(int id) {
        return members.get(id);
    }

    /** Closes every member's connection (the role stops). */
    public void closeAll() {
        for (Member m : List.copyOf(members.values())) {
            m.channel().close();
        }
    }

    /** The {@code members} list of /status, by id. */
    public List<MemberStatus> status(long hostNanos) {
        List<MemberStatus> list = new ArrayList<>();
        for (Member m : new TreeMap<>(members).values()) {
            list.add(new MemberStatus(m.id(), m.name(), String.valueOf(m.channel().remoteAddress()),
                    (hostNanos - m.joinedHostNanos()) / 1_000_000_000L));
        }
        return list;
    }

    /** Connections refused so far (bad HELLOs, frames before HELLO, claims of another id). */
    public long protocolViolations() {
        return protocolViolations;
    }

    private void refuse(Channel channel, long requestId, ErrorCode code, String text, String why) {
        protocolViolations++;
        ctx.metrics.connectionClosed(why);
        refusedLog.warn("event=connection_refused why={} remote={} text=\"{}\"", why, channel.remoteAddress(), text);
        ctx.send(channel, new Message.ErrorMessage(requestId, code, text));
        channel.close();
    }
}
