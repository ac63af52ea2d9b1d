#ifndef HUASHU_CSQLITETUNING_SHIM_H
#define HUASHU_CSQLITETUNING_SHIM_H

#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call. Memory statistics take
   a mutex on every allocation SQLite makes; nothing in Huashu reads them. */
static inline int huashu_sqlite_without_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
