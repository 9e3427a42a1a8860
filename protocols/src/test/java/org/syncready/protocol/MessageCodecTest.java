package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private final MessageCodec codec = new MessageCodec();
    private final String statusTopic = Topics.of("box-1", Channel.STATUS);

    static StatusMessage status(String boxId, long seq) {
        return new StatusMessage(1, boxId, 1_700_000_000_000L, "boot-a", seq, 10,
                List.of(new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.RTSP, DeviceState.OK,
                        1920, 1080, 25.0, 4000, false, null)),
                List.of(new MicrophoneStatus("mic-1", "ceiling", DeviceState.OK, -32.5, -12.0, false, false, null)),
                new NetworkStatus("up", "eth0", 12.0, 2.0, 0.0, 20000, 3.0, List.of(), 1_699_999_990_000L, 1_699_999_900_000L),
                new SystemStatus(12.0, 40.0, 20000L, 48.0, 3600L),
                new StreamStatus(true, "rtmp://stream.example/live", 4000, 0L, null),
                List.of(new EquipmentStatus("display", "display-power", EquipmentState.OK, true, "= true", null,
                                "opc.tcp://10.0.0.5:4840 ns=2;s=Display.Power", null, 1_699_999_999_000L),
                        new EquipmentStatus("room-temp", "room-temperature", EquipmentState.OUT_OF_RANGE, 31.5, "18..28", "°C",
                                "opc.tcp://10.0.0.5:4840 ns=2;s=Room.Temperature", "31.5 °C is outside 18..28", 1_699_999_999_000L)));
    }

    @Test
    void equipmentIsLeftOutWhenTheBoxHasNone() throws Exception {
        StatusMessage base = status("box-1", 9);
        StatusMessage none = new StatusMessage(base.v(), base.boxId(), base.ts(), base.bootId(), base.seq(), base.intervalS(),
                base.cameras(), base.microphones(), base.network(), base.system(), base.stream());
        String json = new String(codec.encode(none), StandardCharsets.UTF_8);
        assertFalse(json.contains("equipment"), json);
        StatusMessage back = (StatusMessage) codec.decode(statusTopic, json.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), back.equipment());
        assertEquals(base.equipment(), ((StatusMessage) codec.decode(statusTopic, codec.encode(base))).equipment());
    }

    @Test
    void equipmentWithAnObjectValueOrAnUnknownStateIsRefused() {
        String json = new String(codec.encode(status("box-1", 10)), StandardCharsets.UTF_8);
        ProtocolException objectValue = refuse(statusTopic, json.replace("\"value\":true", "\"value\":{\"on\":true}"));
        assertEquals(ProtocolException.Reason.INVALID_FIELD, objectValue.reason());
        assertTrue(objectValue.getMessage().contains("equipment[].value"), objectValue.getMessage());
        ProtocolException state = refuse(statusTopic, json.replace("\"out-of-range\"", "\"broken\""));
        assertEquals(ProtocolException.Reason.INVALID_FIELD, state.reason());
        assertTrue(state.getMessage().contains("broken"), state.getMessage());
    }

    private ProtocolException refuse(String topic, String json) {
        return assertThrows(ProtocolException.class, () -> codec.decode(topic, json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void statusRoundTrips() throws Exception {
        StatusMessage sent = status("box-1", 7);
        Message received = codec.decode(statusTopic, codec.encode(sent));
        assertEquals(sent, received);
    }

    @Test
    void historicalIsSentOnlyWhenTrueAndAbsentOrNullMeansLive() throws Exception {
        StatusMessage live = status("box-1", 9);
        assertTrue(!new String(codec.encode(live), StandardCharsets.UTF_8).contains("historical"));
        StatusMessage replayed = live.asHistorical();
        String json = new String(codec.encode(replayed), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"historical\":true"), json);
        assertEquals(replayed, codec.decode(statusTopic, json.getBytes(StandardCharsets.UTF_8)));
        String explicitNull = json.replace("\"historical\":true", "\"historical\":null");
        assertEquals(live, codec.decode(statusTopic, explicitNull.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ProtocolException.Reason.INVALID_FIELD,
                refuse(statusTopic, json.replace("\"historical\":true", "\"historical\":\"yes\"")).reason());
    }

    @Test
    void birthCarriesTheOutboxDropCountAndRefusesANegativeOne() throws Exception {
        String topic = Topics.of("box-1", Channel.BIRTH);
        BirthMessage birth = new BirthMessage(1, "box-1", 1_700_000_000_000L, "boot-a", 1, "0.1.0", null, "m", 10, null,
                null, null, 12L);
        assertEquals(birth, codec.decode(topic, codec.encode(birth)));
        String json = new String(codec.encode(birth), StandardCharsets.UTF_8).replace("\"outboxDropped\":12", "\"outboxDropped\":-1");
        assertEquals(ProtocolException.Reason.INVALID_FIELD, refuse(topic, json).reason());
    }

    @Test
    void birthAnnouncesAHeartbeatWhichOldBirthsLeaveOut() throws Exception {
        String topic = Topics.of("box-1", Channel.BIRTH);
        BirthMessage rbe = new BirthMessage(1, "box-1", 1_700_000_000_000L, "boot-a", 1, "0.1.0", null, "m", 60, null,
                null, null, null, 60);
        String json = new String(codec.encode(rbe), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"heartbeatS\":60"), json);
        BirthMessage decoded = (BirthMessage) codec.decode(topic, json.getBytes(StandardCharsets.UTF_8));
        assertEquals(rbe, decoded);
        assertEquals(60, decoded.heartbeatOrInterval());

        // An agent from before report by exception: no heartbeatS, a status every statusIntervalS.
        BirthMessage old = (BirthMessage) codec.decode(topic, codec.encode(new BirthMessage(1, "box-1", 1_700_000_000_000L,
                "boot-a", 1, "0.1.0", null, "m", 10, null, null, null)));
        assertEquals(null, old.heartbeatS());
        assertEquals(10, old.heartbeatOrInterval());
        assertFalse(new String(codec.encode(old), StandardCharsets.UTF_8).contains("heartbeatS"));
        assertEquals(old, codec.decode(topic, json.replace("\"heartbeatS\":60", "\"heartbeatS\":null")
                .replace("\"statusIntervalS\":60", "\"statusIntervalS\":10").getBytes(StandardCharsets.UTF_8)));

        for (String bad : List.of("0", "-5", "3601", "{}", "[60]", "\"sixty\"")) {
            ProtocolException e = refuse(topic, json.replace("\"heartbeatS\":60", "\"heartbeatS\":" + bad));
            assertEquals(ProtocolException.Reason.INVALID_FIELD, e.reason(), bad);
            assertTrue(e.getMessage().contains("heartbeatS"), bad + ": " + e.getMessage());
        }
    }

    @Test
    void streamTargetReachabilityRoundTripsAndIsLeftOutWhenUnknown() throws Exception {
        StatusMessage base = status("box-1", 8);
        StatusMessage unreachable = new StatusMessage(base.v(), base.boxId(), base.ts(), base.bootId(), base.seq(),
                base.intervalS(), base.cameras(), base.microphones(), base.network(), base.system(),
                new StreamStatus(false, "rtmp://stream.example/live", 0, 3L, "stream server stream.example:1935 not reachable", false));
        assertEquals(unreachable, codec.decode(statusTopic, codec.encode(unreachable)));
        String json = new String(codec.encode(base), StandardCharsets.UTF_8);
        assertTrue(!json.contains("targetReachable"), json);
    }

    @Test
    void unknownFieldsAreIgnoredSoEitherSideMayAddFields() throws Exception {
        String json = new String(codec.encode(status("box-1", 1)), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"futureField\":{\"x\":1},");
        StatusMessage decoded = (StatusMessage) codec.decode(statusTopic, json.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, decoded.seq());
    }

    @Test
    void refusesMalformedJson() {
        ProtocolException e = refuse(statusTopic, "{\"v\":1,");
        assertEquals(ProtocolException.Reason.BAD_JSON, e.reason());
        assertEquals(ProtocolException.Reason.BAD_JSON, refuse(statusTopic, "[1,2]").reason());
        assertEquals(ProtocolException.Reason.BAD_JSON, refuse(statusTopic, "\u0000\u0001binary").reason());
    }

    @Test
    void refusesAKeyTwiceInOneObjectAtAnyDepth() {
        String json = new String(codec.encode(status("box-1", 3)), StandardCharsets.UTF_8);
        // The stored raw text would show seq 3 while a last-wins reader acted on seq 999.
        ProtocolException top = refuse(statusTopic, json.replaceFirst("\\{", "{\"seq\":999,"));
        assertEquals(ProtocolException.Reason.BAD_JSON, top.reason());
        assertTrue(top.getMessage().contains("Duplicate field 'seq'"), top.getMessage());
        ProtocolException nested = refuse(statusTopic, json.replace("\"id\":\"cam-1\"", "\"id\":\"cam-1\",\"id\":\"cam-2\""));
        assertEquals(ProtocolException.Reason.BAD_JSON, nested.reason());
        assertTrue(nested.getMessage().contains("Duplicate field 'id'"), nested.getMessage());
    }

    @Test
    void aStatusListsAtMostSixteenCamerasAndSixteenMicrophones() throws Exception {
        StatusMessage one = status("box-1", 4);
        List<CameraStatus> sixteen = java.util.stream.IntStream.range(0, Protocol.MAX_CAMERAS)
                .mapToObj(i -> new CameraStatus("cam-" + i, CameraRole.OTHER, CameraKind.USB, DeviceState.OK,
                        null, null, null, null, false, null)).toList();
        StatusMessage full = new StatusMessage(1, "box-1", one.ts(), "boot-a", 4, 10, sixteen, one.microphones(),
                one.network(), one.system(), one.stream());
        assertEquals(full, codec.decode(statusTopic, codec.encode(full)));

        String json = new String(codec.encode(full), StandardCharsets.UTF_8);
        String seventeen = json.replace("\"cameras\":[", "\"cameras\":[{\"id\":\"cam-x\",\"role\":\"other\",\"kind\":\"usb\","
                + "\"state\":\"ok\",\"frozen\":false},");
        ProtocolException cams = refuse(statusTopic, seventeen);
        assertEquals(ProtocolException.Reason.INVALID_FIELD, cams.reason());
        assertEquals("field 'cameras' lists 17 items; at most 16 are allowed", cams.getMessage());

        StringBuilder mics = new StringBuilder();
        for (int i = 0; i < 950; i++) {
            mics.append(i == 0 ? "" : ",").append("{\"id\":\"m").append(i).append("\",\"state\":\"ok\",\"muted\":false,\"clipping\":false}");
        }
        String many = json.replaceFirst("\"microphones\":\\[[^\\]]*\\]", "\"microphones\":[" + mics + "]");
        ProtocolException micsRefused = refuse(statusTopic, many);
        assertEquals(ProtocolException.Reason.INVALID_FIELD, micsRefused.reason());
        assertTrue(micsRefused.getMessage().contains("'microphones' lists 950 items"), micsRefused.getMessage());
    }

    @Test
    void refusesOversizedPayloadBeforeParsing() {
        byte[] big = new byte[Protocol.MAX_PAYLOAD_BYTES + 1];
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(statusTopic, big));
        assertEquals(ProtocolException.Reason.TOO_LARGE, e.reason());
    }

    @Test
    void refusesUnknownVersionBeforeLookingAtOtherFields() {
        ProtocolException e = refuse(statusTopic, "{\"v\":2,\"boxId\":\"box-1\"}");
        assertEquals(ProtocolException.Reason.UNSUPPORTED_VERSION, e.reason());
        assertTrue(e.getMessage().contains("v=2"), e.getMessage());
    }

    @Test
    void namesTheMissingField() {
        ProtocolException e = refuse(statusTopic,
                "{\"v\":1,\"boxId\":\"box-1\",\"ts\":5,\"seq\":1,\"intervalS\":10}");
        assertEquals(ProtocolException.Reason.MISSING_FIELD, e.reason());
        assertTrue(e.getMessage().contains("bootId"), e.getMessage());
    }

    @Test
    void refusesMissingNumbersAndFlagsInsteadOfReadingThemAsZero() {
        String json = new String(codec.encode(status("box-1", 1)), StandardCharsets.UTF_8);
        ProtocolException noSeq = refuse(statusTopic, json.replace("\"seq\":1,", ""));
        assertEquals(ProtocolException.Reason.MISSING_FIELD, noSeq.reason());
        assertEquals("missing field 'seq'", noSeq.getMessage());
        ProtocolException noMuted = refuse(statusTopic, json.replace("\"muted\":false,", ""));
        assertEquals(ProtocolException.Reason.MISSING_FIELD, noMuted.reason());
        assertTrue(noMuted.getMessage().contains("microphones[0].muted"), noMuted.getMessage());
        ProtocolException otherVersion = refuse(statusTopic, json.replace("\"seq\":1,", "").replace("\"v\":1", "\"v\":3"));
        assertEquals(ProtocolException.Reason.UNSUPPORTED_VERSION, otherVersion.reason());
    }

    @Test
    void namesTheInvalidField() {
        String json = new String(codec.encode(status("box-1", 1)), StandardCharsets.UTF_8)
                .replace("\"state\":\"ok\"", "\"state\":\"melted\"");
        ProtocolException e = refuse(statusTopic, json);
        assertEquals(ProtocolException.Reason.INVALID_FIELD, e.reason());
        assertTrue(e.getMessage().contains("melted"), e.getMessage());

        ProtocolException wrongType = refuse(statusTopic, json.replace("\"intervalS\":10", "\"intervalS\":\"ten\""));
        assertEquals(ProtocolException.Reason.INVALID_FIELD, wrongType.reason());
        assertTrue(wrongType.getMessage().contains("intervalS"), wrongType.getMessage());
    }

    @Test
    void refusesPayloadForAnotherBox() {
        byte[] payload = codec.encode(status("box-2", 1));
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(statusTopic, payload));
        assertEquals(ProtocolException.Reason.BOX_MISMATCH, e.reason());
    }

    @Test
    void refusesBadBoxIdInPayloadAndTopic() {
        assertEquals(ProtocolException.Reason.BAD_BOX_ID,
                refuse(statusTopic, "{\"v\":1,\"boxId\":\"box 1!\",\"ts\":5}").reason());
        assertEquals(ProtocolException.Reason.BAD_BOX_ID,
                refuse("syncready/v1/box/b%d/status", "{}").reason());
        assertEquals(ProtocolException.Reason.BAD_TOPIC,
                refuse("syncready/v1/box/box-1/nonsense", "{}").reason());
    }

    @Test
    void decodesStateOnItsChannel() throws Exception {
        StateMessage will = new StateMessage(1, "box-1", 9, "boot-a", 3, 2, StateMessage.Presence.OFFLINE);
        Message decoded = codec.decode(Topics.of("box-1", Channel.STATE), codec.encode(will));
        assertInstanceOf(StateMessage.class, decoded);
        assertEquals(will, decoded);
    }

    @Test
    void failedResultsMustSayWhy() {
        ProtocolException e = refuse(Topics.of("box-1", Channel.CONFIG_REPORTED),
                "{\"v\":1,\"boxId\":\"box-1\",\"ts\":5,\"bootId\":\"b\",\"seq\":2,\"version\":3,\"result\":\"rejected\"}");
        assertEquals(ProtocolException.Reason.MISSING_FIELD, e.reason());
        assertTrue(e.getMessage().contains("error"));
    }
}
