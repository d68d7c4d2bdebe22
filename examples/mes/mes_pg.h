/* vigil_mes's PostgreSQL backend (README.md beside this file: "PostgreSQL").
 *
 * The same tables as the SQLite default, in a server database reached by a libpq connection
 * string. Messages are queued in memory as they arrive and written in transactions of at most
 * MES_PG_BATCH rows by mes_pg_flush(); a row leaves the queue only once its transaction has
 * committed, so a server that restarts or a connection that breaks loses nothing the consumer
 * has received (it is written again after the reconnection; the UNIQUE keys and ON CONFLICT DO
 * NOTHING make a row whose commit was in doubt harmless). The queue is bounded (--pg-queue
 * rows): beyond it new messages are counted as dropped.
 *
 * Threads: mes_pg_store() may run in one thread (libmosquitto's) while mes_pg_flush() runs in
 * another; create, flush and close from one thread. */
#ifndef VIGIL_MES_PG_H
#define VIGIL_MES_PG_H

#include <stddef.h>

#define MES_PG_BATCH 2000 /* rows per transaction at most (fewer after a slow one) */

typedef struct mes_pg mes_pg;

/* Counters, for the consumer's summary line. */
typedef struct mes_pg_counts {
    unsigned long long stored[3];  /* health, event, error rows written */
    unsigned long long ignored;    /* repeated deliveries (the row existed) */
    unsigned long long failed;     /* payloads the server refused (malformed, missing field) */
    unsigned long long dropped;    /* arrived with the queue full, or still queued at exit */
} mes_pg_counts;

/* Connect with `conninfo` (a libpq connection string or URI: "host=/tmp port=5433
 * dbname=plant", "postgresql://mes@db1/plant"; PGPASSWORD / ~/.pgpass for passwords) and
 * create the schema if needed. commit_ms: the longest a received row waits before its
 * transaction (1 .. 3600000); queue_max: rows kept while the server is away; reconnect_max:
 * longest wait between reconnection attempts in s. A server that is not up yet is waited for by
 * mes_pg_flush(); returns NULL only when out of memory. */
mes_pg *mes_pg_open(const char *conninfo, int commit_ms, size_t queue_max, int reconnect_max);

/* Queue one message: kind 0 health, 1 event, 2 error; payload is the gateway's JSON (len
 * bytes, not NUL-terminated); received in UNIX seconds. Thread-safe with mes_pg_flush(). */
void mes_pg_store(mes_pg *pg, int kind, const char *machine, const char *channel,
                  const char *payload, int len, double received);

/* Write what is due: rows that have waited commit_ms or more, or a full batch. force: write
 * every queued row now. Reconnects (with backoff) when the connection is down. Returns the rows
 * still queued. */
size_t mes_pg_flush(mes_pg *pg, int force);

/* Write what is queued, retrying a lost server for up to wait_s seconds, then disconnect and
 * free. *counts receives the final counters (rows not written are counted as dropped). */
void mes_pg_close(mes_pg *pg, int wait_s, mes_pg_counts *counts);

#endif
