package org.clocksync.it;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the modules, checked on the main classes of every module (this module's tests depend on all of
 * them): protocol and core know nothing of the daemons; core is sans-IO (no sockets, threads or clock reads); the
 * protocol uses Netty only as a codec; and no two packages depend on each other, directly or around a cycle.
 */
class ArchitectureTest {
    private static final String[] DAEMON_PACKAGES = {"org.clocksync.node..", "org.clocksync.master..",
            "org.clocksync.slave..", "org.clocksync.clockctl..", "org.clocksync.simulator.."};

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.clocksync");
    }

    @Test
    void everyModuleIsImported() {
        // The rules below pass on nothing at all; this makes sure they saw every module's classes.
        assertThat(mainClasses.stream().map(JavaClass::getPackageName).map(ArchitectureTest::root))
                .contains("org.clocksync.protocol", "org.clocksync.core", "org.clocksync.simulator",
                        "org.clocksync.node", "org.clocksync.master", "org.clocksync.slave", "org.clocksync.clockctl");
        assertThat(mainClasses.stream().map(JavaClass::getPackageName))
                .as("test classes are left out").doesNotContain("org.clocksync.it");
    }

    @Test
    void protocolAndCoreKnowNothingOfTheDaemons() {
        noClasses().that().resideInAnyPackage("org.clocksync.core..", "org.clocksync.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage(DAEMON_PACKAGES)
                .check(mainClasses);
    }

    /**
     * The modules' dependencies point one way: protocol, core, simulator; node; the two daemons. clockctl is a client
     * of the daemons over the wire, so it uses protocol, core and the simulator, never the daemon runtime.
     */
    @Test
    void modulesDependOneWay() {
        noClasses().that().resideInAPackage("org.clocksync.simulator..")
                .should().dependOnClassesThat().resideInAnyPackage("org.clocksync.node..", "org.clocksync.master..",
                        "org.clocksync.slave..", "org.clocksync.clockctl..")
                .check(mainClasses);
        noClasses().that().resideInAPackage("org.clocksync.node..")
                .should().dependOnClassesThat().resideInAnyPackage("org.clocksync.master..", "org.clocksync.slave..",
                        "org.clocksync.clockctl..", "org.clocksync.simulator..")
                .check(mainClasses);
        noClasses().that().resideInAPackage("org.clocksync.clockctl..")
                .should().dependOnClassesThat().resideInAnyPackage("org.clocksync.node..", "org.clocksync.master..",
                        "org.clocksync.slave..")
                .check(mainClasses);
        noClasses().that().resideInAnyPackage("org.clocksync.master..", "org.clocksync.slave..")
                .should().dependOnClassesThat().resideInAnyPackage("org.clocksync.clockctl..",
                        "org.clocksync.simulator..")
                .check(mainClasses);
    }

    @Test
    void coreUsesNoNetty() {
        noClasses().that().resideInAPackage("org.clocksync.core..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .because("core holds sans-IO state machines; the node module does the networking")
                .check(mainClasses);
    }

    /**
     * The protocol module is the wire format: its FrameEncoder and FrameDecoder are Netty codec handlers, so they need
     * buffers, the codec base classes, attribute keys and reference counting, and the handler context they are called
     * with (through which they read the connection's attributes and address for their logs); TlsContexts builds the
     * cluster's TLS contexts (io.netty.handler.ssl), which the daemons and clockctl share. Anything that opens,
     * owns or schedules connections (channels, event loops, bootstraps, sockets) belongs to the node module.
     */
    @Test
    void protocolUsesNettyOnlyAsACodec() {
        DescribedPredicate<JavaClass> codecApi = resideInAnyPackage("io.netty.buffer..", "io.netty.handler.codec..",
                "io.netty.handler.ssl..", "io.netty.util..")
                .or(describe("io.netty.channel.ChannelHandlerContext or ChannelHandler* (@Sharable too)",
                        c -> c.getName().startsWith("io.netty.channel.ChannelHandler")));
        classes().that().resideInAPackage("org.clocksync.protocol..")
                .should(notDependOnNettyBeyond(codecApi))
                .check(mainClasses);
    }

    @Test
    void coreReadsNoClockAndOpensNothing() {
        ArchRule noIo = noClasses().that().resideInAPackage("org.clocksync.core..")
                .should().dependOnClassesThat(resideInAnyPackage("java.net..", "java.nio.channels..")
                        .or(describe("java.io.File", c -> c.getName().equals("java.io.File")))
                        .or(describe("java.lang.Thread", c -> c.getName().equals("java.lang.Thread")))
                        .or(describe("an executor", c -> EXECUTORS.contains(c.getName()))))
                .because("core is sans-IO: input and a time in, actions out; the node does sockets, files and threads");
        ArchRule noClockReads = noClasses().that().resideInAPackage("org.clocksync.core..")
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethodWhere(describe("Instant.now(..)", (JavaMethodCall call) ->
                        call.getTargetOwner().isEquivalentTo(Instant.class) && call.getName().equals("now")))
                .because("core is given nowNanos with every input, so the simulators can run it on virtual time");
        noIo.check(mainClasses);
        noClockReads.check(mainClasses);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.clocksync.(**)").should().beFreeOfCycles().check(mainClasses);
    }

    private static final Set<String> EXECUTORS = Set.of("java.util.concurrent.Executor",
            "java.util.concurrent.ExecutorService", "java.util.concurrent.ScheduledExecutorService",
            "java.util.concurrent.Executors");

    /** Violated by each dependency on a Netty class outside {@code allowed}, but for reads of a handler's channel. */
    private static ArchCondition<JavaClass> notDependOnNettyBeyond(DescribedPredicate<JavaClass> allowed) {
        DescribedPredicate<JavaClass> forbidden = resideInAPackage("io.netty..").and(DescribedPredicate.not(allowed));
        return new ArchCondition<>("not depend on Netty classes other than " + allowed.getDescription()) {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    if (forbidden.test(d.getTargetClass()) && !readsHandlerConnection(d)) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }

    /**
     * A codec reads the connection it handles through its context ({@code ctx.channel().attr(..)},
     * {@code ctx.channel().remoteAddress()}); that is reading, not owning, a channel.
     */
    private static boolean readsHandlerConnection(Dependency d) {
        return d.getTargetClass().getName().equals("io.netty.channel.Channel")
                && d.getDescription().contains("calls method <io.netty.channel.Channel.")
                && (d.getDescription().contains("Channel.attr(") || d.getDescription().contains("Channel.remoteAddress("));
    }

    private static String root(String packageName) {
        String[] parts = packageName.split("\\.");
        return parts.length < 3 ? packageName : parts[0] + "." + parts[1] + "." + parts[2];
    }
}
