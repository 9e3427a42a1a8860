package org.syncready.controller.readiness;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;

/**
 * Every reason's two sentences, built from its code and measured values. The Chinese sentence is
 * Chinese throughout: device roles, states and causes are translated from their codes, and the agent's
 * own (English) error text appears only in the English sentence, in parentheses. Ids (box, camera,
 * host names) and numbers are values and appear in both.
 */
final class ReasonSentences {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private final ZoneId zone;

    ReasonSentences(ZoneId zone) {
        this.zone = zone;
    }

    // ------------------------------------------------------------------ the box

    Reason noBox() {
        return new Reason(ReasonCode.NO_BOX, Severity.UNKNOWN, null,
                "No recording box is registered in this classroom.", "该教室没有登记录播主机。", null);
    }

    Reason neverReported(String boxId) {
        return new Reason(ReasonCode.NO_DATA, Severity.UNKNOWN, null,
                "Box " + boxId + " has never reported its status.", "录播主机 " + boxId + " 从未上报状态。", null);
    }

    Reason offline(String boxId, Long lastSeen) {
        String since = lastSeen == null ? null : hm(Instant.ofEpochMilli(lastSeen));
        return new Reason(ReasonCode.BOX_OFFLINE, Severity.BLOCKING, null,
                "Box " + boxId + " is offline" + (since == null ? "." : " (last seen " + since + ")."),
                "录播主机 " + boxId + " 离线" + (since == null ? "。" : "（最后在线 " + since + "）。"),
                lastSeen == null ? null : Map.of("lastSeen", Instant.ofEpochMilli(lastSeen).toString()));
    }

    Reason selftestNoAnswer(Instant statusAt) {
        String at = statusAt == null ? "?" : hm(statusAt);
        return new Reason(ReasonCode.SELFTEST_NO_ANSWER, Severity.INFO, null,
                "The box did not answer the self-test; judged on its last status (" + at + ").",
                "录播主机未响应自检，按最近一次状态（" + at + "）判断。", null);
    }

    Reason stale(Severity severity, long ageS, int intervalS) {
        boolean blocking = severity == Severity.BLOCKING;
        return new Reason(ReasonCode.STALE_STATUS, severity, null,
                "No fresh status for " + ageS + " s (expected at least every " + intervalS + " s)"
                        + (blocking ? ": the box may have hung and cannot be counted on for this session." : "."),
                ageS + " 秒未收到新状态（应至少每 " + intervalS + " 秒上报）" + (blocking ? "，主机可能已死机，本节课无法依靠它。" : "。"),
                Map.of("ageS", ageS, "intervalS", intervalS));
    }

    /** STALE_STATUS for a box that did not answer its self-test before class and has missed its heartbeat. */
    Reason staleNoSelftest(long ageS, int intervalS) {
        return new Reason(ReasonCode.STALE_STATUS, Severity.BLOCKING, null,
                "No answer to the self-test and no status for " + ageS + " s (expected at least every " + intervalS
                        + " s): the box may have hung and cannot be counted on for this session.",
                "录播主机未响应自检，且 " + ageS + " 秒未收到新状态（应至少每 " + intervalS + " 秒上报），主机可能已死机，本节课无法依靠它。",
                Map.of("ageS", ageS, "intervalS", intervalS, "selftest", "no-answer"));
    }

    // ------------------------------------------------------------------ cameras and microphones

    Reason cameraRoleMissing(CameraRole role) {
        return new Reason(ReasonCode.CAMERA_ABSENT, Severity.BLOCKING, null,
                capitalize(roleEn(role)) + " camera: none reported by the box.",
                roleZh(role) + "摄像机：主机未上报。", Map.of("role", role.toString()));
    }

    /** What is wrong with one camera, as a condition code: absent, frozen, black, degraded or fault. */
    enum CameraProblem {
        ABSENT("not connected", "未连接"), FROZEN("picture frozen", "画面冻结"), BLACK("picture black", "黑屏"),
        DEGRADED("degraded", "质量下降"), FAULT("fault", "故障");

        final String en;
        final String zh;

        CameraProblem(String en, String zh) {
            this.en = en;
            this.zh = zh;
        }
    }

    Reason camera(ReasonCode code, Severity severity, String id, CameraRole role, CameraProblem problem, String error,
                  Double fps, Integer bitrateKbps, String state, boolean fromSelftest) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", state);
        data.put("problem", problem.name().toLowerCase(Locale.ROOT));
        putIfNotNull(data, "fps", fps);
        putIfNotNull(data, "bitrateKbps", bitrateKbps);
        String fpsZh = problem == CameraProblem.DEGRADED && fps != null ? "（帧率 " + num(fps) + "）" : "";
        return new Reason(code, severity, id,
                (fromSelftest ? "Self-test: " : "") + capitalize(roleEn(role)) + " camera " + id + ": " + problem.en
                        + (error == null ? "" : " (" + error + ")") + ".",
                (fromSelftest ? "自检：" : "") + roleZh(role) + "摄像机 " + id + "：" + problem.zh + fpsZh + "。", data);
    }

    Reason noMicrophone() {
        return new Reason(ReasonCode.MIC_SILENT, Severity.BLOCKING, null,
                "No microphone reported by the box.", "主机未上报任何麦克风。", null);
    }

    /** What is wrong with one microphone: absent, silent, muted or fault. */
    enum MicProblem {
        ABSENT("not connected, no signal", "未连接，无信号"), SILENT("silent", "无声"), MUTED("muted", "已静音"),
        FAULT("fault, no signal", "故障，无信号");

        final String en;
        final String zh;

        MicProblem(String en, String zh) {
            this.en = en;
            this.zh = zh;
        }
    }

    Reason microphone(Severity severity, String id, String role, MicProblem problem, Double levelDbfs, String error,
                      boolean fromSelftest) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("problem", problem.name().toLowerCase(Locale.ROOT));
        putIfNotNull(data, "levelDbfs", levelDbfs);
        String level = levelDbfs == null || problem == MicProblem.ABSENT ? "" : " (level " + Math.round(levelDbfs) + " dBFS)";
        String levelZh = levelDbfs == null || problem == MicProblem.ABSENT ? "" : "（电平 " + Math.round(levelDbfs) + " dBFS）";
        String hint = problem == MicProblem.SILENT || problem == MicProblem.MUTED ? " - muted, unplugged or switched off?" : ".";
        String hintZh = problem == MicProblem.SILENT || problem == MicProblem.MUTED ? "——是否静音、未插好或未开机？" : "。";
        return new Reason(ReasonCode.MIC_SILENT, severity, id,
                (fromSelftest ? "Self-test: m" : "M") + "icrophone " + micNameEn(id, role) + ": " + problem.en + level
                        + (error == null ? "" : " (" + error + ")") + hint,
                (fromSelftest ? "自检：" : "") + micNameZh(id, role) + "：" + problem.zh + levelZh + hintZh, data);
    }

    Reason clipping(String id, String role, Double peakDbfs) {
        Map<String, Object> data = new LinkedHashMap<>();
        putIfNotNull(data, "peakDbfs", peakDbfs);
        return new Reason(ReasonCode.MIC_CLIPPING, Severity.WARNING, id,
                "Microphone " + micNameEn(id, role) + ": clipping - lower its gain.",
                micNameZh(id, role) + "：削波失真——请调低增益。", data);
    }

    // ------------------------------------------------------------------ the stream path

    Reason notPushing(Severity severity, boolean lead, StreamServer server, String error) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("pushing", false);
        if (server != null) {
            data.put("server", server.toString());
        }
        String to = server == null ? "" : " to " + server;
        String toZh = server == null ? "" : "向 " + server + " ";
        String detail = error == null ? "" : " (" + error + ")";
        return lead
                ? new Reason(ReasonCode.STREAM_NOT_PUSHING, severity, null,
                        "The box is not pushing the class stream" + to + detail + ": remote classrooms get no lesson.",
                        "主讲教室主机未" + toZh + "推送课堂直播流，远端教室收不到课程。", data)
                : new Reason(ReasonCode.STREAM_NOT_PUSHING, severity, null,
                        "The box is not pushing its stream back" + to + detail + ": the lead classroom cannot see this room.",
                        "本教室主机未" + toZh + "推送回传画面，主讲教室看不到本教室。", data);
    }

    Reason lowBitrate(int bitrateKbps, int expectedKbps, double share, String profile) {
        int pct = (int) Math.round(share * 100);
        return new Reason(ReasonCode.STREAM_NOT_PUSHING, Severity.WARNING, null,
                "The class stream is pushed at " + kbps(bitrateKbps) + ", below " + pct + " % of the " + kbps(expectedKbps)
                        + " of profile " + profile + ".",
                "课堂直播推流码率 " + kbps(bitrateKbps) + "，低于配置 " + profile + " 的 " + kbps(expectedKbps) + " 的 " + pct + "%。",
                Map.of("bitrateKbps", bitrateKbps, "expectedKbps", expectedKbps));
    }

    Reason noStream() {
        return new Reason(ReasonCode.NO_DATA, Severity.UNKNOWN, "stream",
                "The box reports no class stream: whether it pushes the lesson is unknown.",
                "主机未上报直播推流状态，无法判断能否推送课程。", Map.of("figure", "stream"));
    }

    Reason serverUnreachable(boolean lead, StreamServer server, String error, boolean fromSelftest) {
        Map<String, Object> data = Map.of("server", server.toString());
        String detail = error == null ? "" : " (" + error + ")";
        String pre = fromSelftest ? "Self-test: s" : "S";
        String preZh = fromSelftest ? "自检：" : "";
        return lead
                ? new Reason(ReasonCode.STREAM_SERVER_UNREACHABLE, Severity.BLOCKING, null,
                        pre + "tream server " + server + " does not answer the box" + detail + ": the lesson cannot be pushed.",
                        preZh + "主讲教室主机无法连接直播服务器 " + server + "，课程无法推送。", data)
                : new Reason(ReasonCode.STREAM_SERVER_UNREACHABLE, Severity.BLOCKING, null,
                        pre + "tream server " + server + " does not answer this box" + detail + ": the classroom cannot receive the lesson.",
                        preZh + "本教室主机无法连接直播服务器 " + server + "，收不到课程。", data);
    }

    Reason serverNotProbed(Severity severity, StreamServer server) {
        return new Reason(ReasonCode.NO_DATA, severity, "streamServer",
                "Whether this box reaches stream server " + server + " is not measured yet (a self-test asks it to probe the server).",
                "尚未测得本教室主机与直播服务器 " + server + " 的连通性（已通过自检请主机探测）。",
                Map.of("figure", "streamServer", "server", server.toString()));
    }

    // ------------------------------------------------------------------ network

    Reason uplinkLow(Severity severity, double up, int needKbps, int streams, int bitrateKbps, double margin, String profile) {
        boolean warning = severity == Severity.WARNING;
        int pct = (int) Math.round(margin * 100);
        String of = profile == null ? "the default bitrate" : "profile " + profile;
        String ofZh = profile == null ? "默认码率" : "配置 " + profile;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("uplinkKbps", up);
        data.put("neededKbps", needKbps);
        data.put("streams", streams);
        data.put("bitrateKbps", bitrateKbps);
        if (profile != null) {
            data.put("profile", profile);
        }
        return new Reason(ReasonCode.UPLINK_LOW, severity, null,
                "Uplink " + kbps(up) + " is below the " + kbps(needKbps) + " this session needs (" + streams + " stream(s) x "
                        + kbps(bitrateKbps) + " of " + of + " + " + pct + " %)" + (warning ? " plus headroom." : "."),
                "上行带宽 " + kbps(up) + "，低于本节课所需 " + kbps(needKbps) + "（" + streams + " 路 × " + kbps(bitrateKbps)
                        + "，" + ofZh + "，另加 " + pct + "%）" + (warning ? "及余量。" : "。"), data);
    }

    Reason uplinkUnknown(int needKbps, boolean asked) {
        return new Reason(ReasonCode.NO_DATA, Severity.UNKNOWN, "uplinkKbps",
                "Uplink not measured: this session needs " + kbps(needKbps) + " up and the box reports no speed-test figure"
                        + (asked ? "; a self-test asks it for one." : "."),
                "上行带宽未测得：本节课需要上行 " + kbps(needKbps) + "，主机未上报测速结果" + (asked ? "（已请求自检重新测速）。" : "。"),
                Map.of("figure", "uplinkKbps", "neededKbps", needKbps));
    }

    Reason uplinkTooOld(int needKbps, int lastKbps, long ageS, boolean asked) {
        long minutes = ageS / 60;
        return new Reason(ReasonCode.NO_DATA, Severity.UNKNOWN, "uplinkKbps",
                "Uplink figure too old: the last speed test (" + kbps(lastKbps) + ") ran " + minutes + " min ago; this session needs "
                        + kbps(needKbps) + (asked ? "; a self-test asks for a fresh one." : "."),
                "上行带宽数据过旧：最近一次测速（" + kbps(lastKbps) + "）在 " + minutes + " 分钟前，本节课需要上行 " + kbps(needKbps)
                        + (asked ? "（已请求自检重新测速）。" : "。"),
                Map.of("figure", "uplinkKbps", "neededKbps", needKbps, "uplinkKbps", lastKbps, "ageS", ageS));
    }

    Reason linkDown() {
        return new Reason(ReasonCode.LOSS_HIGH, Severity.BLOCKING, null,
                "The box's network link is down.", "主机网络链路断开。", Map.of("link", "down"));
    }

    Reason echoUnknown(boolean asked) {
        return new Reason(ReasonCode.NO_DATA, Severity.UNKNOWN, "rttMs",
                "Round trip and loss not measured: the box reports no echo figures" + (asked ? "; a self-test asks it for them." : "."),
                "往返时延和丢包率未测得：主机未上报网络回声测量结果" + (asked ? "（已请求自检重新测量）。" : "。"),
                Map.of("figure", "rttMs"));
    }

    Reason rtt(Severity severity, double median, int samples, double limit) {
        return new Reason(ReasonCode.RTT_HIGH, severity, null,
                "Round trip " + Math.round(median) + " ms to the controller (median of " + samples + " measurement(s); limit "
                        + Math.round(limit) + " ms).",
                "到控制器的往返时延 " + Math.round(median) + " 毫秒（" + samples + " 次测量的中位数；上限 " + Math.round(limit) + " 毫秒）。",
                Map.of("rttMs", median, "samples", samples));
    }

    Reason jitter(Severity severity, double median, int samples, double limit) {
        return new Reason(ReasonCode.JITTER_HIGH, severity, null,
                "Jitter " + Math.round(median) + " ms (median of " + samples + " measurement(s); limit " + Math.round(limit) + " ms).",
                "网络抖动 " + Math.round(median) + " 毫秒（" + samples + " 次测量的中位数；上限 " + Math.round(limit) + " 毫秒）。",
                Map.of("jitterMs", median, "samples", samples));
    }

    Reason loss(Severity severity, double median, int samples, double limit) {
        return new Reason(ReasonCode.LOSS_HIGH, severity, null,
                "Packet loss " + pct(median) + " (median of " + samples + " measurement(s); limit " + pct(limit) + ").",
                "丢包率 " + pct(median) + "（" + samples + " 次测量的中位数；上限 " + pct(limit) + "）。",
                Map.of("lossPct", median, "samples", samples));
    }

    Reason clockSkew(double offsetMs, double limit) {
        return new Reason(ReasonCode.CLOCK_SKEW, Severity.WARNING, null,
                "Box clock is off by " + Math.round(offsetMs) + " ms (limit " + Math.round(limit) + " ms).",
                "主机时钟偏差 " + Math.round(offsetMs) + " 毫秒（上限 " + Math.round(limit) + " 毫秒）。",
                Map.of("ntpOffsetMs", offsetMs));
    }

    /** The box's timestamps are far from the controller's clock (PROTOCOL.md §5.5), with or without an NTP figure. */
    Reason clockFromTimestamps(long offsetMs) {
        long s = Math.abs(offsetMs) / 1000;
        boolean ahead = offsetMs > 0;
        return new Reason(ReasonCode.CLOCK_SKEW, Severity.WARNING, null,
                "Box clock is " + s + " s " + (ahead ? "ahead of" : "behind") + " the controller's.",
                "主机时钟比控制器" + (ahead ? "快 " : "慢 ") + s + " 秒。", Map.of("clockOffsetMs", offsetMs));
    }

    Reason clockUnknown() {
        return new Reason(ReasonCode.NO_DATA, Severity.INFO, "ntpOffsetMs",
                "Box clock offset not measured (no NTP figure).", "主机时钟偏差未测得（无 NTP 测量结果）。",
                Map.of("figure", "ntpOffsetMs"));
    }

    // ------------------------------------------------------------------ disk

    Reason diskCannotRecord(long freeMb, long recordingMb, long minutes) {
        return new Reason(ReasonCode.DISK_LOW, Severity.BLOCKING, null,
                "Disk has " + freeMb + " MB free; recording the " + minutes + " min of this session needs about " + recordingMb + " MB.",
                "磁盘剩余 " + freeMb + " MB，录制本节课 " + minutes + " 分钟约需 " + recordingMb + " MB，无法完整录制。",
                Map.of("diskFreeMb", freeMb, "neededMb", recordingMb));
    }

    Reason diskTight(long freeMb, long recordingMb, long reserveMb) {
        return new Reason(ReasonCode.DISK_LOW, Severity.WARNING, null,
                "Disk has " + freeMb + " MB free; recording this session needs about " + recordingMb + " MB plus a "
                        + reserveMb + " MB reserve.",
                "磁盘剩余 " + freeMb + " MB，录制本节课约需 " + recordingMb + " MB，另需 " + reserveMb + " MB 余量。",
                Map.of("diskFreeMb", freeMb, "neededMb", recordingMb + reserveMb));
    }

    Reason diskBelowReserve(long freeMb, long reserveMb) {
        return new Reason(ReasonCode.DISK_LOW, Severity.WARNING, null,
                "Disk has " + freeMb + " MB free, below the " + reserveMb + " MB the box needs for its logs and outbox.",
                "磁盘剩余 " + freeMb + " MB，低于主机日志与离线缓存所需的 " + reserveMb + " MB。",
                Map.of("diskFreeMb", freeMb, "neededMb", reserveMb));
    }

    Reason diskUnknown(long recordingMb) {
        return new Reason(ReasonCode.NO_DATA, Severity.UNKNOWN, "diskFreeMb",
                "Free disk not reported: whether the box can record this session (about " + recordingMb + " MB) is unknown.",
                "主机未上报磁盘剩余空间，无法判断能否录制本节课（约需 " + recordingMb + " MB）。",
                Map.of("figure", "diskFreeMb", "neededMb", recordingMb));
    }

    // ------------------------------------------------------------------ configuration

    Reason drift(ConfigDriftSource.Drift d, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("desiredVersion", d.desiredVersion());
        if (d.reportedVersion() != null) {
            data.put("reportedVersion", d.reportedVersion());
        }
        if (d.reportedResult() != null) {
            data.put("result", d.reportedResult());
        }
        data.put("since", d.since().toString());
        String detail = d.error() == null ? "" : " (" + d.error() + ")";
        if ("rejected".equals(d.reportedResult())) {
            return new Reason(ReasonCode.CONFIG_DRIFT, Severity.WARNING, null,
                    "Configuration v" + d.desiredVersion() + " was rejected by the box" + detail + ".",
                    "配置 v" + d.desiredVersion() + " 被主机拒绝：" + rejectionZh(d.error()) + "。", data);
        }
        if ("rolled_back".equals(d.reportedResult())) {
            return new Reason(ReasonCode.CONFIG_DRIFT, Severity.WARNING, null,
                    "Configuration v" + d.desiredVersion() + " was applied, failed the box's check and was rolled back" + detail + ".",
                    "配置 v" + d.desiredVersion() + " 应用后设备检查失败，已回滚到原配置。", data);
        }
        long minutes = Math.max(0, java.time.Duration.between(d.since(), now).toMinutes());
        return new Reason(ReasonCode.CONFIG_DRIFT, Severity.WARNING, null,
                "Configuration v" + d.desiredVersion() + " not applied after " + minutes + " min (the box runs "
                        + version(d.reportedVersion()) + ").",
                "配置 v" + d.desiredVersion() + " 已下发 " + minutes + " 分钟仍未生效（主机运行 " + versionZh(d.reportedVersion()) + "）。",
                data);
    }

    /** The agent's rejection reasons (protocol 4.4's checks, in order), told in Chinese. */
    static String rejectionZh(String error) {
        String e = error == null ? "" : error.toLowerCase(Locale.ROOT);
        if (e.contains("document is for box")) {
            return "配置不是发给本主机的";
        }
        if (e.contains("sha256") || e.contains("sha-256")) {
            return "配置内容的校验值不符";
        }
        if (e.contains("no controller key")) {
            return "主机未固定控制器公钥，无法验证签名";
        }
        if (e.contains("signature")) {
            return "签名验证失败";
        }
        if (e.contains("model")) {
            return "配置的设备型号与主机不符";
        }
        if (e.contains("validate") || e.contains("schema")) {
            return "配置内容不符合该型号的格式要求";
        }
        if (e.contains("cannot write")) {
            return "主机无法写入配置文件";
        }
        return "原因未能识别（见英文说明）";
    }

    // ------------------------------------------------------------------ self-test

    Reason selftestFailed(String device, String whatEn, String whatZh, String error) {
        return new Reason(ReasonCode.SELFTEST_FAILED, Severity.WARNING, device,
                "Self-test: " + whatEn + (error == null ? "" : " (" + error + ")") + ".",
                "自检未通过：" + whatZh + "。", null);
    }

    // ------------------------------------------------------------------ classroom equipment

    /** Equipment the box reads over OPC UA, out of range or unreadable: a warning, someone in the room can usually fix it. */
    Reason equipment(EquipmentStatus e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("role", e.role());
        data.put("state", e.state().toString());
        putIfNotNull(data, "value", e.value());
        putIfNotNull(data, "expected", e.expected());
        String what = switch (e.role()) {
            case "display-power" -> "display power";
            case "projector-lamp-hours" -> "projector lamp hours";
            case "room-temperature" -> "room temperature";
            case "power-sequencer" -> "power sequencer";
            default -> "equipment " + e.role();
        };
        String whatZh = switch (e.role()) {
            case "display-power" -> "显示屏电源";
            case "projector-lamp-hours" -> "投影仪灯泡使用时长";
            case "room-temperature" -> "室温";
            case "power-sequencer" -> "电源时序器";
            default -> "设备 " + e.role();
        };
        if (e.state() == EquipmentState.UNREACHABLE) {
            return new Reason(ReasonCode.EQUIPMENT_FAULT, Severity.WARNING, e.name(),
                    capitalize(what) + " (" + e.name() + "): cannot be read" + (e.error() == null ? "" : " (" + e.error() + ")") + ".",
                    whatZh + "（" + e.name() + "）：无法读取，设备无响应或拒绝连接。", data);
        }
        String value = e.value() + (e.unit() == null ? "" : " " + e.unit());
        String expected = e.expected() == null ? "" : e.expected();
        return new Reason(ReasonCode.EQUIPMENT_FAULT, Severity.WARNING, e.name(),
                capitalize(what) + " (" + e.name() + "): " + value + ", expected " + expected + ".",
                whatZh + "（" + e.name() + "）：读数 " + value + "，应为 " + expected + "。", data);
    }

    // ------------------------------------------------------------------ words

    String hm(Instant at) {
        return HM.format(at.atZone(zone));
    }

    private static String version(Long v) {
        return v == null ? "none" : "v" + v;
    }

    private static String versionZh(Long v) {
        return v == null ? "无配置" : "v" + v;
    }

    static String kbps(double kbps) {
        return kbps >= 1000 ? String.format(Locale.ROOT, "%.1f Mbit/s", kbps / 1000) : Math.round(kbps) + " kbit/s";
    }

    private static String pct(double p) {
        return String.format(Locale.ROOT, "%.1f %%", p);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void putIfNotNull(Map<String, Object> data, String key, Object value) {
        if (value != null) {
            data.put(key, value);
        }
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String roleEn(CameraRole role) {
        return role == null ? "other" : role.toString();
    }

    static String roleZh(CameraRole role) {
        if (role == null) {
            return "其他";
        }
        return switch (role) {
            case TEACHER -> "教师";
            case STUDENT -> "学生";
            case BLACKBOARD -> "板书";
            case WIDE -> "全景";
            default -> "其他";
        };
    }

    private static String micNameEn(String id, String role) {
        return role == null || role.isBlank() ? id : id + " (" + role + ")";
    }

    /** A microphone's role is free text: known roles are translated, others are left out of the Chinese sentence. */
    static String micNameZh(String id, String role) {
        String r = role == null ? "" : switch (role.toLowerCase(Locale.ROOT)) {
            case "teacher" -> "教师";
            case "student", "students" -> "学生";
            case "room", "classroom" -> "教室";
            case "wireless" -> "无线";
            case "ceiling" -> "吊顶";
            default -> "";
        };
        return r + "麦克风 " + id;
    }
}
