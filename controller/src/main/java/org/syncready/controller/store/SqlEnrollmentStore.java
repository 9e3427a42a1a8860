package org.syncready.controller.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.syncready.controller.enroll.EnrollmentCode;
import org.syncready.controller.enroll.EnrollmentStore;

/** Enrollment codes in SQLite (table of migration V7). */
public final class SqlEnrollmentStore implements EnrollmentStore {
    private static final String COLUMNS = "id, classroom_id, created_by, created_at, expires_at, used_at, used_by_box, revoked_at, code_hash";
    private final Jdbc jdbc;

    public SqlEnrollmentStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public void add(StoredCode s) {
        EnrollmentCode c = s.code();
        jdbc.update("INSERT INTO enrollment_code(" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)", c.id(), c.classroomId(),
                c.createdBy(), c.createdAt(), c.expiresAt(), c.usedAt(), c.usedByBox(), c.revokedAt(), s.codeHash());
    }

    @Override
    public List<StoredCode> createdSince(long since) {
        return jdbc.list("SELECT " + COLUMNS + " FROM enrollment_code WHERE created_at >= ?",
                rs -> new StoredCode(code(rs), rs.getString(9)), since);
    }

    @Override
    public List<EnrollmentCode> ofClassroom(String classroomId) {
        return jdbc.list("SELECT " + COLUMNS + " FROM enrollment_code WHERE classroom_id = ? ORDER BY created_at DESC, id",
                SqlEnrollmentStore::code, classroomId);
    }

    @Override
    public Optional<EnrollmentCode> get(String id) {
        return jdbc.first("SELECT " + COLUMNS + " FROM enrollment_code WHERE id = ?", SqlEnrollmentStore::code, id);
    }

    @Override
    public boolean markUsed(String id, String boxId, long at) {
        return jdbc.update("UPDATE enrollment_code SET used_at = ?, used_by_box = ? WHERE id = ? AND used_at IS NULL"
                + " AND revoked_at IS NULL", at, boxId, id) == 1;
    }

    @Override
    public boolean revoke(String id, long at) {
        return jdbc.update("UPDATE enrollment_code SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
                at, id) == 1;
    }

    private static EnrollmentCode code(ResultSet rs) throws SQLException {
        return new EnrollmentCode(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                Jdbc.nullableLong(rs, 6), rs.getString(7), Jdbc.nullableLong(rs, 8));
    }
}
