package org.clocksync.protocol.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The keys a node holds, by id. Frames signed with any of them are accepted; this node signs with the newest (highest
 * id) key not marked accept-only, so a rotation is: add the new key as accept-only everywhere, then make it signing
 * everywhere, then remove the old key (SECURITY.md). Immutable.
 */
public final class KeyRing {
    private final ClusterKey[] byId = new ClusterKey[ClusterKey.MAX_ID + 1];
    private final List<ClusterKey> keys;
    private final ClusterKey signingKey;

    public KeyRing(List<ClusterKey> keys) {
        ClusterKey newest = null;
        List<ClusterKey> sorted = new ArrayList<>();
        for (ClusterKey k : keys) {
            if (byId[k.id()] != null) {
                throw new IllegalArgumentException("key id " + k.id() + " is listed twice; give every key its own id");
            }
            byId[k.id()] = k;
        }
        for (ClusterKey k : byId) {
            if (k != null) {
                sorted.add(k);
                if (k.signing()) {
                    newest = k;
                }
            }
        }
        if (newest == null) {
            throw new IllegalArgumentException(keys.isEmpty() ? "no key" : "every key is marked accept-only; at least"
                    + " one key must be for signing");
        }
        this.keys = Collections.unmodifiableList(sorted);
        this.signingKey = newest;
    }

    /** The key this node signs with. */
    public ClusterKey signingKey() {
        return signingKey;
    }

    /** The key with this id, or null when this node does not hold it. */
    public ClusterKey key(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    /** Every key, by ascending id. */
    public List<ClusterKey> keys() {
        return keys;
    }

    /** The key ids, e.g. "1,2(accept)", for logs and /status (never the secrets). */
    public String describe() {
        StringBuilder s = new StringBuilder();
        for (ClusterKey k : keys) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(k.id());
            if (!k.signing()) {
                s.append("(accept)");
            }
        }
        return s.toString();
    }
}
