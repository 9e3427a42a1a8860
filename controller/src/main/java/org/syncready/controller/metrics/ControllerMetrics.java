package org.syncready.controller.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric the controller exports, so their names live in one place and the Prometheus text on
 * {@code /metrics} matches the docs and passes {@code promtool check metrics}.
 *
 * <ul>
 *   <li>Latencies and batch sizes are histograms with fixed buckets, not client-side quantiles: a
 *       quantile cannot be averaged across controller nodes, buckets can be summed
 *       ({@code histogram_quantile(0.99, sum by (le) (rate(..._bucket[5m])))}).</li>
 *   <li>Things that only go up are counters ({@code _total}), never gauges.</li>
 *   <li>Every refusal and outcome counter exists at 0 for each of its label values from the start,
 *       so that {@code rate()} and alerts see the first event rather than a series appearing.</li>
 * </ul>
 */
public final class ControllerMetrics {
    /** Labels of {@code syncready_ingest_rejected_total}: the protocol's reasons and the controller's own. */
    public static final List<String> REJECT_REASONS = List.of("bad_json", "too_large", "unsupported_version", "missing_field",
            "invalid_field", "box_mismatch", "bad_box_id", "bad_topic", "unknown_box", "wrong_direction");
    public static final List<String> AUTH_FAILURES = List.of("no_credentials", "bad_credentials");
    public static final List<String> ACL_ACTIONS = List.of("publish", "subscribe");
    /** What the EMQX hook was asked, and how it answered (refused: no or a wrong broker secret; invalid: a 400). */
    private static final List<String> HOOK_QUESTIONS = List.of("authenticate", "authorize");
    private static final List<String> HOOK_RESULTS = List.of("allow", "deny", "refused", "invalid");
    public static final List<String> ECHO_OUTCOMES = List.of("answered", "rate_limited", "malformed", "unknown_box", "bad_signature");
    public static final List<String> SPEEDTEST_OUTCOMES = List.of("ok", "unauthorized", "too_large", "too_soon", "busy",
            "timeout", "failed");
    public static final List<String> VERDICTS = List.of("READY", "AT_RISK", "NOT_READY", "UNKNOWN");
    public static final List<String> CHECK_TRIGGERS = List.of("T-30", "T-5", "on-demand", "in-session");
    public static final List<String> SELFTEST_OUTCOMES = List.of("passed", "failed", "no_answer");
    public static final List<String> CONFIG_RESULTS = List.of("applied", "rejected", "rolled_back");
    public static final List<String> API_AUTH_OUTCOMES = List.of("ok_token", "ok_password", "ok_session", "anonymous", "malformed",
            "wrong_credentials", "token_unknown", "token_expired", "token_revoked", "session_ended", "user_disabled", "throttled",
            "csrf", "forbidden", "out_of_scope", "rate_limited");
    public static final List<String> LOGIN_OUTCOMES = List.of("ok", "failed", "throttled");
    public static final List<String> ROLLOUT_ACTIONS = List.of("start", "force", "pause", "resume", "abort", "rollback", "complete");

    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};
    private static final double[] BATCH_BUCKETS = {1, 5, 10, 50, 100, 250, 500, 1000};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> messageCounters = new ConcurrentHashMap<>();
    private final DistributionSummary batchSize;
    private final Timer ingestLag;
    private final Timer storeLag;
    private final Counter duplicates;
    private final Counter gapMessages;
    private final Counter rebirths;
    private final Counter storeFailures;
    private final List<Object> held = new CopyOnWriteArrayList<>();

    public ControllerMetrics() {
        // Two JVM meters break Prometheus naming rules (promtool): a "_count" suffix on a gauge, and a
        // CPU time in nanoseconds. They leave; CPU time comes back as the conventional process_cpu_seconds_total.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")
                || id.getName().equals("process.cpu.time")));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("system.cpus", Runtime.getRuntime(), Runtime::availableProcessors)
                .description("Processors available to the JVM").register(registry);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            held.add(os); // a function counter holds its object weakly
            FunctionCounter.builder("process.cpu.seconds", os, o -> Math.max(0, o.getProcessCpuTime()) / 1e9)
                    .description("CPU time used by the controller's process").register(registry);
        }
        batchSize = DistributionSummary.builder("syncready.store.batch.size")
                .description("Rows written per SQLite transaction").serviceLevelObjectives(BATCH_BUCKETS).register(registry);
        ingestLag = Timer.builder("syncready.ingest.lag")
                .description("Controller receive time minus the box's timestamp (includes box clock skew)")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        storeLag = Timer.builder("syncready.store.write.lag")
                .description("From receiving a status to its row being committed")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        for (org.syncready.protocol.Channel channel : org.syncready.protocol.Channel.values()) {
            if (channel.fromAgent()) {
                messagesCounter(channel.suffix());
            }
        }
        for (String reason : REJECT_REASONS) {
            rejectedCounter(reason);
        }
        AUTH_FAILURES.forEach(this::authFailureCounter);
        ACL_ACTIONS.forEach(this::aclCounter);
        HOOK_QUESTIONS.forEach(q -> HOOK_RESULTS.forEach(r -> hookCounter(q, r)));
        ECHO_OUTCOMES.forEach(this::echoCounter);
        SPEEDTEST_OUTCOMES.forEach(this::speedtestCounter);
        speedtestBytes();
        duplicates = Counter.builder("syncready.ingest.duplicates")
                .description("Redelivered messages dropped (same bootId and seq)").register(registry);
        gapMessages = Counter.builder("syncready.ingest.gap.messages")
                .description("Messages boxes sent that never arrived (gaps in seq)").register(registry);
        rebirths = Counter.builder("syncready.ingest.rebirth.requests")
                .description("Rebirth commands sent after a gap or a status without birth").register(registry);
        storeFailures = Counter.builder("syncready.store.write.failures")
                .description("SQLite batches that failed (retried, nothing dropped)").register(registry);
        for (String trigger : CHECK_TRIGGERS) {
            for (String verdict : VERDICTS) {
                verdictCounter(trigger, verdict);
            }
        }
        SELFTEST_OUTCOMES.forEach(this::selftestCounter);
        CONFIG_RESULTS.forEach(this::configReportCounter);
        ROLLOUT_ACTIONS.forEach(this::rolloutActionCounter);
        API_AUTH_OUTCOMES.forEach(this::apiAuthCounter);
        LOGIN_OUTCOMES.forEach(this::loginTimer);
    }

    public void messageIn(String channel) {
        // Looked up once per channel: a registry lookup per message was a measurable share of ingest.
        messageCounters.computeIfAbsent(channel, this::messagesCounter).increment();
    }

    private Counter messagesCounter(String channel) {
        return Counter.builder("syncready.ingest.messages").description("Messages received from boxes, by channel")
                .tag("channel", channel).register(registry);
    }

    public void rejected(String reason) {
        rejectedCounter(reason).increment();
    }

    private Counter rejectedCounter(String reason) {
        return Counter.builder("syncready.ingest.rejected").description("Messages refused, by reason")
                .tag("reason", reason).register(registry);
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void gap(long missing) {
        gapMessages.increment(missing);
    }

    public void rebirthRequested() {
        rebirths.increment();
    }

    public void authFailure(String reason) {
        authFailureCounter(reason).increment();
    }

    private Counter authFailureCounter(String reason) {
        return Counter.builder("syncready.broker.auth.failures").description("MQTT connections refused at CONNECT")
                .tag("reason", reason).register(registry);
    }

    /** One question of an external broker's HTTP hook ({@code authenticate} or {@code authorize}) and its answer. */
    public void brokerHook(String question, String result) {
        hookCounter(question, result).increment();
    }

    private Counter hookCounter(String question, String result) {
        return Counter.builder("syncready.broker.hook.decisions")
                .description("Questions of an external broker's HTTP hook (EMQX) by answer")
                .tag("question", question).tag("result", result).register(registry);
    }

    public void aclDenied(String action) {
        aclCounter(action).increment();
    }

    private Counter aclCounter(String action) {
        return Counter.builder("syncready.broker.acl.denied").description("Publishes and subscriptions outside the client's topic tree")
                .tag("action", action).register(registry);
    }

    public void ingestLag(long millis) {
        ingestLag.record(Duration.ofMillis(Math.max(0, millis)));
    }

    public void storeBatch(int rows, long oldestReceivedAtMillis) {
        batchSize.record(rows);
        storeLag.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - oldestReceivedAtMillis)));
    }

    public void storeFailure() {
        storeFailures.increment();
    }

    /** One packet at the UDP echo service, by outcome: answered, rate_limited, malformed, unknown_box, bad_signature. */
    public void echo(String outcome) {
        echoCounter(outcome).increment();
    }

    private Counter echoCounter(String outcome) {
        return Counter.builder("syncready.echo.packets").description("UDP echo packets received, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    /** One speed-test upload, by outcome (ok, unauthorized, too_large, busy, too_soon, timeout, failed), and its bytes. */
    public void speedtest(String outcome, long bytes) {
        speedtestCounter(outcome).increment();
        speedtestBytes().increment(bytes);
    }

    private Counter speedtestCounter(String outcome) {
        return Counter.builder("syncready.speedtest.uploads").description("Speed-test uploads, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    private Counter speedtestBytes() {
        return Counter.builder("syncready.speedtest.bytes").description("Bytes received by the speed-test sink").register(registry);
    }

    /** One readiness check kept: the session's verdict, by what triggered it (T-30, T-5, on-demand, in-session). */
    public void readinessVerdict(String trigger, String verdict) {
        verdictCounter(trigger, verdict).increment();
    }

    private Counter verdictCounter(String trigger, String verdict) {
        return Counter.builder("syncready.readiness.verdicts").description("Session readiness checks kept, by trigger and verdict")
                .tag("trigger", trigger).tag("verdict", verdict).register(registry);
    }

    /** One self-test sent to a box before a readiness check, by outcome: passed, failed, no_answer. */
    public void selftest(String outcome) {
        selftestCounter(outcome).increment();
    }

    private Counter selftestCounter(String outcome) {
        return Counter.builder("syncready.readiness.selftests").description("Self-tests of readiness checks, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    /** A box's report on a configuration sent to it: applied, rejected, rolled_back. */
    public void configReport(String result) {
        configReportCounter(result).increment();
    }

    private Counter configReportCounter(String result) {
        return Counter.builder("syncready.config.reports").description("Configuration reports from boxes, by result")
                .tag("result", result).register(registry);
    }

    /** A rollout action (start, force, pause, resume, abort, rollback, complete), by people or by the engine. */
    public void rolloutAction(String action) {
        rolloutActionCounter(action).increment();
    }

    private Counter rolloutActionCounter(String action) {
        return Counter.builder("syncready.rollout.actions").description("Rollout actions, by action")
                .tag("action", action).register(registry);
    }

    /**
     * One authentication decision of the API, by outcome: {@code ok_token}, {@code ok_password},
     * {@code ok_session}, {@code anonymous}, {@code malformed}, {@code wrong_credentials},
     * {@code token_unknown}, {@code token_expired}, {@code token_revoked}, {@code session_ended},
     * {@code user_disabled}, {@code throttled}, {@code csrf}, {@code forbidden}, {@code out_of_scope},
     * {@code rate_limited}.
     */
    public void apiAuth(String outcome) {
        apiAuthCounter(outcome).increment();
    }

    private Counter apiAuthCounter(String outcome) {
        return Counter.builder("syncready.api.auth").description("API authentication and access decisions, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    /** One login at {@code POST /login}, by outcome: ok, failed, throttled. */
    public void login(String outcome, Duration took) {
        loginTimer(outcome).record(took);
    }

    /** A histogram (not client-side quantiles), so logins of several nodes aggregate; password hashing takes ~0.1-1 s. */
    private Timer loginTimer(String outcome) {
        return Timer.builder("syncready.api.logins").description("Logins at POST /login, by outcome, and how long they took")
                .tag("outcome", outcome).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A count kept by someone else that only goes up (rows written), exported as a counter. */
    public <T> void functionCounter(String name, String description, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    /** A gauge with labels (one per alert channel, ...). */
    public void gauge(String name, String description, java.util.Map<String, String> tags, Supplier<Number> value) {
        Gauge.Builder<Supplier<Number>> b = Gauge.builder(name, value).description(description);
        tags.forEach(b::tag);
        b.register(registry);
    }

    /**
     * One alert message's fate on a channel: sent, throttled, retry, failed, merged, expired, dropped
     * (and event_dropped, channel "-", when the alerts thread was too far behind to take an event).
     */
    public void alertDelivery(String channel, String outcome) {
        Counter.builder("syncready.alerts.deliveries").description("Alert messages by channel and outcome")
                .tag("channel", channel).tag("outcome", outcome).register(registry).increment();
    }

    /** A gauge with one tag, e.g. one per health condition. */
    public void gauge(String name, String description, String tag, String tagValue, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag(tag, tagValue).register(registry);
    }

    /** Throwables no code caught, by kind ({@code error}: the JVM is in doubt; {@code exception}); 0 registers it. */
    public void uncaughtFailure(String kind, int count) {
        Counter.builder("syncready.uncaught.failures").description("Throwables no code caught, by kind (error, exception)")
                .tag("kind", kind).register(registry).increment(count);
    }

    /** Messages acknowledged to the broker after their rows were committed, and acknowledgements a lost connection voided. */
    public void ingestAcknowledgements(Supplier<Number> sent, Supplier<Number> dropped) {
        // A function counter holds its object weakly, and a method reference held by nobody else would be
        // collected (the counter then reads NaN): this registry keeps them.
        held.add(sent);
        held.add(dropped);
        FunctionCounter.builder("syncready.ingest.acks.sent", sent, s -> s.get().doubleValue())
                .description("Messages acknowledged to the broker after their rows were committed").register(registry);
        FunctionCounter.builder("syncready.ingest.acks.dropped", dropped, s -> s.get().doubleValue())
                .description("Acknowledgements not sent because their connection was lost (the broker redelivers)").register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** A single counter's value, for tests and the health page. */
    public double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }
}
