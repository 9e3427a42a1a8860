package org.syncready.controller.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free space where a folder lives; a test passes its own to play a full disk. */
@FunctionalInterface
public interface DiskSpace {
    /** Bytes this process may still write there. */
    long usableBytes() throws IOException;

    /** The file system {@code folder} is on, as the operating system reports it. */
    static DiskSpace of(Path folder) {
        return () -> Files.getFileStore(folder).getUsableSpace();
    }
}
