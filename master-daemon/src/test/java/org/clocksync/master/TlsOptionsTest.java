package org.clocksync.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.clocksync.node.DaemonLauncher;
import org.clocksync.node.TestPki;
import org.clocksync.node.config.DaemonOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad --tls-* options: one clear line and a non-zero exit, before anything listens. */
@Timeout(60) // a daemon that wrongly started would block in DaemonLauncher.run; the timeout interrupts it
class TlsOptionsTest {
    @TempDir
    Path dir;

    private static DaemonOptions parse(String... args) {
        DaemonOptions o = new DaemonOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    /** Runs master-daemon with {@code args}; returns the exit code and what it printed on stderr. */
    private static String[] run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = DaemonLauncher.execute(new MasterDaemon(), args);
        } finally {
            System.setErr(err);
        }
        return new String[] {String.valueOf(code), captured.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void allThreeOrNone() throws Exception {
        TestPki.NodeFiles f = TestPki.ca(dir, "c").issue("n");
        assertThat(parse("--id", "1", "--tls-cert", f.cert().toString()).problem())
                .isEqualTo("TLS needs all of --tls-cert, --tls-key and --tls-ca (mutual authentication), got 1 of"
                        + " them");
        assertThat(parse("--id", "1", "--tls-cert", f.cert().toString(), "--tls-ca", f.ca().toString()).problem())
                .endsWith("got 2 of them");
        assertThat(parse("--id", "1", "--tls-cert", f.cert().toString(), "--tls-key", f.key().toString(),
                "--tls-ca", f.ca().toString()).problem()).isNull();
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        TestPki.NodeFiles f = TestPki.ca(dir, "c").issue("n");
        Path missing = dir.resolve("nope.pem");
        assertThat(parse("--id", "1", "--tls-cert", f.cert().toString(), "--tls-key", missing.toString(),
                "--tls-ca", f.ca().toString()).problem()).isEqualTo("cannot read " + missing + " (no such file)");

        String[] out = run("--id", "1", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--tls-cert",
                f.cert().toString(), "--tls-key", f.key().toString(), "--tls-ca", missing.toString());
        assertThat(out[0]).isEqualTo("2");
        assertThat(out[1]).startsWith("master-daemon: cannot read " + missing + " (no such file)\n");
    }

    @Test
    void aPrivateKeyOthersMayReadIsRefused() throws Exception {
        TestPki.NodeFiles f = TestPki.ca(dir, "c").issue("n");
        Files.setPosixFilePermissions(f.key(), PosixFilePermissions.fromString("rw-r--r--"));
        String[] out = run("--id", "1", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--tls-cert",
                f.cert().toString(), "--tls-key", f.key().toString(), "--tls-ca", f.ca().toString());
        assertThat(out[0]).isEqualTo("2");
        assertThat(out[1]).startsWith("master-daemon: --tls-key " + f.key() + " has permissions rw-r--r--")
                .contains("chmod 600");
    }

    @Test
    void aFileThatIsNotPemIsOneLineAndExitCodeOne() throws Exception {
        TestPki.NodeFiles f = TestPki.ca(dir, "c").issue("n");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        // Private as a key must be, so that only the content is wrong.
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(f.cert(), PosixFilePermissions.fromString("rw-------"));
        for (String[] swap : new String[][] {{"--tls-cert", junk.toString(), "--tls-key", f.key().toString()},
            {"--tls-cert", f.cert().toString(), "--tls-key", junk.toString()},
            {"--tls-cert", f.key().toString(), "--tls-key", f.cert().toString()}}) {
            String[] out = run("--id", "1", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--warmup", "0",
                    swap[0], swap[1], swap[2], swap[3], "--tls-ca", f.ca().toString());
            assertThat(out[0]).as("exit code for %s %s", swap[1], swap[3]).isEqualTo("1");
            assertThat(out[1]).as("stderr").startsWith("master-daemon: cannot set up TLS from --tls-cert ")
                    .contains("(PEM files: an X.509 certificate, its PKCS#8 private key, and the CA certificate)")
                    .hasLineCount(1);
            System.out.println("bad TLS file: " + out[1].trim());
        }
        String[] out = run("--id", "1", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--warmup", "0",
                "--tls-cert", f.cert().toString(), "--tls-key", f.key().toString(), "--tls-ca", junk.toString());
        assertThat(out[0]).isEqualTo("1");
        assertThat(out[1]).startsWith("master-daemon: cannot set up TLS").hasLineCount(1);
        System.out.println("bad TLS CA: " + out[1].trim());
    }
}
