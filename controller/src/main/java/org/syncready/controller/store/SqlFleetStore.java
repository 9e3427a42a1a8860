package org.syncready.controller.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetStore;
import org.syncready.controller.fleet.School;

/** Schools, classrooms and boxes in SQLite (tables of migration V1). */
public final class SqlFleetStore implements FleetStore {
    private static final String SELECT_BOX = "SELECT id, classroom_id, model, secret_hash, created_at FROM box";

    private final Jdbc jdbc;

    public SqlFleetStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public Registered load() {
        return jdbc.withConnection("loading the fleet registry", c -> new Registered(
                Jdbc.list(c, "SELECT id, name_zh, name_en FROM school",
                        rs -> new School(rs.getString(1), rs.getString(2), rs.getString(3))),
                Jdbc.list(c, "SELECT id, school_id, name_zh, name_en FROM classroom",
                        rs -> new Classroom(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))),
                Jdbc.list(c, SELECT_BOX, SqlFleetStore::storedBox)));
    }

    @Override
    public Optional<StoredBox> findBox(String boxId) {
        return jdbc.first(SELECT_BOX + " WHERE id = ?", SqlFleetStore::storedBox, boxId);
    }

    private static StoredBox storedBox(ResultSet rs) throws SQLException {
        return new StoredBox(new Box(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(5)), rs.getString(4));
    }

    @Override
    public boolean addSchool(School s, long createdAt) {
        return insert("INSERT INTO school(id, name_zh, name_en, created_at) VALUES (?,?,?,?)",
                s.id(), s.nameZh(), s.nameEn(), createdAt);
    }

    @Override
    public boolean addClassroom(Classroom c, long createdAt) {
        return insert("INSERT INTO classroom(id, school_id, name_zh, name_en, created_at) VALUES (?,?,?,?,?)",
                c.id(), c.schoolId(), c.nameZh(), c.nameEn(), createdAt);
    }

    @Override
    public boolean addBox(StoredBox b) {
        return insert("INSERT INTO box(id, classroom_id, model, secret_hash, created_at) VALUES (?,?,?,?,?)",
                b.box().id(), b.box().classroomId(), b.box().model(), b.secretHash(), b.box().createdAt());
    }

    @Override
    public boolean replaceSecret(String boxId, String secretHash) {
        return jdbc.update("UPDATE box SET secret_hash = ? WHERE id = ?", secretHash, boxId) == 1;
    }

    @Override
    public boolean removeBox(String boxId) {
        return jdbc.update("DELETE FROM box WHERE id = ?", boxId) == 1;
    }

    /** Inserts one row; false when a key or constraint refuses it (the id is taken). */
    private boolean insert(String sql, Object... args) {
        return jdbc.withConnection("registering '" + args[0] + "'", c -> {
            try {
                Jdbc.update(c, sql, args);
                return true;
            } catch (SQLException e) {
                if (jdbc.dialect().isConstraintViolation(e)) {
                    return false;
                }
                throw e;
            }
        });
    }
}
