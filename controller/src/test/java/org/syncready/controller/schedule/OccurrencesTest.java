package org.syncready.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OccurrencesTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final Instant MONDAY = Instant.parse("2026-09-07T00:00:00Z");

    private static Occurrences.Tagged at(int line, int startMinute, int minutes, String lead, String... remotes) {
        Instant start = MONDAY.plusSeconds(60L * startMinute);
        return new Occurrences.Tagged(new SessionDraft(lead, List.of(remotes), "Maths", null, SessionKind.LIVE, start,
                start.plusSeconds(60L * minutes), "line " + line), line, "lead", "remotes");
    }

    /** Rows all in one slot, several occurrences (weeks) each, in two classrooms. */
    private static List<Occurrences.Tagged> oneSlot(int rows, int weeks) {
        List<Occurrences.Tagged> tagged = new ArrayList<>();
        for (int line = 2; line < rows + 2; line++) {
            for (int w = 0; w < weeks; w++) {
                tagged.add(at(line, w * 7 * 24 * 60, 45, "lead-1", "remote-1"));
            }
        }
        return tagged;
    }

    @Test
    void theWorkGrowsWithTheOccurrencesNotWithThePairs() {
        for (int rows : new int[] {2_000, 8_000}) {
            List<Occurrences.Tagged> tagged = oneSlot(rows, 3);
            ImportErrors errors = new ImportErrors();
            Occurrences.Checked checked = Occurrences.check(tagged, ZONE, errors);
            long uses = 2L * tagged.size();
            // Each use is added, expired and compared once, and each line leaves the "not bad yet" set once;
            // the pairs alone would be rows² / 2 per classroom and week (2 million for 2,000 rows).
            assertTrue(checked.visits() <= 3 * uses + 2L * rows, rows + " rows: " + checked.visits() + " visits for " + uses + " uses");
            assertEquals(rows - 1, errors.count());
            assertEquals(ImportErrors.MAX_LISTED, errors.listed().size());
            assertEquals(3, checked.kept().size(), "the first row keeps its three weeks");
        }
    }

    @Test
    void theBadLinesAreTheLaterOfEveryClashingPair() {
        Random random = new Random(11);
        String[] rooms = {"a", "b", "c", "d", "e"};
        for (int round = 0; round < 300; round++) {
            List<Occurrences.Tagged> tagged = new ArrayList<>();
            int lines = 2 + random.nextInt(25);
            for (int line = 2; line < lines + 2; line++) {
                int occurrences = 1 + random.nextInt(3);
                String lead = rooms[random.nextInt(rooms.length)];
                String remote = rooms[random.nextInt(rooms.length)];
                for (int o = 0; o < occurrences; o++) {
                    tagged.add(remote.equals(lead)
                            ? at(line, random.nextInt(600), 1 + random.nextInt(90), lead)
                            : at(line, random.nextInt(600), 1 + random.nextInt(90), lead, remote));
                }
            }
            ImportErrors errors = new ImportErrors(1_000);
            List<SessionDraft> kept = Occurrences.withoutConflicts(tagged, ZONE, errors);

            Set<Integer> expected = new TreeSet<>();
            for (Occurrences.Tagged x : tagged) {
                for (Occurrences.Tagged y : tagged) {
                    if (x.line() < y.line() && x.draft().start().isBefore(y.draft().end())
                            && y.draft().start().isBefore(x.draft().end()) && shareARoom(x.draft(), y.draft())) {
                        expected.add(y.line());
                    }
                }
            }
            Set<Integer> reported = new TreeSet<>();
            errors.listed().forEach(e -> reported.add(e.line()));
            assertEquals(expected, reported, "round " + round);
            assertEquals(expected.size(), errors.count(), "one error per bad line");
            assertEquals(tagged.stream().filter(t -> !expected.contains(t.line())).count(), kept.size());
        }
    }

    private static boolean shareARoom(SessionDraft a, SessionDraft b) {
        Set<String> rooms = new HashSet<>(a.remoteClassroomIds());
        rooms.add(a.leadClassroomId());
        return rooms.contains(b.leadClassroomId()) || b.remoteClassroomIds().stream().anyMatch(rooms::contains);
    }
}
