package org.syncready.controller.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.TestClock;
import org.syncready.controller.fleet.Box;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.firmware.ProfileException;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;

/**
 * The rollout parts on fakes: an in-memory store, registry and live fleet, a publisher that keeps what
 * it publishes, an audit list, and a clock the test moves. No database, broker or thread: the test
 * steps the runner with {@link #tick()}.
 */
final class RolloutTestbed {
    static final String MODEL = "generic-recorder-a";
    static final String PROFILE = MODEL + "/standard-1080p";
    static final String LOW = MODEL + "/low-uplink-720p";

    final MessageCodec codec = new MessageCodec();
    final TestClock clock = new TestClock(Instant.parse("2026-03-02T02:00:00Z"));
    final InMemoryRolloutStore store;
    final Directory directory = new Directory();
    final Publisher publisher = new Publisher();
    final List<String> audit = new ArrayList<>();
    final Map<String, LiveBoxes.Seen> live = new ConcurrentHashMap<>();
    final ConfigSigner signer;
    final RolloutPlanner planner;
    DesiredConfigs configs;
    RolloutRunner runner;
    ClassTimeGuard guard = ClassTimeGuard.NEVER_BUSY;

    RolloutTestbed(Path keys) {
        this(keys, new InMemoryRolloutStore());
    }

    /** On an existing store: what a restarted controller loads. */
    RolloutTestbed(Path keys, InMemoryRolloutStore store) {
        this.store = store;
        try {
            signer = ConfigSigner.loadOrCreate(keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            planner = new RolloutPlanner(directory, ProfileCatalogue.packaged(), codec, clock);
        } catch (ProfileException e) {
            throw new IllegalStateException("the packaged catalogue does not load: " + e.getMessage(), e);
        }
        restart();
    }

    /** New configuration state and runner loaded from the store, as after a controller restart. */
    void restart() {
        configs = new DesiredConfigs(store, signer, codec, publisher, boxId -> Optional.ofNullable(live.get(boxId)), Duration.ofMinutes(10));
        runner = new RolloutRunner(store, configs, (actor, action, target, detail, result) ->
                audit.add(actor + " " + action + " " + target + " -> " + result),
                boxId -> Optional.ofNullable(live.get(boxId)), codec.mapper(), clock);
        runner.useGuard((box, now) -> guard.busyUntil(box, now));
        configs.load();
        runner.load();
    }

    /** Registers a box of {@link #MODEL} in a classroom of its own at {@code school}. */
    RolloutTestbed box(String school, String boxId) {
        directory.add(school, "room-" + boxId, new Box(boxId, "room-" + boxId, MODEL, 0));
        return this;
    }

    JsonNode json(String text) {
        try {
            return codec.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RolloutPlan plan(String request) {
        return planner.plan(RolloutRequest.parse(json(request)), configs, runner::inActiveRollout, runner.guard(), false);
    }

    /** Plans and starts a rollout as the facade does; nothing is sent before the next tick. */
    String start(String request) {
        JsonNode body = json(request);
        RolloutRequest r = RolloutRequest.parse(body);
        return runner.start(planner.plan(r, configs, runner::inActiveRollout, runner.guard(), false), r, body, new Actor("tester", null)).id();
    }

    /** One turn; whether boxes are still due (a wave larger than {@link RolloutRunner#SEND_CHUNK}). */
    boolean tick() {
        return runner.tick();
    }

    RolloutView view(String id) {
        return runner.get(id).orElseThrow();
    }

    RolloutView.Box entry(String rollout, String boxId) {
        return view(rollout).boxes().stream().filter(b -> b.boxId().equals(boxId)).findFirst().orElseThrow();
    }

    void report(String boxId, long version, ConfigReported.Result result, String error) {
        runner.onReported(List.of(received(boxId, version, result, error)));
    }

    /** Reports taken in as one batch, in this order (as the rollout thread takes what queued meanwhile). */
    void reports(ReceivedReport... batch) {
        runner.onReported(List.of(batch));
    }

    ReceivedReport received(String boxId, long version, ConfigReported.Result result, String error) {
        return new ReceivedReport(new ConfigReported(1, boxId, clock.millis(), "boot-1", 1, version, result, error), clock.millis());
    }

    /** A birth saying the box runs {@code version}; the live fleet sees it first, as ingest does. */
    void birth(String boxId, Long version) {
        live.put(boxId, new LiveBoxes.Seen(true, version));
        runner.onRunning(boxId, version);
    }

    /** The documents published for a box, decoded, oldest first. */
    List<ConfigDesired> published(String boxId) {
        List<ConfigDesired> out = new ArrayList<>();
        for (RolloutStore.Desired d : publisher.sent) {
            if (d.boxId().equals(boxId)) {
                try {
                    out.add(codec.decode(ConfigDesired.class, d.payload().getBytes(StandardCharsets.UTF_8)));
                } catch (ProtocolException e) {
                    throw new AssertionError("published an undecodable document: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** A registry of schools, classrooms and boxes in memory. */
    static final class Directory implements BoxDirectory {
        private final Map<String, Box> boxes = new LinkedHashMap<>();
        private final Map<String, String> schoolOfRoom = new LinkedHashMap<>();

        void add(String school, String classroom, Box box) {
            schoolOfRoom.put(classroom, school);
            boxes.put(box.id(), box);
        }

        @Override
        public Optional<Box> box(String id) {
            return Optional.ofNullable(boxes.get(id));
        }

        @Override
        public List<Box> boxes() {
            return List.copyOf(boxes.values());
        }

        @Override
        public boolean hasClassroom(String id) {
            return schoolOfRoom.containsKey(id);
        }

        @Override
        public boolean hasSchool(String id) {
            return schoolOfRoom.containsValue(id);
        }

        @Override
        public List<String> classroomIds(String schoolId) {
            return schoolOfRoom.entrySet().stream().filter(e -> e.getValue().equals(schoolId)).map(Map.Entry::getKey).toList();
        }

        @Override
        public Optional<String> schoolOf(String boxId) {
            return box(boxId).map(b -> schoolOfRoom.get(b.classroomId()));
        }
    }

    /** Keeps every published document; can be disconnected. */
    static final class Publisher implements DesiredPublisher {
        final List<RolloutStore.Desired> sent = new ArrayList<>();
        volatile boolean connected = true;

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public void publish(RolloutStore.Desired doc) {
            sent.add(doc);
        }
    }
}
