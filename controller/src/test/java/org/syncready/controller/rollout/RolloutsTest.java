package org.syncready.controller.rollout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.protocol.ConfigReported;

/**
 * The facade with its own thread: an API call does not wait behind the config reports queued on
 * that thread (at the end of a rollout to 10,000 boxes, thousands of them), only for the one in
 * progress.
 */
class RolloutsTest {
    @TempDir
    Path keys;

    @Test
    void anApiCallRunsBeforeTheReportsQueuedAheadOfIt() throws Exception {
        RolloutTestbed bed = new RolloutTestbed(keys);
        // Every stored report waits for a permit: the rollout thread is held inside the first one.
        Semaphore gate = new Semaphore(0);
        AtomicInteger stored = new AtomicInteger();
        RolloutStore gated = (RolloutStore) Proxy.newProxyInstance(RolloutStore.class.getClassLoader(),
                new Class<?>[] {RolloutStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putReported")) {
                        gate.acquire();
                        stored.incrementAndGet();
                    }
                    try {
                        return method.invoke(bed.store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (Rollouts rollouts = new Rollouts(bed.directory, ProfileCatalogue.packaged(), bed.signer, gated,
                (actor, action, target, detail, result) -> { }, bed.publisher, boxId -> Optional.empty(), bed.codec, bed.clock,
                Duration.ofMinutes(10))) {
            rollouts.start();
            for (int i = 0; i < 50; i++) {
                rollouts.onMessage(new ConfigReported(1, "box-" + i, bed.clock.millis(), "boot-1", 1, 1, ConfigReported.Result.APPLIED, null));
            }
            AtomicReference<List<RolloutView>> answer = new AtomicReference<>();
            Thread caller = new Thread(() -> answer.set(rollouts.list(10)), "api-worker");
            caller.setDaemon(true);
            caller.start();
            // The caller has queued its call and waits for it.
            await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);

            gate.release();
            caller.join(5_000);
            assertEquals(List.of(), answer.get(), "answered after the report in progress");
            assertTrue(stored.get() <= 2, "not after the 49 queued behind it: " + stored.get() + " stored");

            gate.release(100);
            await().atMost(Duration.ofSeconds(10)).until(() -> stored.get() == 50);
        }
    }
}
