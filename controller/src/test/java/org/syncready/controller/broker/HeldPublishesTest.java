package org.syncready.controller.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.extension.sdk.api.async.Async;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeldPublishesTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final HeldPublishes held = new HeldPublishes(60_000, now::get);
    private final List<String> disconnected = new ArrayList<>();

    /** A PUBACK interceptor's async output: counts its resumes. */
    private static final class Puback implements Async<Object> {
        int resumed;

        @Override
        public void resume() {
            resumed++;
        }

        @Override
        public Object getOutput() {
            return null;
        }

        @Override
        public Status getStatus() {
            return resumed > 0 ? Status.DONE : Status.RUNNING;
        }
    }

    @Test
    void aPubackBeforeTheCommitIsHeldAndLetGoByIt() {
        Runnable committed = held.taken("box-1", 7);
        Puback puback = new Puback();
        held.onPuback("box-1", 7, () -> puback);
        assertEquals(0, puback.resumed, "held until the commit");
        assertEquals(1, held.waiting());
        committed.run();
        committed.run(); // twice is once
        assertEquals(1, puback.resumed);
        assertEquals(0, held.waiting());
        assertEquals(1, held.released());
    }

    @Test
    void aPubackAfterTheCommitGoesAtOnce() {
        Runnable committed = held.taken("box-1", 7);
        committed.run();
        boolean[] asked = {false};
        held.onPuback("box-1", 7, () -> {
            asked[0] = true;
            return new Puback();
        });
        assertFalse(asked[0], "not held");
    }

    @Test
    void severalPublishesOfOneBoxWaitAtOnceEachForItsOwnCommit() {
        Runnable first = held.taken("box-1", 1);
        Runnable second = held.taken("box-1", 2);
        Runnable other = held.taken("box-2", 1);
        Puback p1 = new Puback();
        Puback p2 = new Puback();
        Puback p3 = new Puback();
        held.onPuback("box-1", 1, () -> p1);
        held.onPuback("box-1", 2, () -> p2);
        held.onPuback("box-2", 1, () -> p3);
        assertEquals(3, held.waiting());
        second.run();
        assertEquals(List.of(0, 1, 0), List.of(p1.resumed, p2.resumed, p3.resumed));
        first.run();
        other.run();
        assertEquals(List.of(1, 1, 1), List.of(p1.resumed, p2.resumed, p3.resumed));
    }

    @Test
    void aPubackOfAPublishNotTakenHereGoesAtOnce() {
        boolean[] asked = {false};
        held.onPuback("controller", 3, () -> {
            asked[0] = true;
            return new Puback();
        });
        assertFalse(asked[0]);
    }

    @Test
    void aPublishWaitingPastTheLimitClosesItsConnectionOnce() {
        held.taken("box-1", 1);
        Runnable quick = held.taken("box-2", 1);
        quick.run();
        now.addAndGet(59_000);
        held.sweep(disconnected::add);
        assertEquals(List.of(), disconnected);
        now.addAndGet(2_000);
        held.sweep(disconnected::add);
        held.sweep(disconnected::add);
        assertEquals(List.of("box-1"), disconnected, "once, and only the one that waits");
        assertEquals(1, held.abandoned());
        assertEquals(1, held.waiting());
    }

    @Test
    void aPubackOfAnAbandonedPublishStaysHeldUntilItIsForgotten() {
        held.taken("box-1", 1);
        now.addAndGet(61_000);
        held.sweep(disconnected::add);
        Puback late = new Puback();
        held.onPuback("box-1", 1, () -> late);
        assertEquals(0, late.resumed, "never a PUBACK for what was not stored");
        now.addAndGet(10 * 60_000);
        held.sweep(disconnected::add);
        assertEquals(0, held.waiting(), "forgotten once its connection is long gone");
        assertEquals(0, late.resumed);
    }

    @Test
    void aPacketIdUsedAgainAfterALostConnectionIsHeldForItsNewPublish() {
        Runnable old = held.taken("box-1", 1);
        // The connection closed before the PUBACK went out; the box reconnects and uses id 1 again.
        Runnable fresh = held.taken("box-1", 1);
        old.run();
        Puback puback = new Puback();
        held.onPuback("box-1", 1, () -> puback);
        assertEquals(0, puback.resumed, "the old commit does not let the new PUBACK go");
        fresh.run();
        assertEquals(1, puback.resumed);
        held.sweep(disconnected::add);
        assertEquals(0, held.waiting());
        assertTrue(disconnected.isEmpty());
    }
}
