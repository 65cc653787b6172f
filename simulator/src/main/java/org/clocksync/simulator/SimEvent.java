package org.clocksync.simulator;

import org.clocksync.protocol.Message;

/** The things that can happen at an instant of virtual time; the simulator's queue holds nothing else. */
sealed interface SimEvent {
    /** The node's process starts for the first time. */
    record Start(int nodeId) implements SimEvent {
    }

    /** The node's periodic timer; ignored if the node crashed or restarted since it was set. */
    record Tick(int nodeId, long incarnation) implements SimEvent {
    }

    /** A message arrives; lost if the destination crashed or restarted since it was sent. */
    record Deliver(int fromId, int toId, long toIncarnation, Message message) implements SimEvent {
    }

    /** The node stops: it receives nothing and sends nothing. */
    record Crash(int nodeId) implements SimEvent {
    }

    /** The node starts again with fresh process state and a fresh service clock on the same hardware clock. */
    record Restart(int nodeId) implements SimEvent {
    }
}
