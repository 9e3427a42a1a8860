package org.syncready.controller.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** An {@link AlertStore} in memory, for tests; run through {@link AlertStoreContract} like its SQLite twin. */
public final class InMemoryAlertStore implements AlertStore {
    private final Map<String, ChannelRecord> channels = new TreeMap<>();
    private final Map<String, Problem> problems = new LinkedHashMap<>();
    private final Map<Long, NoticeRecord> notices = new TreeMap<>();
    private final Map<Long, OutboxMessage> messages = new TreeMap<>();
    private final List<DeliveryAttempt> attempts = new ArrayList<>();
    private final Map<String, QuietHours> quiet = new TreeMap<>();
    private final Map<Long, Maintenance> windows = new TreeMap<>();
    private long ids;

    @Override
    public synchronized List<ChannelRecord> channels() {
        return new ArrayList<>(channels.values());
    }

    @Override
    public synchronized void saveChannel(ChannelRecord c) {
        ChannelRecord old = channels.get(c.id());
        channels.put(c.id(), old == null ? c
                : new ChannelRecord(c.id(), c.schoolId(), c.settingsJson(), c.sealedTarget(), old.createdAt(), c.updatedAt()));
    }

    @Override
    public synchronized boolean deleteChannel(String id) {
        return channels.remove(id) != null;
    }

    @Override
    public synchronized List<Problem> liveProblems() {
        return problems.values().stream().filter(Problem::live).sorted(Comparator.comparing(Problem::updatedAt)).toList();
    }

    @Override
    public synchronized void saveProblems(Collection<Problem> changed) {
        changed.forEach(p -> problems.put(p.key(), p));
    }

    @Override
    public synchronized int forgetProblems(Instant before) {
        int n = 0;
        for (var it = problems.values().iterator(); it.hasNext(); ) {
            Problem p = it.next();
            if (!p.live() && p.updatedAt().isBefore(before)) {
                it.remove();
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized int pruneLog(Instant before) {
        int n = 0;
        Set<Long> stillNeeded = new HashSet<>();
        messages.values().stream().filter(m -> m.state() == OutboxMessage.State.QUEUED).forEach(m -> stillNeeded.addAll(m.noticeIds()));
        n += remove(attempts, a -> a.at().isBefore(before));
        n += remove(messages.values(), m -> m.createdAt().isBefore(before) && m.state() != OutboxMessage.State.QUEUED);
        n += remove(notices.values(), r -> r.notice().at().isBefore(before) && !stillNeeded.contains(r.notice().id()));
        return n;
    }

    private static <T> int remove(Collection<T> from, java.util.function.Predicate<T> which) {
        int before = from.size();
        from.removeIf(which);
        return before - from.size();
    }

    @Override
    public synchronized List<Long> insertNotices(List<Notice> list) {
        List<Long> out = new ArrayList<>();
        for (Notice n : list) {
            long id = ++ids;
            notices.put(id, new NoticeRecord(n.withId(id), null, null, null));
            out.add(id);
        }
        return out;
    }

    @Override
    public synchronized Optional<NoticeRecord> notice(long id) {
        return Optional.ofNullable(notices.get(id));
    }

    @Override
    public synchronized List<NoticeRecord> notices(String schoolId, int limit) {
        List<NoticeRecord> all = new ArrayList<>(notices.values());
        java.util.Collections.reverse(all);
        return all.stream().filter(r -> schoolId == null || schoolId.equals(r.notice().schoolId())).limit(limit).toList();
    }

    @Override
    public synchronized void acknowledgeNotice(long id, String by, String via, Instant at) {
        NoticeRecord r = notices.get(id);
        if (r != null && r.ackedBy() == null) {
            notices.put(id, new NoticeRecord(r.notice(), by, via, at));
        }
    }

    @Override
    public synchronized List<Long> insertMessages(List<OutboxMessage> list) {
        List<Long> out = new ArrayList<>();
        for (OutboxMessage m : list) {
            long id = ++ids;
            messages.put(id, m.withId(id));
            out.add(id);
        }
        return out;
    }

    @Override
    public synchronized void record(List<OutboxMessage> updated, List<DeliveryAttempt> lines) {
        updated.forEach(m -> messages.computeIfPresent(m.id(), (k, old) -> m));
        attempts.addAll(lines);
    }

    @Override
    public synchronized List<OutboxMessage> queuedMessages() {
        return messages.values().stream().filter(m -> m.state() == OutboxMessage.State.QUEUED).toList();
    }

    @Override
    public synchronized List<OutboxMessage> messages(String channelId, int limit) {
        List<OutboxMessage> all = new ArrayList<>(messages.values());
        java.util.Collections.reverse(all);
        return all.stream().filter(m -> m.channelId().equals(channelId)).limit(limit).toList();
    }

    @Override
    public synchronized int cancelQueued(String channelId) {
        int n = 0;
        for (Map.Entry<Long, OutboxMessage> e : messages.entrySet()) {
            OutboxMessage m = e.getValue();
            if (m.channelId().equals(channelId) && m.state() == OutboxMessage.State.QUEUED) {
                e.setValue(m.attempt(OutboxMessage.State.CANCELLED, m.attempts(), m.nextAttemptAt(), m.lastCode(), m.lastError(), null, null));
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized List<DeliveryAttempt> attempts(String channelId, int limit) {
        List<DeliveryAttempt> all = new ArrayList<>(attempts);
        java.util.Collections.reverse(all);
        return all.stream().filter(a -> a.channelId().equals(channelId)).limit(limit).toList();
    }

    @Override
    public synchronized List<DeliveryAttempt> attemptsSince(Instant since) {
        return attempts.stream().filter(a -> !a.at().isBefore(since)).toList();
    }

    @Override
    public synchronized List<QuietHours> quietHours() {
        return new ArrayList<>(quiet.values());
    }

    @Override
    public synchronized void saveQuietHours(QuietHours hours) {
        quiet.put(hours.schoolId(), hours);
    }

    @Override
    public synchronized boolean deleteQuietHours(String schoolId) {
        return quiet.remove(schoolId) != null;
    }

    @Override
    public synchronized List<Maintenance> maintenance(Instant now) {
        return windows.values().stream().filter(m -> m.until().isAfter(now)).sorted(Comparator.comparing(Maintenance::until)).toList();
    }

    @Override
    public synchronized long insertMaintenance(Maintenance m) {
        long id = ++ids;
        windows.put(id, new Maintenance(id, m.schoolId(), m.classroomId(), m.from(), m.until(), m.note(), m.by()));
        return id;
    }

    @Override
    public synchronized boolean deleteMaintenance(long id) {
        return windows.remove(id) != null;
    }
}
