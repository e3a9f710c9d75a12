package io.mlgate.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChannelOpener} for tests: real file channels wrapped so a test can record operations, make writes or
 * fsyncs of the {@code .jsonl} segments fail, hold such an fsync until released, make writes of the closer's
 * {@code .jsonl.gz.tmp} files fail, and hold the closer when it opens one.
 */
final class HookedChannels implements ChannelOpener {

    final List<String> ops = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger segmentForces = new AtomicInteger();
    volatile boolean failWrites;
    volatile boolean failForces;
    /** Writes to {@code .jsonl.gz.tmp} files (the closer's compression output) fail. */
    volatile boolean failTmpWrites;
    private volatile CountDownLatch tmpGate;
    private final CountDownLatch tmpEntered = new CountDownLatch(1);
    private volatile CountDownLatch forceGate;
    private final CountDownLatch forceEntered = new CountDownLatch(1);

    private volatile CountDownLatch writeGate;
    private final CountDownLatch writeEntered = new CountDownLatch(1);

    /** The next segment write blocks until {@link #releaseWrites()}: the writer thread stalls. */
    void holdWrites() {
        writeGate = new CountDownLatch(1);
    }

    void releaseWrites() {
        CountDownLatch g = writeGate;
        writeGate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits until the writer is inside a held write. */
    void awaitWriteEntered() throws InterruptedException {
        if (!writeEntered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("writer never wrote");
        }
    }

    /** The next segment fsync blocks until {@link #releaseForce()}. */
    void holdForces() {
        forceGate = new CountDownLatch(1);
    }

    void releaseForce() {
        CountDownLatch g = forceGate;
        forceGate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** The closer blocks when it next opens a {@code .tmp} file, until {@link #releaseTmp()}. */
    void holdTmp() {
        tmpGate = new CountDownLatch(1);
    }

    void releaseTmp() {
        CountDownLatch g = tmpGate;
        tmpGate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits until the closer is blocked opening a {@code .tmp} file. */
    void awaitTmpEntered() throws InterruptedException {
        if (!tmpEntered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("closer never opened a .tmp file");
        }
    }

    /** Waits until the writer is inside a held fsync. */
    void awaitForceEntered() throws InterruptedException {
        if (!forceEntered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("writer never reached fsync");
        }
    }

    /** Operations on segment files only (not the directory). */
    List<String> segmentOps() {
        synchronized (ops) {
            return ops.stream().filter(o -> o.contains("events-")).toList();
        }
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        String name = path.getFileName().toString();
        boolean segment = name.startsWith("events-") && name.endsWith(".jsonl");
        boolean tmp = name.endsWith(".tmp");
        ops.add("open:" + name);
        if (tmp) {
            CountDownLatch gate = tmpGate;
            if (gate != null) {
                tmpEntered.countDown();
                try {
                    gate.await(15, TimeUnit.SECONDS); // bounded, so a failing test cannot hang the build
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        }
        return new Hooked(FileChannel.open(path, options), name, segment, tmp);
    }

    private final class Hooked extends FileChannel {
        private final FileChannel d;
        private final String name;
        private final boolean segment;
        private final boolean tmp;

        Hooked(FileChannel d, String name, boolean segment, boolean tmp) {
            this.d = d;
            this.name = name;
            this.segment = segment;
            this.tmp = tmp;
        }

        private void checkWrite() throws IOException {
            CountDownLatch gate = writeGate;
            if (segment && gate != null) {
                writeEntered.countDown();
                try {
                    gate.await(15, TimeUnit.SECONDS); // bounded, so a failing test cannot hang the build
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (segment && failWrites) {
                throw new IOException("injected write failure");
            }
            if (tmp && failTmpWrites) {
                throw new IOException("injected compression write failure");
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            checkWrite();
            return d.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            checkWrite();
            return d.write(srcs, offset, length);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            checkWrite();
            return d.write(src, position);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            ops.add("force:" + name);
            if (segment) {
                CountDownLatch gate = forceGate;
                if (gate != null) {
                    forceEntered.countDown();
                    try {
                        // bounded, so a failing assertion that skips releaseForce() cannot hang the build
                        gate.await(15, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                if (failForces) {
                    throw new IOException("injected fsync failure");
                }
                segmentForces.incrementAndGet();
            }
            d.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return d.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            d.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            checkWrite();
            return d.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return d.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return d.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            ops.add("close:" + name);
            d.close();
        }
    }
}
