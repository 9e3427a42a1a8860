package org.syncready.controller.console;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import io.vertx.core.Context;

/**
 * Who is watching which box live: the box pages' event streams subscribe here, and the ingest path calls
 * {@link #touched} for every message a box sends (on the MQTT callback thread: a map lookup and, only when
 * someone watches, a hand-off to each watcher's event loop; never a wait). Bursts are coalesced: while a
 * watcher's update is pending, further touches add nothing, so a watcher renders at most one update per
 * event-loop turn however fast its box talks.
 */
public final class BoxFeed {
    private final Map<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();

    /** One watcher: what to run (on its event loop) when its box changed. */
    public static final class Watcher {
        private final String boxId;
        private final Context context;
        private final Runnable changed;
        private final AtomicBoolean pending = new AtomicBoolean();

        private Watcher(String boxId, Context context, Runnable changed) {
            this.boxId = boxId;
            this.context = context;
            this.changed = changed;
        }

        void touch() {
            if (pending.compareAndSet(false, true)) {
                context.runOnContext(v -> {
                    pending.set(false);
                    changed.run();
                });
            }
        }
    }

    /** Runs {@code changed} on {@code context} after each change of {@code boxId}, until {@link #unwatch}. */
    public Watcher watch(String boxId, Context context, Runnable changed) {
        Watcher w = new Watcher(boxId, context, changed);
        watchers.computeIfAbsent(boxId, k -> ConcurrentHashMap.newKeySet()).add(w);
        return w;
    }

    public void unwatch(Watcher w) {
        watchers.computeIfPresent(w.boxId, (k, set) -> {
            set.remove(w);
            return set.isEmpty() ? null : set;
        });
    }

    /** A message of {@code boxId} was applied to the live fleet (any thread; null is ignored). */
    public void touched(String boxId) {
        if (boxId == null) {
            return;
        }
        Set<Watcher> set = watchers.get(boxId);
        if (set != null) {
            set.forEach(Watcher::touch);
        }
    }

    /** Watchers now, over every box. */
    public int size() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }
}
