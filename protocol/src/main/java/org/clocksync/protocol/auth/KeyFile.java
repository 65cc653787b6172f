package org.clocksync.protocol.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a cluster key file (format in SECURITY.md): one key per line, {@code ID HEX} or {@code ID HEX accept}, or a
 * single bare {@code HEX} line meaning key 1; blank lines and {@code #} comments are ignored. Like ssh with a private
 * key, it refuses a file that group or others may read or write.
 */
public final class KeyFile {
    static final long MAX_FILE_BYTES = 64 * 1024;

    private KeyFile() {
    }

    public static KeyRing load(Path path) throws KeyFileException {
        checkPrivate(path, "key file", "anyone on this host could join the cluster");
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new KeyFileException("key file " + path + " is larger than " + MAX_FILE_BYTES
                        + " bytes; it should hold a few lines of hex");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("key file " + path + " does not exist (--key-file)");
        } catch (IOException e) {
            throw new KeyFileException("cannot read key file " + path + ": " + e.getMessage());
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), path.toString());
    }

    /** Parses key file text; {@code source} names the file in messages. */
    public static KeyRing parse(String text, String source) throws KeyFileException {
        List<ClusterKey> keys = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            String[] fields = line.split("\\s+");
            try {
                if (fields.length == 1) {
                    keys.add(new ClusterKey(1, hex(fields[0], where), true));
                } else if (fields.length == 2 || fields.length == 3) {
                    boolean signing = true;
                    if (fields.length == 3) {
                        if (!"accept".equals(fields[2].toLowerCase(Locale.ROOT))) {
                            throw new KeyFileException(where + ": the third field may only be 'accept', got '"
                                    + fields[2] + "'");
                        }
                        signing = false;
                    }
                    keys.add(new ClusterKey(id(fields[0], where), hex(fields[1], where), signing));
                } else {
                    throw new KeyFileException(where + ": expected 'ID HEX' or 'ID HEX accept', got "
                            + fields.length + " fields");
                }
            } catch (IllegalArgumentException e) {
                throw new KeyFileException(where + ": " + e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new KeyFileException("key file " + source + " holds no key; write one line of 64 hex digits,"
                    + " e.g. from 'openssl rand -hex 32'");
        }
        try {
            return new KeyRing(keys);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("key file " + source + ": " + e.getMessage());
        }
    }

    private static int id(String text, String where) throws KeyFileException {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            // A long first field is most likely the key itself ("HEX accept"): never echo it.
            String shown = text.length() <= 8 ? "'" + text + "' " : "(a " + text.length() + "-character field) ";
            throw new KeyFileException(where + ": key id " + shown + "is not a number between " + ClusterKey.MIN_ID
                    + " and " + ClusterKey.MAX_ID + "; a key alone on its line is key 1, 'accept' needs an id"
                    + " ('ID HEX accept')");
        }
    }

    private static byte[] hex(String text, String where) throws KeyFileException {
        if (text.length() % 2 != 0) {
            throw new KeyFileException(where + ": the key has an odd number of hex digits");
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            // The text is a secret: say what is wrong without echoing it.
            throw new KeyFileException(where + ": the key is not hex (only 0-9, a-f and A-F are allowed)");
        }
    }

    /**
     * Refuses a secret file that group or others may read or write, as ssh refuses such private keys; {@code what}
     * names the file in the message, {@code risk} says what a reader could do. Does nothing where the file system has
     * no POSIX permissions.
     */
    public static void checkPrivate(Path path, String what, String risk) throws KeyFileException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null || !Files.exists(path)) {
            return;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = view.readAttributes().permissions();
        } catch (IOException e) {
            throw new KeyFileException("cannot read the permissions of " + what + " " + path + ": " + e.getMessage());
        }
        for (PosixFilePermission p : perms) {
            String name = p.name();
            if (name.startsWith("GROUP_") || name.startsWith("OTHERS_")) {
                throw new KeyFileException(what + " " + path + " has permissions "
                        + PosixFilePermissions.toString(perms) + ": it must not be accessible by group or others,"
                        + " or " + risk + "; run 'chmod 600 " + path + "'");
            }
        }
    }
}
