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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.protocol.ConfigReported;

/**
 * The facade with its own thread: an API call does not wait behind the config reports queued on
 * that thread (at the end of a rollout to 10,000 boxes, thousands of them), only for the batch in
 * progress; reports queued meanwhile are taken in together, in one transaction.
 */
class RolloutsTest {
    @TempDir
    Path keys;

    @Test
    void anApiCallRunsBeforeTheReportsQueuedBehindTheBatchInProgress() throws Exception {
        RolloutTestbed bed = new RolloutTestbed(keys);
        // Every batch of stored reports waits for a permit: the rollout thread is held inside the first one.
        Semaphore gate = new Semaphore(0);
        Semaphore entered = new Semaphore(0);
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger batches = new AtomicInteger();
        RolloutStore gated = (RolloutStore) Proxy.newProxyInstance(RolloutStore.class.getClassLoader(),
                new Class<?>[] {RolloutStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putReported")) {
                        entered.release();
                        gate.acquire();
                        batches.incrementAndGet();
                        stored.addAndGet(((List<?>) args[0]).size());
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
            rollouts.onMessage(report("box-0"));
            assertTrue(entered.tryAcquire(5, TimeUnit.SECONDS), "the first report is being stored");
            for (int i = 1; i < 50; i++) {
                rollouts.onMessage(report("box-" + i));
            }
            AtomicReference<List<RolloutView>> answer = new AtomicReference<>();
            Thread caller = new Thread(() -> answer.set(rollouts.list(10)), "api-worker");
            caller.setDaemon(true);
            caller.start();
            // The caller has queued its call and waits for it.
            await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);

            gate.release();
            caller.join(5_000);
            assertEquals(List.of(), answer.get(), "answered after the batch in progress");
            assertEquals(1, stored.get(), "not after the 49 queued behind it");

            gate.release(100);
            await().atMost(Duration.ofSeconds(10)).until(() -> stored.get() == 50);
            assertEquals(2, batches.get(), "the 49 reports queued meanwhile are stored in one transaction");
            assertEquals(50, bed.store.reported().size());
        }
    }

    private ConfigReported report(String boxId) {
        return new ConfigReported(1, boxId, 1_000, "boot-1", 1, 1, ConfigReported.Result.APPLIED, null);
    }
}
