#ifndef CSQLITETUNING_H
#define CSQLITETUNING_H

// Process-wide SQLite settings, applied when the program loads: sqlite3_config must run before
// SQLite initializes (before any connection opens, whichever code opens it first), and it is
// variadic, which Swift cannot call.
//
// - SQLITE_CONFIG_MULTITHREAD: no mutex around each connection's API calls. Every connection is
//   used by one thread at a time already (the pool serializes access to each), and Debian's
//   library otherwise opens connections in serialized mode, locking on every bind, step and column.
// - SQLITE_CONFIG_MEMSTATUS off: no global mutex and counters around every allocation (nothing
//   here reads sqlite3_memory_used).

// 1 when both settings were applied at load time; 0 when SQLite refused them (it keeps its
// defaults, which are correct, only slower).
int cg_sqlite_process_settings_applied(void);

#endif
