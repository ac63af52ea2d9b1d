// libpq is loaded on first use, not linked: linking it makes the dynamic loader map
// its dependencies (Kerberos, LDAP, GnuTLS, SASL: two dozen libraries) at every start
// of huashu, even for a call that never talks to the central store.
#include <dlfcn.h>
#include <stddef.h>
#include <postgresql/libpq-fe.h>

static inline void *huashu_libpq(void) {
    static void *handle;
    if (!handle) handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    return handle;
}

/// Whether libpq could be loaded; every huashu_PQ call needs it.
static inline int huashu_libpq_loaded(void) { return huashu_libpq() != NULL; }

#define HUASHU_PQ(ret, name, params, args) \
    static inline ret huashu_##name params { \
        static ret (*function) params; \
        if (!function) function = (ret (*) params) dlsym(huashu_libpq(), #name); \
        return function args; \
    }
#define HUASHU_PQ_VOID(name, params, args) \
    static inline void huashu_##name params { \
        static void (*function) params; \
        if (!function) function = (void (*) params) dlsym(huashu_libpq(), #name); \
        function args; \
    }

HUASHU_PQ(PGconn *, PQconnectdbParams, (const char *const *keywords, const char *const *values, int expand_dbname), (keywords, values, expand_dbname))
HUASHU_PQ(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg), (conninfo, errmsg))
HUASHU_PQ_VOID(PQconninfoFree, (PQconninfoOption *options), (options))
HUASHU_PQ(ConnStatusType, PQstatus, (const PGconn *conn), (conn))
HUASHU_PQ(char *, PQerrorMessage, (const PGconn *conn), (conn))
HUASHU_PQ_VOID(PQfinish, (PGconn *conn), (conn))
HUASHU_PQ_VOID(PQfreemem, (void *ptr), (ptr))
HUASHU_PQ(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query))
HUASHU_PQ(PGresult *, PQexecParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                                     const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat),
          (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
HUASHU_PQ(ExecStatusType, PQresultStatus, (const PGresult *res), (res))
HUASHU_PQ(char *, PQresultErrorMessage, (const PGresult *res), (res))
HUASHU_PQ_VOID(PQclear, (PGresult *res), (res))
HUASHU_PQ(int, PQntuples, (const PGresult *res), (res))
HUASHU_PQ(int, PQnfields, (const PGresult *res), (res))
HUASHU_PQ(char *, PQgetvalue, (const PGresult *res, int row, int column), (res, row, column))
HUASHU_PQ(char *, PQfname, (const PGresult *res, int column), (res, column))
HUASHU_PQ(Oid, PQftype, (const PGresult *res, int column), (res, column))
HUASHU_PQ(int, PQputCopyData, (PGconn *conn, const char *buffer, int nbytes), (conn, buffer, nbytes))
HUASHU_PQ(int, PQputCopyEnd, (PGconn *conn, const char *errormsg), (conn, errormsg))
HUASHU_PQ(PGresult *, PQgetResult, (PGconn *conn), (conn))
HUASHU_PQ(int, PQgetisnull, (const PGresult *res, int row, int column), (res, row, column))
HUASHU_PQ(int, PQsocket, (const PGconn *conn), (conn))
HUASHU_PQ(int, PQconsumeInput, (PGconn *conn), (conn))
HUASHU_PQ(PGnotify *, PQnotifies, (PGconn *conn), (conn))
