package org.syncready.controller.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AlertStore} must do; each implementation's test extends this. */
public abstract class AlertStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-01T23:30:00Z");
    private AlertStore store;

    protected abstract AlertStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    private static Notice.Item item(String key) {
        return new Notice.Item(key, Notice.Change.NEW, AlertLevel.CRITICAL, "hexi-g3", "河西镇中心小学 三年级1班", "Hexi Grade 3", "box-hexi-g3",
                "s-1", "科学", T0.plusSeconds(1800), "县一小", "County No.1", "NOT_READY",
                List.of(new Notice.Finding("MIC_SILENT:mic", "麦克风无信号", "microphone silent")), null, null, null, null, null);
    }

    @Test
    void channelsAreKeptWithTheirSealedTargetAndReplacedById() {
        store.saveChannel(new AlertStore.ChannelRecord("c1", "hexi", "{\"kind\":\"dingtalk\"}", "v1:sealed", T0, T0));
        store.saveChannel(new AlertStore.ChannelRecord("c1", "hexi", "{\"kind\":\"dingtalk\",\"name\":\"x\"}", "v1:other", T0, T0.plusSeconds(5)));
        List<AlertStore.ChannelRecord> all = store.channels();
        assertEquals(1, all.size());
        assertEquals("v1:other", all.get(0).sealedTarget());
        assertEquals(T0, all.get(0).createdAt());
        assertEquals(T0.plusSeconds(5), all.get(0).updatedAt());
        assertTrue(store.deleteChannel("c1"));
        assertFalse(store.deleteChannel("c1"));
    }

    @Test
    void liveProblemsComeBackAndEndedOnesAreForgotten() {
        Problem open = Problem.open("ready|s-1|hexi-g3", AlertTopic.READINESS, AlertLevel.CRITICAL, List.of("hexi"), "hexi-g3",
                item("ready|s-1|hexi-g3"), "NOT_READY|MIC", "T-30", T0, T0.plusSeconds(1800));
        Problem ended = Problem.open("ready|s-1|hexi-g4", AlertTopic.READINESS, AlertLevel.WARNING, List.of("hexi"), "hexi-g4",
                item("ready|s-1|hexi-g4"), "AT_RISK|UP", "T-30", T0, T0.plusSeconds(1800)).closed(T0.plusSeconds(60), false);
        store.saveProblems(List.of(open.announced(T0, false).acknowledged("张老师", "link", T0.plusSeconds(30)), ended));
        List<Problem> live = store.liveProblems();
        assertEquals(1, live.size());
        Problem back = live.get(0);
        assertEquals("张老师", back.ackedBy());
        assertEquals(T0, back.announcedAt());
        assertEquals("麦克风无信号", back.item().findings().get(0).zh());
        assertEquals(List.of("hexi"), back.schools());
        assertEquals(1, store.forgetProblems(T0.plusSeconds(3600)));
        assertEquals(1, store.liveProblems().size());
    }

    @Test
    void noticesGetIdsAndOneAcknowledgement() {
        Notice n = new Notice(0, AlertTopic.READINESS, "hexi", "河西镇中心小学", "Hexi", "T-30", T0, List.of(item("k")));
        List<Long> ids = store.insertNotices(List.of(n, n));
        assertEquals(2, ids.size());
        assertTrue(ids.get(1) > ids.get(0));
        assertEquals(ids.get(0).longValue(), store.notice(ids.get(0)).orElseThrow().notice().id());
        store.acknowledgeNotice(ids.get(0), "张老师", "link", T0.plusSeconds(10));
        store.acknowledgeNotice(ids.get(0), "李工", "console", T0.plusSeconds(20));
        AlertStore.NoticeRecord r = store.notice(ids.get(0)).orElseThrow();
        assertEquals("张老师", r.ackedBy(), "the first acknowledgement stands");
        assertEquals(T0.plusSeconds(10), r.ackedAt());
        assertEquals(2, store.notices("hexi", 10).size());
        assertEquals(ids.get(1).longValue(), store.notices(null, 1).get(0).notice().id(), "newest first");
        assertTrue(store.notices("shanbei", 10).isEmpty());
    }

    @Test
    void theOutboxKeepsWhatIsQueuedAndTheLogOfEachAttempt() {
        OutboxMessage m = new OutboxMessage(0, "c1", List.of(1L), false, false, OutboxMessage.State.QUEUED, T0, T0.plusSeconds(3600), 0,
                null, null, null, null, null, "标题");
        List<Long> ids = store.insertMessages(List.of(m, m));
        OutboxMessage first = m.withId(ids.get(0));
        store.record(List.of(first.attempt(OutboxMessage.State.QUEUED, 1, T0.plusSeconds(5), null, "connection refused", null, null)),
                List.of(new DeliveryAttempt(first.id(), "c1", T0, DeliveryAttempt.Outcome.RETRY, null, "connection refused", 3)));
        store.record(List.of(m.withId(ids.get(1)).attempt(OutboxMessage.State.SENT, 1, null, "0", null, T0.plusSeconds(1), null)),
                List.of(new DeliveryAttempt(ids.get(1), "c1", T0.plusSeconds(1), DeliveryAttempt.Outcome.SENT, "0", null, 12)));
        List<OutboxMessage> queued = store.queuedMessages();
        assertEquals(1, queued.size());
        assertEquals(1, queued.get(0).attempts());
        assertEquals(T0.plusSeconds(5), queued.get(0).nextAttemptAt());
        assertEquals(List.of(1L), queued.get(0).noticeIds());
        assertEquals(2, store.messages("c1", 10).size());
        assertEquals(DeliveryAttempt.Outcome.SENT, store.attempts("c1", 10).get(0).outcome(), "newest first");
        assertEquals(2, store.attemptsSince(T0).size());
        assertEquals(1, store.attemptsSince(T0.plusMillis(1)).size());
        assertEquals(1, store.cancelQueued("c1"));
        assertTrue(store.queuedMessages().isEmpty());
    }

    @Test
    void pruningKeepsWhatIsStillQueuedAndItsNotice() {
        Notice n = new Notice(0, AlertTopic.READINESS, "hexi", "河西镇中心小学", "Hexi", "T-30", T0, List.of(item("k")));
        List<Long> notices = store.insertNotices(List.of(n, n));
        OutboxMessage sent = new OutboxMessage(0, "c1", List.of(notices.get(0)), false, false, OutboxMessage.State.SENT, T0, null, 1,
                null, "0", null, T0, null, "sent");
        OutboxMessage waiting = new OutboxMessage(0, "c1", List.of(notices.get(1)), false, false, OutboxMessage.State.QUEUED, T0, null, 3,
                T0.plusSeconds(60), null, "down", null, null, "waiting");
        List<Long> ids = store.insertMessages(List.of(sent, waiting));
        store.record(List.of(), List.of(new DeliveryAttempt(ids.get(0), "c1", T0, DeliveryAttempt.Outcome.SENT, "0", null, 5)));
        assertEquals(3, store.pruneLog(T0.plusSeconds(1)), "the sent message, its log line and its notice");
        assertTrue(store.notice(notices.get(0)).isEmpty());
        assertTrue(store.notice(notices.get(1)).isPresent(), "a queued message's notice stays");
        assertEquals(List.of(ids.get(1)), store.queuedMessages().stream().map(OutboxMessage::id).toList());
    }

    @Test
    void quietHoursAndMaintenanceWindows() {
        store.saveQuietHours(new QuietHours("hexi", LocalTime.of(21, 0), LocalTime.of(6, 30)));
        store.saveQuietHours(new QuietHours("hexi", LocalTime.of(22, 0), LocalTime.of(6, 30)));
        assertEquals(List.of(new QuietHours("hexi", LocalTime.of(22, 0), LocalTime.of(6, 30))), store.quietHours());
        assertTrue(store.deleteQuietHours("hexi"));
        long id = store.insertMaintenance(new Maintenance(0, "hexi", "hexi-g3", T0, T0.plusSeconds(600), "换麦克风", "李工"));
        assertEquals(1, store.maintenance(T0.plusSeconds(599)).size());
        assertEquals(0, store.maintenance(T0.plusSeconds(600)).size(), "a window that ended is not returned");
        assertEquals(id, store.maintenance(T0).get(0).id());
        assertTrue(store.deleteMaintenance(id));
    }
}
