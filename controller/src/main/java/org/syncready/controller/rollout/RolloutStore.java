package org.syncready.controller.rollout;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the rollout package keeps its state: desired and reported configurations, override layers,
 * profile assignments, rollouts and their boxes. Owned by this package and speaking its records only;
 * {@code org.syncready.controller.store.SqlRolloutStore} keeps them in SQLite, an in-memory fake does
 * in tests. Calls block (JDBC): only the rollout thread makes them. A failure is unchecked
 * ({@code org.syncready.controller.store.StoreException}): nothing here can repair a failed disk; the
 * API answers 500 and the rollout thread logs it and goes on with the next tick.
 */
public interface RolloutStore {

    /** One signed desired document of one box ({@code payload} is the JSON published on {@code config/desired}). */
    record Desired(String boxId, long version, String profile, String sha256, String payload, long createdAt) {
    }

    /** The latest {@code config/reported} of one box ({@code result}: applied, rejected, rolled_back). */
    record Reported(String boxId, long version, String result, String error, long receivedAt) {
    }

    /**
     * One rollout as stored. {@code request} and {@code previousOverrides} are JSON text.
     *
     * @param failureBaseline failed boxes at the last resume (they no longer count against the threshold)
     * @param acceptedWave    a wave a person resumed past whatever its success threshold; -1 for none
     */
    record RolloutRow(String id, long createdAt, String actor, String request, RolloutState state, int wave, String reason,
                      String previousOverrides, long failureBaseline, int acceptedWave) {
    }

    /** One box of a rollout as stored; {@code body} (JSON text) is the rendered body to send. */
    record BoxRow(String rolloutId, String boxId, int position, int wave, BoxState state, String profile, String body,
                  Long previousVersion, Long version, Long sentAt, Long deferredUntil, String error) {
    }

    /** The newest desired document of every box that has one. */
    Map<String, Desired> latestDesired();

    Optional<Desired> desired(String boxId, long version);

    void insertDesired(Desired d, String rolloutId);

    /** New desired documents of a rollout's boxes, and those boxes marked sent at {@code at}, in one transaction. */
    void recordSent(String rolloutId, List<Desired> docs, long at);

    Map<String, Reported> reported();

    /** Each box's latest report, in one transaction (a burst of reports is written at once). */
    void putReported(List<Reported> reports);

    /** Override layers by {@code "school:<id>"} / {@code "box:<id>"}, JSON text. */
    Map<String, String> overrides();

    /** Sets or ({@code body} null) removes one override layer. */
    void putOverride(String key, String body, long at, String actor);

    /** The profile assigned to each box. */
    Map<String, String> boxProfiles();

    void putBoxProfile(String boxId, String profile, long at);

    /** The rollout, its boxes and the boxes' new profile assignments (box id to profile) in one transaction. */
    void insertRollout(RolloutRow rollout, List<BoxRow> boxes, Map<String, String> boxProfiles, long at);

    void updateRollout(String id, RolloutState state, int wave, String reason, long failureBaseline, int acceptedWave, long at);

    /**
     * The state, version, sent time, deferral and error of boxes of rollouts ({@code body}, {@code position},
     * {@code wave}, {@code profile} and {@code previousVersion} of the rows are not written), in one transaction.
     */
    void updateBoxes(List<BoxRow> boxes, long at);

    /** Every rollout, oldest first. */
    List<RolloutRow> rollouts();

    /** The boxes of one rollout in sending order. */
    List<BoxRow> rolloutBoxes(String rolloutId);
}
