package org.clocksync.node.log;

/**
 * Makes text a peer chose safe for a log line: control characters (a newline would forge a whole line), quotes and
 * Unicode format characters (a right-to-left override would reorder what a reader sees) become \\uXXXX escapes.
 */
public final class LogText {
    private LogText() {
    }

    public static String of(String peerText) {
        if (peerText == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < peerText.length(); i++) {
            char c = peerText.charAt(i);
            boolean unsafe = Character.isISOControl(c) || c == '"' || c == '\\'
                    || Character.getType(c) == Character.FORMAT;
            if (unsafe && out == null) {
                out = new StringBuilder(peerText.length() + 16).append(peerText, 0, i);
            }
            if (out != null) {
                if (unsafe) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? peerText : out.toString();
    }
}
