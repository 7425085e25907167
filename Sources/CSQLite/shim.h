#ifndef ESA_CSQLITE_SHIM_H
#define ESA_CSQLITE_SHIM_H

// The system SQLite (libsqlite3-dev). Only the SQLite module imports this.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies the bytes before the call returns.
static inline int csqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int count) {
    return sqlite3_bind_text(statement, index, text, count, SQLITE_TRANSIENT);
}

// SQLITE_STATIC: SQLite reads the caller's bytes in place, which must outlive every step (Statement.execute
// binds a large text or blob only for the steps of one run, then clears the binding).
static inline int csqlite_bind_text_static(sqlite3_stmt *statement, int index, const char *text, int count) {
    return sqlite3_bind_text(statement, index, text, count, SQLITE_STATIC);
}

static inline int csqlite_bind_blob_static(sqlite3_stmt *statement, int index, const void *bytes, int count) {
    return sqlite3_bind_blob(statement, index, bytes, count, SQLITE_STATIC);
}

static inline int csqlite_bind_blob(sqlite3_stmt *statement, int index, const void *bytes, int count) {
    return sqlite3_bind_blob(statement, index, bytes, count, SQLITE_TRANSIENT);
}

// sqlite3_db_config is variadic: double-quoted string literals off (a misspelt column name is an error,
// not a string), as GRDB configured every connection.
static inline void csqlite_disable_double_quoted_strings(sqlite3 *db) {
#if defined(SQLITE_DBCONFIG_DQS_DML)
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (void *)0);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (void *)0);
#endif
}

#endif
