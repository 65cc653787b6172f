package org.clocksync.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Key files: the three line forms, comments, every refusal and its message, and that no message shows a secret. */
class KeyFileTest {
    /** Distinct, recognisable 32-byte secrets; messages and descriptions must never contain them. */
    private static final String HEX_A = "a0".repeat(16) + "0123456789abcdef".repeat(2);
    private static final String HEX_B = "b1".repeat(16) + "fedcba9876543210".repeat(2);
    private static final String HEX_C = "c2".repeat(48);

    @TempDir
    Path dir;

    @Test
    void aBareHexLineIsSigningKeyOne() throws Exception {
        KeyRing ring = KeyFile.parse(HEX_A + "\n", "k");
        assertThat(ring.keys()).hasSize(1);
        assertThat(ring.signingKey().id()).isEqualTo(1);
        assertThat(ring.signingKey().signing()).isTrue();
        assertThat(ring.key(1)).isSameAs(ring.signingKey());
        assertThat(ring.describe()).isEqualTo("1");
        assertThat(KeyFile.parse(HEX_A.toUpperCase(), "k").describe()).as("upper-case hex, no final newline").isEqualTo("1");
    }

    @Test
    void idHexLinesSignWithTheHighestId() throws Exception {
        KeyRing ring = KeyFile.parse("7 " + HEX_B + "\n3\t" + HEX_A + "\n", "k");
        assertThat(ring.keys()).extracting(ClusterKey::id).containsExactly(3, 7);
        assertThat(ring.signingKey().id()).isEqualTo(7);
        assertThat(ring.key(3)).isNotNull();
        assertThat(ring.key(4)).isNull();
        assertThat(ring.key(0)).isNull();
        assertThat(ring.key(256)).isNull();
        assertThat(ring.describe()).isEqualTo("3,7");
        assertThat(KeyFile.parse("255 " + HEX_C, "k").signingKey().id()).isEqualTo(255);
        assertThat(KeyFile.parse("1 " + "0f".repeat(64), "k").signingKey().id()).as("a 64-byte key").isEqualTo(1);
    }

    @Test
    void acceptMarksAKeyAcceptOnly() throws Exception {
        KeyRing ring = KeyFile.parse("1 " + HEX_A + "\n2 " + HEX_B + " accept\n", "k");
        assertThat(ring.signingKey().id()).as("key 2 is newer but accept-only").isEqualTo(1);
        assertThat(ring.key(2).signing()).isFalse();
        assertThat(ring.describe()).isEqualTo("1,2(accept)");
        assertThat(ring.key(2)).hasToString("key 2 (accept only)");
        assertThat(KeyFile.parse("1 " + HEX_A + "\n2 " + HEX_B + " ACCEPT", "k").key(2).signing()).isFalse();
    }

    @Test
    void commentsBlankLinesCrlfAndIndentationAreIgnored() throws Exception {
        String text = "# cluster key, rotated 2024-05-01\r\n\r\n   \r\n  # old key below\r\n  1 " + HEX_A
                + "  \r\n\t2   " + HEX_B + "\taccept\r\n# end\r\n";
        KeyRing ring = KeyFile.parse(text, "k");
        assertThat(ring.describe()).isEqualTo("1,2(accept)");
        assertThat(ring.signingKey().id()).isEqualTo(1);
    }

    @Test
    void theSameSecretGivesTheSameTagsWhateverTheLineForm() throws Exception {
        ClusterKey bare = KeyFile.parse(HEX_A, "k").key(1);
        ClusterKey numbered = KeyFile.parse("1 " + HEX_A, "k").key(1);
        assertThat(bare.sameSecret(numbered)).isTrue();
        assertThat(bare.sameSecret(KeyFile.parse(HEX_B, "k").key(1))).isFalse();
    }

    @Test
    void anOddNumberOfDigitsIsRefused() {
        assertRefused("# comment\n" + HEX_A + "f\n").contains("k line 2", "odd number of hex digits");
    }

    @Test
    void nonHexIsRefusedWithoutEchoingTheSecret() {
        String secret = HEX_A.substring(0, 60) + "zz" + HEX_A.substring(62);
        assertRefused("1 " + secret).contains("k line 1", "the key is not hex").doesNotContain(secret, HEX_A.substring(0, 16));
        assertRefused(secret).contains("not hex").doesNotContain(secret.substring(0, 16));
    }

    @Test
    void aShortOrLongKeyIsRefusedWithTheRequiredLength() {
        assertRefused("ab".repeat(31)).contains("k line 1", "key 1 is 31 bytes", "32 to 64 bytes", "64 to 128 hex digits",
                "openssl rand -hex 32");
        assertRefused("2 " + "ab".repeat(65)).contains("key 2 is 65 bytes");
        assertRefused("2 " + "ab".repeat(31)).doesNotContain("ab".repeat(31));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "256", "-1", "99999999999"})
    void anIdOutOfRangeIsRefused(String id) {
        assertRefused(id + " " + HEX_A).contains("k line 1").contains("between 1 and 255").doesNotContain(HEX_A);
    }

    @Test
    void aNonNumericIdIsRefused() {
        assertRefused("one " + HEX_A).contains("key id 'one' is not a number between 1 and 255").doesNotContain(HEX_A);
    }

    @Test
    void aDuplicateIdIsRefused() {
        assertRefused("1 " + HEX_A + "\n1 " + HEX_B).contains("key file k", "key id 1 is listed twice").doesNotContain(HEX_A, HEX_B);
        assertRefused(HEX_A + "\n" + HEX_B).as("two bare lines are both key 1").contains("key id 1 is listed twice");
    }

    @Test
    void aRingOfAcceptOnlyKeysIsRefused() {
        assertRefused("1 " + HEX_A + " accept\n2 " + HEX_B + " accept").contains("every key is marked accept-only",
                "at least one key must be for signing");
    }

    @Test
    void aBadThirdOrFourthFieldIsRefused() {
        assertRefused("1 " + HEX_A + " sign").contains("the third field may only be 'accept', got 'sign'").doesNotContain(HEX_A);
        assertRefused("1 " + HEX_A + " accept # old").contains("expected 'ID HEX' or 'ID HEX accept', got 5 fields")
                .doesNotContain(HEX_A);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment\n", "   \n\t\n# x"})
    void aFileWithoutAKeyIsRefused(String text) {
        assertRefused(text).contains("key file k holds no key", "openssl rand -hex 32");
    }

    @Test
    void aMissingFileIsRefused() {
        Path missing = dir.resolve("nope.key");
        assertThatThrownBy(() -> KeyFile.load(missing)).isInstanceOf(KeyFileException.class)
                .hasMessage("key file " + missing + " does not exist (--key-file)");
    }

    @Test
    void aFileOnlyItsOwnerMayReadIsLoaded() throws Exception {
        Path file = write("cluster.key", "# test\n1 " + HEX_A + "\n2 " + HEX_B + " accept\n", "rw-------");
        KeyRing ring = KeyFile.load(file);
        assertThat(ring.describe()).isEqualTo("1,2(accept)");
        assertThat(KeyFile.load(write("ro.key", HEX_C, "r--------")).describe()).isEqualTo("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw-----w-", "rw----r--", "rw--w----", "rwx---r-x", "r--r-----"})
    void aFileThatGroupOrOthersMayAccessIsRefusedWithAChmodHint(String perms) throws Exception {
        Path file = write("cluster.key", HEX_A, perms);
        assertThatThrownBy(() -> KeyFile.load(file)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("key file " + file + " has permissions " + perms)
                .hasMessageContaining("must not be accessible by group or others")
                .hasMessageContaining("chmod 600 " + file)
                .hasMessageNotContaining(HEX_A);
    }

    @Test
    void aFileLargerThan64KiBIsRefused() throws Exception {
        Path file = write("big.key", "#".repeat((int) KeyFile.MAX_FILE_BYTES) + "\n" + HEX_A, "rw-------");
        assertThatThrownBy(() -> KeyFile.load(file)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("is larger than 65536 bytes");
    }

    @Test
    void describeAndToStringNeverShowASecret() throws Exception {
        KeyRing ring = KeyFile.parse("1 " + HEX_A + "\n2 " + HEX_B + "\n3 " + HEX_C + " accept", "k");
        String all = ring.describe() + ring.keys() + ring.signingKey() + ring.key(3);
        assertThat(all).isEqualTo("1,2,3(accept)[key 1, key 2, key 3 (accept only)]key 2key 3 (accept only)");
        for (String hex : new String[] {HEX_A, HEX_B, HEX_C}) {
            assertThat(all).doesNotContainIgnoringCase(hex.substring(0, 8)).doesNotContainIgnoringCase(hex.substring(40, 48));
        }
        byte[] secret = HexFormat.of().parseHex(HEX_A);
        assertThat(all).doesNotContain(new String(secret, StandardCharsets.ISO_8859_1));
    }

    @Test
    void clusterKeyChecksItsArguments() {
        byte[] secret = new byte[ClusterKey.MIN_SECRET_BYTES];
        assertThatThrownBy(() -> new ClusterKey(0, secret, true)).hasMessage("key id must be between 1 and 255, got 0");
        assertThatThrownBy(() -> new ClusterKey(256, secret, true)).hasMessageContaining("got 256");
        assertThatThrownBy(() -> new ClusterKey(1, new byte[65], true)).hasMessageContaining("key 1 is 65 bytes");
        ClusterKey key = new ClusterKey(1, secret, true);
        secret[0] = 1;
        assertThat(key.sameSecret(new ClusterKey(2, new byte[32], false))).as("the key keeps its own copy").isTrue();
    }

    /**
     * Main-code bug: a line of two fields is read as {@code ID HEX}, so a bare key followed by a word (an 'accept' that
     * belongs to the numbered form, or a note without '#') puts the secret in the "key id '...' is not a number"
     * message, which the daemon prints at startup. Enable once KeyFile.id stops echoing a non-numeric id.
     */
    @Test
    void aBareKeyFollowedByAWordDoesNotEchoTheSecret() {
        assertRefused(HEX_A + " accept").doesNotContain(HEX_A);
        assertRefused(HEX_A + " production").doesNotContain(HEX_A);
    }

    private static AbstractStringAssert<?> assertRefused(String text) {
        return assertThatThrownBy(() -> KeyFile.parse(text, "k")).isInstanceOf(KeyFileException.class).message();
    }

    private Path write(String name, String text, String perms) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        return file;
    }
}
