package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * {@code /metrics} of a running controller as Prometheus and its tools read it: {@code promtool check
 * metrics} passes (Debian's prometheus package; .ci/run installs it), counters are counters, latencies
 * are histograms, every refusal counter is there at 0 before the first event, and every metric the
 * Grafana dashboard (docs/grafana-dashboard.json) queries exists.
 */
class MetricsExpositionTest {
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

    @TempDir
    static Path data;
    static ControllerFixture api;
    static String text;
    static Map<String, String> types = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        api = new ControllerFixture(data);
        api.registerBox("sch", "room-1", "box-1");
        text = api.metricsText();
        Matcher m = TYPE.matcher(text);
        while (m.find()) {
            types.put(m.group(1), m.group(2));
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void promtoolChecksTheExpositionWithoutAProblem() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        boolean required = "1".equals(System.getenv("SYNCREADY_REQUIRE_PROMTOOL"));
        if (!Files.isExecutable(promtool)) {
            assertFalse(required, "promtool is missing but SYNCREADY_REQUIRE_PROMTOOL=1 (.ci/run installs Debian's prometheus package)");
            assumeTrue(false, "promtool not installed (apt-get install prometheus); .ci/run installs it");
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out);
        assertEquals("", out.strip(), "promtool has no remark");
    }

    @Test
    void countersAreCountersAndLatenciesAreHistograms() {
        assertEquals("counter", types.get("syncready_store_rows_written_total"), "rows only go up: " + types);
        assertEquals("counter", types.get("process_cpu_seconds_total"));
        for (String histogram : new String[] {"syncready_ingest_lag_seconds", "syncready_store_write_lag_seconds", "syncready_store_batch_size"}) {
            assertEquals("histogram", types.get(histogram), histogram);
            assertTrue(text.contains(histogram + "_bucket{le=\"+Inf\"}"), histogram);
        }
        assertFalse(text.contains("quantile="), "no client-side summaries: they do not aggregate across nodes");
        types.forEach((name, type) -> {
            if (name.startsWith("syncready_") && type.equals("gauge")) {
                assertFalse(name.endsWith("_total"), name);
            }
        });
    }

    @Test
    void refusalAndOutcomeCountersExistAtZeroBeforeTheFirstEvent() {
        for (String reason : ControllerMetrics.REJECT_REASONS) {
            assertTrue(text.contains("syncready_ingest_rejected_total{reason=\"" + reason + "\"} 0.0"), reason);
        }
        for (String reason : ControllerMetrics.AUTH_FAILURES) {
            assertTrue(text.contains("syncready_broker_auth_failures_total{reason=\"" + reason + "\"} 0.0"), reason);
        }
        assertTrue(text.contains("syncready_broker_acl_denied_total{action=\"publish\"} 0.0"));
        assertTrue(text.contains("syncready_echo_packets_total{outcome=\"bad_signature\"} 0.0"));
        assertTrue(text.contains("syncready_speedtest_uploads_total{outcome=\"too_soon\"} 0.0"));
        assertTrue(text.contains("syncready_readiness_verdicts_total{trigger=\"T-5\",verdict=\"NOT_READY\"} 0.0"), text);
        assertTrue(text.contains("syncready_readiness_selftests_total{outcome=\"no_answer\"} 0.0"));
        assertTrue(text.contains("syncready_config_reports_total{result=\"rolled_back\"} 0.0"));
        assertTrue(text.contains("syncready_rollout_actions_total{action=\"start\"} 0.0"));
        assertTrue(text.contains("syncready_boxes_registered 1.0"), "and the fleet gauges");
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExported() throws Exception {
        Path file = Path.of("..", "docs", "grafana-dashboard.json");
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(file));
        assertEquals("SyncReady", dashboard.path("title").asText());
        Set<String> queried = new TreeSet<>();
        Set<String> titles = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b((?:syncready|process|jvm)_[a-z_]+)\\b");
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            for (JsonNode target : panel.path("targets")) {
                Matcher m = metric.matcher(target.path("expr").asText());
                while (m.find()) {
                    queried.add(m.group(1));
                }
            }
        }
        assertTrue(queried.size() >= 15, queried.toString());
        for (String name : queried) {
            String base = name.replaceFirst("_(bucket|sum|count)$", "");
            assertTrue(types.containsKey(name) || types.containsKey(base), name + " is queried by the dashboard but not exported");
        }
        for (String row : new String[] {"Fleet", "Ingest", "Readiness"}) {
            assertTrue(titles.stream().anyMatch(t -> t.startsWith(row)), "a " + row + " section: " + titles);
        }
    }
}
