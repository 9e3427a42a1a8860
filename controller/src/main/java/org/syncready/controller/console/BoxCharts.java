package org.syncready.controller.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.syncready.controller.fleet.BoxHistory;

/**
 * The Box page's history charts: RTT, jitter, loss, uplink, microphone levels, CPU and free disk over
 * 1 h, 24 h or 7 days, from the kept status reports ({@link BoxHistory}), averaged into at most
 * {@link #POINTS} buckets so a chart is a few KB whatever the range. A long range reads a few reports
 * per bucket rather than every report (at 10 s a week is 60,000). Reads the store: call on a worker.
 * Only what the store still keeps can be drawn: raw reports are kept {@code --raw-retention-hours}
 * (48 h by default), so the 7-day chart shows that much.
 */
final class BoxCharts {
    static final int POINTS = 180;
    private static final int PER_BUCKET = 3;

    /** A chart range: {@code 1h}, {@code 24h}, {@code 7d}. */
    enum Range {
        HOUR("1h", Duration.ofHours(1)), DAY("24h", Duration.ofHours(24)), WEEK("7d", Duration.ofDays(7));

        final String label;
        final Duration span;

        Range(String label, Duration span) {
            this.label = label;
            this.span = span;
        }

        static Range parse(String s) {
            for (Range r : values()) {
                if (r.label.equals(s)) {
                    return r;
                }
            }
            return HOUR;
        }
    }

    private final BoxHistory history;
    private final ObjectMapper json;

    BoxCharts(BoxHistory history, ObjectMapper json) {
        this.history = history;
        this.json = json;
    }

    /** {@code {range, from, to, t:[ms], rtt:[], jitter:[], loss:[], uplink:[], cpu:[], disk:[], mics:{id:[]}}}; null for a gap. */
    ObjectNode series(String boxId, Range range, long now) {
        long from = now - range.span.toMillis();
        long step = Math.max(1, range.span.toMillis() / POINTS);
        String[] keys = {"rtt", "jitter", "loss", "uplink", "cpu", "disk"};
        ObjectNode out = json.createObjectNode().put("range", range.label).put("from", from).put("to", now).put("stepMs", step);
        ArrayNode t = out.putArray("t");
        Map<String, ArrayNode> series = new LinkedHashMap<>();
        for (String k : keys) {
            series.put(k, out.putArray(k));
        }
        ObjectNode mics = out.putObject("mics");
        int points = 0;
        if (range == Range.HOUR) {
            // An hour at 10 s is 360 reports: read them all once, then bucket.
            List<BoxHistory.StatusRecord> rows = history.statusHistory(boxId, from, now, 2_000);
            for (long b = from; b < now; b += step) {
                long end = b + step;
                points += add(rows.stream().filter(r -> r.receivedAt() >= end - step && r.receivedAt() < end).toList(), b + step / 2,
                        t, series, mics, points);
            }
        } else {
            for (long b = from; b < now; b += step) {
                points += add(history.statusHistory(boxId, b, b + step, PER_BUCKET), b + step / 2, t, series, mics, points);
            }
        }
        out.put("points", points);
        return out;
    }

    /** Averages one bucket's reports into one point (nothing for an empty bucket: the chart shows a gap). */
    private int add(List<BoxHistory.StatusRecord> rows, long at, ArrayNode t, Map<String, ArrayNode> series, ObjectNode mics, int index) {
        if (rows.isEmpty()) {
            return 0;
        }
        double[] sum = new double[6];
        int[] n = new int[6];
        Map<String, double[]> micSum = new LinkedHashMap<>();
        for (BoxHistory.StatusRecord r : rows) {
            JsonNode s;
            try {
                s = json.readTree(r.json());
            } catch (Exception e) {
                continue;
            }
            JsonNode net = s.path("network");
            JsonNode sys = s.path("system");
            JsonNode[] v = {net.path("rttMs"), net.path("jitterMs"), net.path("lossPct"), net.path("uplinkKbps"), sys.path("cpuPct"),
                    sys.path("diskFreeMb")};
            for (int i = 0; i < v.length; i++) {
                if (v[i].isNumber()) {
                    sum[i] += v[i].asDouble();
                    n[i]++;
                }
            }
            for (JsonNode m : s.path("microphones")) {
                if (m.path("levelDbfs").isNumber()) {
                    double[] a = micSum.computeIfAbsent(m.path("id").asText(), k -> new double[2]);
                    a[0] += m.path("levelDbfs").asDouble();
                    a[1]++;
                }
            }
        }
        t.add(at);
        int i = 0;
        for (ArrayNode a : series.values()) {
            if (n[i] == 0) {
                a.addNull();
            } else {
                a.add(Math.round(sum[i] / n[i] * 10) / 10.0);
            }
            i++;
        }
        for (Map.Entry<String, double[]> m : micSum.entrySet()) {
            ArrayNode a = mics.has(m.getKey()) ? (ArrayNode) mics.get(m.getKey()) : mics.putArray(m.getKey());
            while (a.size() < index) {
                a.addNull();
            }
            a.add(Math.round(m.getValue()[0] / m.getValue()[1] * 10) / 10.0);
        }
        return 1;
    }
}
