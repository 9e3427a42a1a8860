package org.syncready.agent.configapply;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The applied configuration on the box's disk: {@code current.json} (the desired document running now)
 * and {@code previous.json} (the one before it, the rollback target). Every write is temp file, fsync,
 * rename, fsync of the folder, so a power cut leaves either the old or the new file, never half of one.
 */
final class ConfigFiles {
    private final Path dir;

    ConfigFiles(Path dir) {
        this.dir = dir;
    }

    Path current() {
        return dir.resolve("current.json");
    }

    Path previous() {
        return dir.resolve("previous.json");
    }

    Optional<byte[]> readCurrent() throws IOException {
        return Files.isRegularFile(current()) ? Optional.of(Files.readAllBytes(current())) : Optional.empty();
    }

    /** Makes {@code payload} current; the old current becomes previous. */
    void install(byte[] payload) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("current.json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(payload));
            ch.force(true);
        }
        if (Files.exists(current())) {
            move(current(), previous());
        }
        move(tmp, current());
        syncDir();
    }

    /** Puts previous back as current (or removes current when there was none before). */
    void restorePrevious(boolean hadPrevious) throws IOException {
        if (hadPrevious && Files.exists(previous())) {
            move(previous(), current());
        } else {
            Files.deleteIfExists(current());
        }
        syncDir();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void syncDir() {
        // Makes the renames durable on Linux; some platforms cannot open a folder, which only costs durability.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // best effort
        }
    }
}
