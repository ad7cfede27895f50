#include "CSQLiteTuning.h"

#include <sqlite3.h>

static int applied;

__attribute__((constructor)) static void cg_sqlite_configure_process(void) {
    int threading = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    int memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    applied = threading == SQLITE_OK && memstatus == SQLITE_OK;
}

int cg_sqlite_process_settings_applied(void) {
    return applied;
}
