package org.clocksync.node.runtime;

import io.micrometer.core.instrument.Counter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.clocksync.core.logical.TraceEvent;
import org.clocksync.core.logical.TraceFormat;
import org.clocksync.node.metrics.DaemonMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes trace events to the --trace file without ever blocking the event loop: {@link #offer} only puts the event
 * in a bounded queue, and one background thread formats, writes and flushes (when the queue runs dry, and at least
 * every {@value #FLUSH_MILLIS} ms).
 *
 * <p>When the queue is full or the next event would take the file past its size cap, tracing stops for good with
 * one warning: every later event is dropped. The file is then a complete prefix of the node's events, which is what
 * ShiViz needs (a node's events numbered 1, 2, 3, ... without a gap), so it stays loadable.
 */
final class TraceWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TraceWriter.class);
    static final int QUEUE_CAPACITY = 65_536;
    static final long FLUSH_MILLIS = 200;

    private final Path file;
    private final long maxBytes;
    private final BlockingQueue<TraceEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Writer out;
    private final Thread thread;
    private final Counter written;
    private final Counter dropped;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean closing;
    /** Bytes written so far; touched only by the writer thread. */
    private long bytes;
    /** The size cap was hit: nothing more is written, even what the event loop queued in the meantime. */
    private boolean capped;

    private TraceWriter(Path file, long maxBytes, Writer out, DaemonMetrics metrics) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.out = out;
        this.written = metrics.counter("clocksync.trace.events", "Trace events by what became of them: written to"
                + " the --trace file, or dropped once tracing stopped", "result", "written");
        this.dropped = metrics.counter("clocksync.trace.events", "Trace events by what became of them: written to"
                + " the --trace file, or dropped once tracing stopped", "result", "dropped");
        this.thread = new Thread(this::run, "clocksync-trace-writer");
        thread.setDaemon(true);
    }

    /** Creates (or empties) {@code file} and starts the writer thread; IllegalStateException says why it cannot. */
    static TraceWriter open(Path file, long maxBytes, DaemonMetrics metrics) {
        Writer out;
        try {
            out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 64 * 1024);
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("cannot write the trace file " + file + " (--trace): "
                    + e.getClass().getSimpleName() + " " + e.getMessage() + "; check that its directory exists and is"
                    + " writable");
        }
        TraceWriter w = new TraceWriter(file, maxBytes, out, metrics);
        w.thread.start();
        return w;
    }

    /** Whether events are still taken; false for good once tracing stopped. */
    boolean accepting() {
        return !stopped.get();
    }

    /** Queues one event; never blocks. */
    void offer(TraceEvent event) {
        if (stopped.get()) {
            dropped.increment();
            return;
        }
        if (!queue.offer(event)) {
            dropped.increment();
            stop("its queue of " + QUEUE_CAPACITY + " events is full (the disk is slower than the events)");
        }
    }

    private void stop(String why) {
        if (stopped.compareAndSet(false, true)) {
            LOG.warn("event=trace_stopped file={} events={} bytes={} why=\"{}\" note=\"the file holds every event up"
                    + " to here and stays loadable; later events are not traced\"", file, (long) written.count(), bytes, why);
        }
    }

    private void run() {
        long lastFlushNanos = System.nanoTime();
        try {
            while (true) {
                TraceEvent e = queue.poll(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
                if (e != null) {
                    write(e);
                }
                if (e == null || queue.isEmpty() || System.nanoTime() - lastFlushNanos > FLUSH_MILLIS * 1_000_000L) {
                    out.flush();
                    lastFlushNanos = System.nanoTime();
                }
                if (e == null && closing) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            stop("writing failed: " + e.getMessage());
        }
    }

    private void write(TraceEvent e) throws IOException {
        if (capped) {
            dropped.increment();
            return;
        }
        String text = TraceFormat.format(e);
        long eventBytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes + eventBytes > maxBytes) {
            capped = true;
            stop("the file reached its size cap of " + maxBytes / (1024 * 1024) + " MiB (--trace-max-mb)");
            dropped.increment();
            return;
        }
        out.write(text);
        bytes += eventBytes;
        written.increment();
    }

    /** Stops taking events, writes what is queued, flushes and closes the file; waits at most a few seconds. */
    @Override
    public void close() {
        closing = true;
        boolean wasStopped = !stopped.compareAndSet(false, true);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("event=trace_close_failed file={} error=\"{}\"", file, e.getMessage());
        }
        LOG.info("event=trace_closed file={} events={} bytes={}{}", file, (long) written.count(), bytes,
                wasStopped ? " note=\"tracing had stopped early, see trace_stopped\"" : "");
    }
}
