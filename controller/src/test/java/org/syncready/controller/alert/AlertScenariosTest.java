package org.syncready.controller.alert;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.ReasonCode;
import org.syncready.controller.readiness.Severity;
import org.syncready.controller.rollout.RolloutState;
import org.syncready.controller.schedule.SyncSession;

/**
 * The behaviour issue 15 asks for, end to end through the engine, the stored outbox, real HTTP and
 * receivers that play each platform: one message per school per check, dedup and recovery, reminders
 * and acknowledgement, escalation at T-5, quiet hours and maintenance, a receiver that is down, a
 * restart, 40 schools at once, incidents, offline boxes and stopped rollouts.
 */
class AlertScenariosTest {
    private static final String SECRET = "SEC5f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String HOOK_SECRET = "bureau-webhook-secret-0123456789";

    @TempDir
    Path dir;
    private AlertScene scene;
    private PlatformReceiver hexi;
    private PlatformReceiver shanbei;
    private PlatformReceiver liping;
    private PlatformReceiver bureau;

    @BeforeEach
    void setUp() throws Exception {
        scene = new AlertScene(dir);
        hexi = PlatformReceiver.dingTalk(SECRET, scene.clock);
        shanbei = PlatformReceiver.weCom(scene.clock);
        liping = PlatformReceiver.feishu("feishu-secret", scene.clock);
        bureau = PlatformReceiver.webhook(HOOK_SECRET, scene.clock);
        scene.channel("hexi-it", "hexi", ChannelKind.DINGTALK, hexi.url(), SECRET);
        scene.channel("shanbei-it", "shanbei", ChannelKind.WECOM, shanbei.url(), null);
        scene.channel("liping-it", "liping", ChannelKind.FEISHU, liping.url(), "feishu-secret");
        scene.channel("bureau", null, ChannelKind.WEBHOOK, bureau.url(), HOOK_SECRET);
    }

    @AfterEach
    void tearDown() {
        scene.close();
        hexi.close();
        shanbei.close();
        liping.close();
        bureau.close();
    }

    private static String dingTalkText(PlatformReceiver.Hit h) {
        return h.body().path("markdown").path("text").asText();
    }

    private static String weComText(PlatformReceiver.Hit h) {
        return h.body().path("markdown").path("content").asText();
    }

    @Test
    void aT30CheckWithThreeBadClassroomsInTwoSchoolsSendsOneMessageToEachSchool() {
        SyncSession science = scene.session("科学", 8, 0, "hexi-g3", "hexi-g4", "shanbei-g3");
        SyncSession maths = scene.sessionLedBy("lead-g4", "数学", 8, 0, "liping-g3");
        scene.check("T-30",
                AlertScene.result(science, "T-30", scene.clock.instant(), AlertScene.ready("lead-g3"), AlertScene.micSilent("hexi-g3"),
                        AlertScene.uplinkLow("hexi-g4"), AlertScene.cameraFault("shanbei-g3")),
                AlertScene.result(maths, "T-30", scene.clock.instant(), AlertScene.ready("lead-g3"), AlertScene.ready("liping-g3")));
        scene.drained();

        assertEquals(1, hexi.taken().size(), "one message for the school with two bad classrooms");
        String text = dingTalkText(hexi.taken().get(0));
        assertTrue(text.contains("河西镇中心小学") && text.contains("T-30") && text.contains("1 间教室未就绪") && text.contains("1 间有风险"), text);
        assertTrue(text.contains("三年级1班") && text.contains("麦克风 mic-room 无信号") && text.contains("四年级1班") && text.contains("上行带宽"), text);
        assertTrue(text.contains("08:00 科学") && text.contains("主讲：县第一实验小学 三年级1班"), text);
        assertTrue(text.contains("https://syncready.example.cn/api/v1/sessions/" + science.id() + "/readiness"), text);
        assertTrue(text.contains("https://syncready.example.cn/api/v1/alerts/ack/"), "an acknowledge link: " + text);
        assertTrue(text.contains("NOT READY") && text.contains("microphone mic-room is silent"), "English second line: " + text);
        assertEquals(1, shanbei.taken().size());
        assertTrue(weComText(shanbei.taken().get(0)).contains("摄像头 cam-teacher 故障"));
        assertTrue(weComText(shanbei.taken().get(0)).contains("山北乡小学"));
        assertEquals(0, liping.hits().size(), "a ready school hears nothing");
        assertEquals(0, bureau.hits().size(), "the bureau hears escalations, not every school's T-30");
    }

    @Test
    void theSameProblemIsToldOnceAChangeAndTheRecoveryAreTold() {
        SyncSession s = scene.session("科学", 8, 0, "hexi-g3");
        scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent("hexi-g3")));
        scene.drained();
        assertEquals(1, hexi.taken().size());

        scene.clock.advance(Duration.ofMinutes(3));
        scene.check("on-demand", AlertScene.result(s, "on-demand", scene.clock.instant(), AlertScene.micSilent("hexi-g3")));
        scene.drained();
        assertEquals(1, hexi.taken().size(), "the same problem again: nothing new");

        scene.clock.advance(Duration.ofMinutes(3));
        scene.check("on-demand", AlertScene.result(s, "on-demand", scene.clock.instant(), AlertScene.cameraFault("hexi-g3")));
        scene.drained();
        assertEquals(2, hexi.taken().size());
        assertTrue(dingTalkText(hexi.taken().get(1)).contains("有变化") && dingTalkText(hexi.taken().get(1)).contains("摄像头"));

        scene.clock.set(AlertScene.local(7, 55));
        scene.check("T-5", AlertScene.result(s, "T-5", scene.clock.instant(), AlertScene.ready("hexi-g3")));
        scene.drained();
        assertEquals(3, hexi.taken().size());
        String recovery = dingTalkText(hexi.taken().get(2));
        assertTrue(recovery.contains("已恢复") && recovery.contains("1 间已恢复就绪"), recovery);
        assertFalse(recovery.contains("/alerts/ack/"), "nothing left to acknowledge: " + recovery);
        assertEquals(0, bureau.hits().size(), "ready at T-5: no escalation");
    }

    @Test
    void anUnacknowledgedNotReadyIsRepeatedUntilAcknowledgedOrClassStarts() {
        SyncSession s = scene.session("科学", 8, 0, "hexi-g3", "shanbei-g3");
        scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent("hexi-g3"),
                AlertScene.cameraFault("shanbei-g3")));
        scene.drained();
        scene.now.put(s.id(), AlertScene.result(s, "preview", scene.clock.instant(), AlertScene.micSilent("hexi-g3"),
                AlertScene.cameraFault("shanbei-g3")));

        scene.advanceAndScan(Duration.ofMinutes(9));
        assertEquals(1, hexi.taken().size(), "not yet ten minutes");
        scene.advanceAndScan(Duration.ofMinutes(1));
        assertEquals(2, hexi.taken().size());
        assertEquals(2, shanbei.taken().size());
        String reminder = dingTalkText(hexi.taken().get(1));
        assertTrue(reminder.contains("提醒（未确认）") && reminder.contains("未就绪·未确认"), reminder);

        // 河西 acknowledges from the link in the reminder: a page first (a preview must not acknowledge), then the button.
        long noticeId = scene.alerts.notices("hexi", 1).get(0).notice().id();
        String token = scene.tokens.issue(noticeId);
        Alerts.AckPage page = scene.alerts.ackPage(token);
        assertEquals(noticeId, page.record().notice().id());
        assertEquals(null, page.record().ackedBy());
        Alerts.AckResult ack = scene.alerts.acknowledgeByLink(token, "张老师");
        assertEquals(1, ack.acknowledged());
        assertEquals("张老师", scene.alerts.ackPage(token).record().ackedBy());

        scene.advanceAndScan(Duration.ofMinutes(10));
        assertEquals(2, hexi.taken().size(), "acknowledged: no more reminders");
        assertEquals(3, shanbei.taken().size(), "the other school did not acknowledge");

        scene.clock.set(AlertScene.local(8, 1));
        scene.advanceAndScan(Duration.ofMinutes(10));
        assertEquals(3, shanbei.taken().size(), "no reminders once the class has started");
        assertTrue(scene.alerts.problems(null).isEmpty(), "pre-class problems end when class starts: " + scene.alerts.problems(null));
    }

    @Test
    void anExpiredOrForgedAcknowledgeLinkIsRefused() {
        SyncSession s = scene.session("科学", 8, 0, "hexi-g3");
        scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent("hexi-g3")));
        long noticeId = scene.alerts.notices("hexi", 1).get(0).notice().id();
        String token = scene.tokens.issue(noticeId);
        String forged = token.substring(0, token.indexOf('.')) + ".AAAA" + token.substring(token.indexOf('.') + 5);
        assertEquals("NOT_FOUND", kindOf(() -> scene.alerts.ackPage(forged)));
        scene.clock.advance(AckTokens.LIFETIME.plusMinutes(1));
        assertTrue(scene.alerts.ackPage(token).expired());
        assertEquals("FORBIDDEN", kindOf(() -> scene.alerts.acknowledgeByLink(token, "张老师")));
    }

    private static String kindOf(Runnable r) {
        try {
            r.run();
            return "none";
        } catch (org.syncready.controller.refusal.Refusal e) {
            return e.kind().name();
        }
    }

    @Test
    void aSessionStillNotReadyAtT5GoesToTheBureauNamingTheSchoolOnce() {
        SyncSession s = scene.session("科学", 8, 0, "hexi-g3", "shanbei-g3");
        scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent("hexi-g3"), AlertScene.ready("shanbei-g3")));
        scene.drained();
        scene.clock.set(AlertScene.local(7, 55));
        scene.check("T-5", AlertScene.result(s, "T-5", scene.clock.instant(), AlertScene.micSilent("hexi-g3"), AlertScene.ready("shanbei-g3")));
        scene.drained();
        assertTrue(hexi.taken().stream().noneMatch(h -> dingTalkText(h).contains("T-5 课前检查")),
                "nothing changed: the school hears no T-5 notice (a reminder may come, it is not acknowledged)");
        assertEquals(1, bureau.taken().size());
        JsonNode body = bureau.taken().get(0).body();
        assertEquals("alert", body.path("type").asText());
        JsonNode notice = body.path("notices").get(0);
        assertEquals("escalation", notice.path("topic").asText().toLowerCase());
        assertEquals("河西镇中心小学", notice.path("schoolZh").asText());
        assertTrue(body.path("title").asText().contains("升级") && body.path("title").asText().contains("河西镇中心小学"), body.toString());

        scene.clock.advance(Duration.ofMinutes(1));
        scene.check("T-5", AlertScene.result(s, "T-5", scene.clock.instant(), AlertScene.micSilent("hexi-g3"), AlertScene.ready("shanbei-g3")));
        scene.drained();
        assertEquals(1, bureau.taken().size(), "escalated once");
    }

    @Test
    void quietHoursHoldASchoolsNoticesUntilTheyEndAndDropWhatRecoveredMeanwhile() {
        scene.alerts.setQuietHours("hexi", LocalTime.of(20, 0), LocalTime.of(7, 40));
        scene.alerts.setQuietHours("shanbei", LocalTime.of(20, 0), LocalTime.of(7, 40));
        SyncSession s = scene.session("科学", 8, 0, "hexi-g3", "shanbei-g3");
        scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent("hexi-g3"),
                AlertScene.cameraFault("shanbei-g3")));
        scene.drained();
        assertEquals(0, hexi.hits().size());
        assertEquals(0, shanbei.hits().size());

        scene.clock.advance(Duration.ofMinutes(5));
        scene.check("on-demand", AlertScene.result(s, "on-demand", scene.clock.instant(), AlertScene.micSilent("hexi-g3"),
                AlertScene.ready("shanbei-g3")));
        scene.advanceAndScan(Duration.ofMinutes(6)); // 07:41
        assertEquals(1, hexi.taken().size(), "still wrong when quiet hours ended: told then");
        assertTrue(dingTalkText(hexi.taken().get(0)).contains("麦克风"));
        assertEquals(0, shanbei.hits().size(), "fixed during quiet hours: never told");
    }

    @Test
    void aClassroomUnderRepairIsSuppressedUntilItsWindowEnds() {
        scene.alerts.addMaintenance(null, "hexi-g3", AlertScene.local(7, 50), "更换麦克风", "李工");
        SyncSession s = scene.session("科学", 8, 0, "hexi-g3", "hexi-g4");
        scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent("hexi-g3"), AlertScene.cameraFault("hexi-g4")));
        scene.drained();
        assertEquals(1, hexi.taken().size());
        String first = dingTalkText(hexi.taken().get(0));
        assertTrue(first.contains("河西镇中心小学 四年级1班") && !first.contains("河西镇中心小学 三年级1班"),
                "only the classroom not under repair: " + first);

        scene.advanceAndScan(Duration.ofMinutes(21)); // 07:51
        List<PlatformReceiver.Hit> after = hexi.taken();
        assertTrue(after.stream().anyMatch(h -> dingTalkText(h).contains("河西镇中心小学 三年级1班") && dingTalkText(h).contains("麦克风")),
                "told once the window ended: " + after.stream().map(AlertScenariosTest::dingTalkText).toList());
    }

    @Test
    void aReceiverDownForFiveMinutesGetsEveryMessageOnceWhenBack() throws Exception {
        bureau.stop();
        com.fasterxml.jackson.databind.node.ObjectNode change = AlertScene.JSON.createObjectNode();
        change.putArray("topics").add("readiness").add("escalation");
        scene.alerts.updateChannel("bureau", change);
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String room = List.of("hexi-g3", "hexi-g4", "shanbei-g3", "liping-g3").get(i);
            SyncSession s = scene.session("第" + i + "节", 8 + i * 45 / 60, i * 45 % 60, room);
            subjects.add(s.id());
            scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent(room)));
            scene.clock.advance(Duration.ofSeconds(20));
        }
        for (int step = 0; step < 15; step++) {
            scene.clock.advance(Duration.ofSeconds(20));
            scene.alerts.delivery().pumpNow().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> scene.alerts.delivery().quiet());
        }
        assertFalse(scene.alerts.deliveries("bureau", 50).attempts().isEmpty(), "attempts were made while it was down");
        assertTrue(scene.alerts.deliveries("bureau", 50).attempts().stream().allMatch(a -> a.outcome() != DeliveryAttempt.Outcome.FAILED
                && a.outcome() != DeliveryAttempt.Outcome.SENT), "network failures are retried, never given up");

        bureau.restart();
        scene.clock.advance(Lane.MAX_BACKOFF.plusSeconds(90));
        scene.drained();
        Map<Long, Integer> seen = new HashMap<>();
        for (PlatformReceiver.Hit h : bureau.taken()) {
            for (JsonNode n : h.body().path("notices")) {
                seen.merge(n.path("id").asLong(), 1, Integer::sum);
            }
        }
        assertEquals(4, seen.size(), "every school's notice arrived: " + seen);
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "each exactly once: " + seen);
    }

    @Test
    void messagesStoredBeforeARestartAreSentAfterItAndDedupSurvivesIt() throws Exception {
        hexi.stop();
        SyncSession s = scene.session("科学", 8, 0, "hexi-g3");
        scene.check("T-30", AlertScene.result(s, "T-30", scene.clock.instant(), AlertScene.micSilent("hexi-g3")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !scene.alerts.deliveries("hexi-it", 10).attempts().isEmpty());
        scene.stopAlerts();

        hexi.restart();
        scene.clock.advance(Duration.ofMinutes(1));
        scene.start();
        scene.drained();
        assertEquals(1, hexi.taken().size(), "the message stored before the restart went out after it");

        scene.check("on-demand", AlertScene.result(s, "on-demand", scene.clock.instant(), AlertScene.micSilent("hexi-g3")));
        scene.drained();
        assertEquals(1, hexi.taken().size(), "the restarted engine remembers it was told");
    }

    @Test
    void fortySchoolsFailingAt0730NeverPushARobotOverItsLimitAndLoseNoSchool() throws Exception {
        // Every school's channel points at ONE robot (a county that shares one group), and the bureau's
        // DingTalk robot takes readiness and escalations of all of them.
        try (PlatformReceiver shared = PlatformReceiver.dingTalk(null, scene.clock);
             PlatformReceiver county = PlatformReceiver.dingTalk(null, scene.clock)) {
            scene.channel("county", null, ChannelKind.DINGTALK, county.url(), null, "readiness", "escalation");
            List<String> rooms = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                String id = String.format("s%02d", i);
                scene.school(id, "第" + i + "小学", "School " + i, id + "-g3", "三年级1班", "Grade 3");
                scene.channel(id + "-it", id, ChannelKind.DINGTALK, shared.url(), null);
                rooms.add(id + "-g3");
            }
            SyncSession s = scene.session("语文", 8, 0, rooms.toArray(String[]::new));
            List<org.syncready.controller.readiness.ClassroomReadiness> bad = rooms.stream().map(AlertScene::micSilent).toList();
            scene.check("T-30", new org.syncready.controller.readiness.SessionReadiness(s.id(),
                    org.syncready.controller.readiness.Verdict.NOT_READY, scene.clock.instant(), "T-30", bad));
            scene.drained();
            scene.clock.set(AlertScene.local(7, 55));
            scene.check("T-5", new org.syncready.controller.readiness.SessionReadiness(s.id(),
                    org.syncready.controller.readiness.Verdict.NOT_READY, scene.clock.instant(), "T-5", bad));
            scene.drained();

            for (PlatformReceiver robot : List.of(shared, county)) {
                assertTrue(robot.hits().stream().noneMatch(h -> h.answer().contains("130101")), "never refused for pace");
                assertTrue(robot.mostInAnyMinute() <= 20, "at most 20 a minute: " + robot.mostInAnyMinute());
            }
            String sharedText = String.join("\n", shared.taken().stream().map(AlertScenariosTest::dingTalkText).toList());
            String countyText = String.join("\n", county.taken().stream().map(AlertScenariosTest::dingTalkText).toList());
            for (int i = 1; i <= 40; i++) {
                assertTrue(sharedText.contains("第" + i + "小学"), "school " + i + " told in the shared group");
                assertTrue(countyText.contains("【SyncReady】升级：T-5 仍未就绪：第" + i + "小学"), "school " + i + " escalated");
            }
            assertTrue(sharedText.contains("汇总"), "the burst went out as digests");
        }
    }

    @Test
    void aNoticeLargerThanWeComTakesIsCutNotRefused() {
        List<String> rooms = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            scene.registry.addClassroom("shanbei-r" + i, "shanbei", i + "号教室", "Room " + i);
            rooms.add("shanbei-r" + i);
        }
        SyncSession s = scene.session("语文", 8, 0, rooms.toArray(String[]::new));
        scene.check("T-30", new org.syncready.controller.readiness.SessionReadiness(s.id(),
                org.syncready.controller.readiness.Verdict.NOT_READY, scene.clock.instant(), "T-30",
                rooms.stream().map(AlertScene::cameraFault).toList()));
        scene.drained();
        assertEquals(1, shanbei.hits().size());
        assertEquals(1, shanbei.taken().size(), "taken, not refused with 40058: " + shanbei.hits().get(0).answer());
        String text = weComText(shanbei.taken().get(0));
        assertTrue(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 4096);
        assertTrue(text.contains("行请在控制台查看") && text.contains("40 间教室未就绪"), text);
    }

    @Test
    void anIncidentIsToldWhenItStartsAndWhenItEnds() {
        SyncSession s = scene.session("科学", 7, 20, "hexi-g3", "hexi-g4");
        Reason mic = new Reason(ReasonCode.MIC_SILENT, Severity.BLOCKING, "mic-room", "microphone mic-room is silent", "麦克风 mic-room 无信号", Map.of());
        Reason cam = new Reason(ReasonCode.CAMERA_FAULT, Severity.BLOCKING, "cam-1", "camera cam-1 has failed", "摄像头 cam-1 故障", Map.of());
        Incident a = new Incident(1, s.id(), "hexi-g3", "box-hexi-g3", ReasonCode.MIC_SILENT, "mic-room", Severity.BLOCKING, mic.en(),
                scene.clock.instant(), null);
        Incident b = new Incident(2, s.id(), "hexi-g4", "box-hexi-g4", ReasonCode.CAMERA_FAULT, "cam-1", Severity.BLOCKING, cam.en(),
                scene.clock.instant(), null);
        scene.alerts.incidentOpened(a, "hexi", mic);
        scene.alerts.incidentOpened(b, "hexi", cam);
        scene.alerts.settle();
        scene.drained();
        assertEquals(1, hexi.taken().size(), "two incidents of one school in one pass: one message");
        assertTrue(dingTalkText(hexi.taken().get(0)).contains("课中故障") && dingTalkText(hexi.taken().get(0)).contains("2 个课中故障"));

        scene.clock.advance(Duration.ofMinutes(6));
        scene.alerts.incidentClosed(a, scene.clock.instant());
        scene.alerts.settle();
        scene.drained();
        assertEquals(2, hexi.taken().size());
        assertTrue(dingTalkText(hexi.taken().get(1)).contains("已结束") && dingTalkText(hexi.taken().get(1)).contains("持续 6 分钟"),
                dingTalkText(hexi.taken().get(1)));
    }

    @Test
    void aBoxOfflineOutsideClassWithAClassLaterTodayIsToldAndItsReturnToo() {
        scene.session("科学", 10, 0, "hexi-g3");
        scene.online("box-hexi-g3");
        scene.offline("box-hexi-g3");
        scene.advanceAndScan(Duration.ofMinutes(14));
        assertEquals(0, hexi.hits().size(), "not yet 15 minutes");
        scene.advanceAndScan(Duration.ofMinutes(2));
        assertEquals(1, hexi.taken().size());
        String text = dingTalkText(hexi.taken().get(0));
        assertTrue(text.contains("设备离线") && text.contains("box-hexi-g3") && text.contains("下一节课 10:00 科学"), text);
        scene.online("box-hexi-g3");
        scene.advanceAndScan(Duration.ofMinutes(1));
        assertEquals(2, hexi.taken().size());
        assertTrue(dingTalkText(hexi.taken().get(1)).contains("已恢复在线"));
    }

    @Test
    void aRolloutPausedByItsThresholdsIsToldToTheBureau() {
        scene.alerts.stopped("r-abc", RolloutState.PAUSED, "wave 1: 0 of 1 boxes applied, 1 needed to go on", "schools [hexi]",
                List.of("box-hexi-g3", "box-hexi-g4"));
        scene.alerts.settle();
        scene.drained();
        assertEquals(1, bureau.taken().size());
        JsonNode body = bureau.taken().get(0).body();
        assertTrue(body.path("title").asText().contains("配置推送 r-abc 已暂停"), body.toString());
        assertTrue(body.path("text").asText().contains("涉及 1 所学校、2 台录播主机"), body.toString());
        assertEquals(0, hexi.hits().size(), "school channels take rollouts only when they ask for them");
    }
}
