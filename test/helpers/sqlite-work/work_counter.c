/*
 * A SQLite extension for tests: `select pounce_work()` sums, over every statement prepared on
 * this connection, how many virtual-machine steps it has run (SQLITE_STMTSTATUS_VM_STEP) and how
 * many rows full-table scans stepped through (SQLITE_STMTSTATUS_FULLSCAN_STEP). Those counters
 * are SQLite's own measure of the work a statement did: a query that scans a growing table shows
 * a growing count, whatever the machine's speed or load. better-sqlite3 does not expose them, and
 * its SQLite is built without the progress callback and the sqlite_stmt table, so this reads them
 * through the C API. Loaded only by tests (test/helpers/sqlite-work.ts compiles it with cc).
 */
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

static void work(sqlite3_context *ctx, int argc, sqlite3_value **argv, int op) {
  (void)argc;
  (void)argv;
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_int64 total = 0;
  for (sqlite3_stmt *s = sqlite3_next_stmt(db, 0); s; s = sqlite3_next_stmt(db, s)) {
    total += sqlite3_stmt_status(s, op, 0);
  }
  sqlite3_result_int64(ctx, total);
}

static void vm_steps(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  work(ctx, argc, argv, SQLITE_STMTSTATUS_VM_STEP);
}

static void fullscan_steps(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  work(ctx, argc, argv, SQLITE_STMTSTATUS_FULLSCAN_STEP);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_workcounter_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  (void)err;
  SQLITE_EXTENSION_INIT2(api);
  int rc = sqlite3_create_function(db, "pounce_vm_steps", 0, SQLITE_UTF8, 0, vm_steps, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "pounce_fullscan_steps", 0, SQLITE_UTF8, 0, fullscan_steps, 0, 0);
  return rc;
}
