package org.syncready.controller.health;

/**
 * What the health check reads of the store writer: the store implements it, so that health does not
 * depend on the store package (only the wiring knows the store).
 */
public interface WriterState {
    /** Whether the writer's thread is still running. */
    boolean alive();

    /** When writes began to fail (epoch ms), 0 while they succeed. */
    long failingSince();

    /** When a put first found the queue full (epoch ms), 0 while it has room. */
    long fullSince();

    /** How many rows the queue holds at most. */
    int capacity();
}
