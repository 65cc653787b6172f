package org.clocksync.simulator;

import java.util.List;
import org.clocksync.core.Action;
import org.clocksync.protocol.Message;

/** One node's program as the simulator drives it: the same inputs a daemon's event loop feeds a core state machine. */
public interface SimProcess {
    /** The node (re)started: fresh state; may send hellos. */
    List<Action> onStart(long hostNanos);

    /** A message from {@code fromId} arrived. */
    List<Action> onMessage(int fromId, Message message, long hostNanos);

    /** The node's periodic timer fired. */
    List<Action> onTick(long hostNanos);
}
