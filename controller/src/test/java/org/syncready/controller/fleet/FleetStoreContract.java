package org.syncready.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link FleetStore} does, run against the SQLite store and the in-memory fake. */
public abstract class FleetStoreContract {
    private FleetStore store;

    protected abstract FleetStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @Test
    void whatWasAddedLoadsBackAndATakenIdIsRefused() {
        School school = new School("hexi", "河西", "Hexi");
        Classroom room = new Classroom("hexi-g3", "hexi", "三年级", "Grade 3");
        FleetStore.StoredBox box = new FleetStore.StoredBox(new Box("box-1", "hexi-g3", "m", 1_000), "ab12");
        assertTrue(store.addSchool(school, 1_000));
        assertTrue(store.addClassroom(room, 1_000));
        assertTrue(store.addBox(box));

        assertFalse(store.addSchool(new School("hexi", "别的", "Other"), 2_000));
        assertFalse(store.addClassroom(new Classroom("hexi-g3", "hexi", "x", "x"), 2_000));
        assertFalse(store.addBox(new FleetStore.StoredBox(new Box("box-1", "hexi-g3", "m2", 2_000), "cd34")));

        FleetStore.Registered loaded = store.load();
        assertEquals(List.of(school), loaded.schools());
        assertEquals(List.of(room), loaded.classrooms());
        assertEquals(List.of(box), loaded.boxes());
        assertEquals(java.util.Optional.of(box), store.findBox("box-1"));
        assertEquals(java.util.Optional.empty(), store.findBox("box-2"));
    }

    @Test
    void aSecretIsReplacedAndABoxRemovedOnlyWhenItExists() {
        store.addSchool(new School("hexi", "河西", "Hexi"), 1_000);
        store.addClassroom(new Classroom("hexi-g3", "hexi", "三年级", "Grade 3"), 1_000);
        Box box = new Box("box-1", "hexi-g3", "m", 1_000);
        store.addBox(new FleetStore.StoredBox(box, "old"));
        store.addBox(new FleetStore.StoredBox(new Box("box-2", "hexi-g3", "m", 1_000), "two"));

        assertTrue(store.replaceSecret("box-1", "new"));
        assertFalse(store.replaceSecret("nobody", "x"));
        assertEquals(List.of(new FleetStore.StoredBox(box, "new"), new FleetStore.StoredBox(new Box("box-2", "hexi-g3", "m", 1_000), "two")),
                store.load().boxes().stream().sorted(java.util.Comparator.comparing(b -> b.box().id())).toList());

        assertTrue(store.removeBox("box-1"));
        assertFalse(store.removeBox("box-1"));
        assertEquals(List.of("box-2"), store.load().boxes().stream().map(b -> b.box().id()).toList());
        // The id is free again: the same box may be enrolled anew.
        assertTrue(store.addBox(new FleetStore.StoredBox(new Box("box-1", "hexi-g3", "m", 2_000), "again")));
    }
}
