/* vigil_mes's PostgreSQL backend: the SQLite schema in a server database (mes_pg.h). */
#include "mes_pg.h"

#include <libpq-fe.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG "vigil_mes"
#define TXN_MAX_S 10 /* longest a transaction may stay open before it is given up */

/* Version 4 of the schema, as vigil_mes.c's SQLite one (README.md documents both): the same
 * tables, columns and keys; `top` and `features` are jsonb, times are UNIX seconds (double
 * precision).
 * (machine, channel, segment, t) identifies a frame, so a message delivered twice is stored
 * once while the rows of a new segment (the sender's clock set back: its times repeat an
 * earlier hour) are kept. A version-1 database (no segment) is migrated in place, in the same
 * transaction: the column is added (0 for the old rows) and the unique keys replaced; a
 * version-2 one (no model column) gets the column, NULL for the old rows, a version-3 one (no
 * explanation: kind, onset, features) gets those columns, NULL for the old rows. The
 * advisory lock lets two consumers start against one database at once. */
static const char schema[] =
    "BEGIN;\n"
    "SELECT pg_advisory_xact_lock(7271020);\n"
    "CREATE TABLE IF NOT EXISTS health (\n"
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  machine text NOT NULL,\n"
    "  channel text NOT NULL,\n"
    "  t double precision NOT NULL,\n"
    "  frame bigint NOT NULL,\n"
    "  state text NOT NULL CHECK (state IN ('learning','ok','warn','alarm')),\n"
    "  score double precision,\n"
    "  threshold double precision,\n"
    "  health double precision,\n"
    "  top_feature text,\n"
    "  top_contribution double precision,\n"
    "  top jsonb,\n"
    "  received double precision NOT NULL,\n"
    "  segment integer NOT NULL DEFAULT 0,\n"
    "  model text,\n"
    "  CONSTRAINT health_machine_channel_segment_t_key UNIQUE (machine, channel, segment, t)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS health_state ON health (state, machine, channel, t)\n"
    "  WHERE state IN ('warn','alarm');\n"
    "CREATE TABLE IF NOT EXISTS events (\n"
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  machine text NOT NULL,\n"
    "  channel text NOT NULL,\n"
    "  t double precision NOT NULL,\n"
    "  frame bigint,\n"
    "  from_state text,\n"
    "  to_state text NOT NULL,\n"
    "  reason text,\n"
    "  score double precision,\n"
    "  threshold double precision,\n"
    "  top jsonb,\n"
    "  received double precision NOT NULL,\n"
    "  segment integer NOT NULL DEFAULT 0,\n"
    "  model text,\n"
    "  kind text,\n"
    "  onset double precision,\n"
    "  features jsonb,\n"
    "  CONSTRAINT events_machine_channel_segment_t_to_state_key\n"
    "    UNIQUE (machine, channel, segment, t, to_state)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS events_time ON events (t);\n"
    "CREATE TABLE IF NOT EXISTS errors (\n"
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  machine text NOT NULL,\n"
    "  channel text NOT NULL,\n"
    "  t double precision,\n"
    "  error text NOT NULL,\n"
    "  received double precision NOT NULL\n"
    ");\n"
    /* The latest row of each channel, kept by a trigger in a table keyed by channel, so
     * "what is the state of every channel now" reads one row per channel whatever the size
     * of health (a DISTINCT ON view would scan and sort all of it). "Latest" is as in the
     * SQLite view: the last stored (largest health id), not the largest t, so a clock set back
     * does not hide the newest state. A repeated delivery is not inserted, so it fires no
     * trigger. */
    "CREATE TABLE IF NOT EXISTS channel_last (\n"
    "  machine text NOT NULL,\n"
    "  channel text NOT NULL,\n"
    "  t double precision NOT NULL,\n"
    "  frame bigint NOT NULL,\n"
    "  state text NOT NULL,\n"
    "  score double precision,\n"
    "  threshold double precision,\n"
    "  health double precision,\n"
    "  top_feature text,\n"
    "  segment integer NOT NULL DEFAULT 0,\n"
    "  id bigint NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (machine, channel)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);\n";
/* The rest of schema's transaction (two strings: C99's limit on a literal): version 1 -> 2,
 * version 2 -> 3, version 3 -> 4, then the trigger and the view. */
static const char schema_rest[] =
    "DO $$\n"
    "BEGIN\n"
    "  IF EXISTS (SELECT 1 FROM schema_version WHERE version < 2) THEN\n"
    "    ALTER TABLE health ADD COLUMN IF NOT EXISTS segment integer NOT NULL DEFAULT 0;\n"
    "    ALTER TABLE health DROP CONSTRAINT IF EXISTS health_machine_channel_t_key;\n"
    "    ALTER TABLE health ADD CONSTRAINT health_machine_channel_segment_t_key\n"
    "      UNIQUE (machine, channel, segment, t);\n"
    "    ALTER TABLE events ADD COLUMN IF NOT EXISTS segment integer NOT NULL DEFAULT 0;\n"
    "    ALTER TABLE events DROP CONSTRAINT IF EXISTS events_machine_channel_t_to_state_key;\n"
    "    ALTER TABLE events ADD CONSTRAINT events_machine_channel_segment_t_to_state_key\n"
    "      UNIQUE (machine, channel, segment, t, to_state);\n"
    "    ALTER TABLE channel_last ADD COLUMN IF NOT EXISTS segment integer NOT NULL DEFAULT 0,\n"
    "      ADD COLUMN IF NOT EXISTS id bigint NOT NULL DEFAULT 0;\n"
    "    DELETE FROM channel_last;\n"
    "    INSERT INTO channel_last (machine, channel, t, frame, state, score, threshold, health,\n"
    "        top_feature, segment, id)\n"
    "      SELECT DISTINCT ON (machine, channel) machine, channel, t, frame, state, score,\n"
    "        threshold, health, top_feature, segment, id\n"
    "      FROM health ORDER BY machine, channel, id DESC;\n"
    "    UPDATE schema_version SET version = 2;\n"
    "  END IF;\n"
    "  IF EXISTS (SELECT 1 FROM schema_version WHERE version < 3) THEN\n"
    "    ALTER TABLE health ADD COLUMN IF NOT EXISTS model text;\n"
    "    ALTER TABLE events ADD COLUMN IF NOT EXISTS model text;\n"
    "    UPDATE schema_version SET version = 3;\n"
    "  END IF;\n"
    "  IF EXISTS (SELECT 1 FROM schema_version WHERE version < 4) THEN\n"
    "    ALTER TABLE events ADD COLUMN IF NOT EXISTS kind text,\n"
    "      ADD COLUMN IF NOT EXISTS onset double precision,\n"
    "      ADD COLUMN IF NOT EXISTS features jsonb;\n"
    "    UPDATE schema_version SET version = 4;\n"
    "  END IF;\n"
    "END $$;\n"
    "CREATE OR REPLACE FUNCTION vigil_channel_last() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  INSERT INTO channel_last (machine, channel, t, frame, state, score, threshold, health,\n"
    "    top_feature, segment, id)\n"
    "  VALUES (NEW.machine, NEW.channel, NEW.t, NEW.frame, NEW.state, NEW.score, NEW.threshold,\n"
    "    NEW.health, NEW.top_feature, NEW.segment, NEW.id)\n"
    "  ON CONFLICT (machine, channel) DO UPDATE SET t = EXCLUDED.t, frame = EXCLUDED.frame,\n"
    "    state = EXCLUDED.state, score = EXCLUDED.score, threshold = EXCLUDED.threshold,\n"
    "    health = EXCLUDED.health, top_feature = EXCLUDED.top_feature,\n"
    "    segment = EXCLUDED.segment, id = EXCLUDED.id\n"
    "  WHERE channel_last.id < EXCLUDED.id;\n"
    "  RETURN NULL;\n"
    "END $$;\n"
    "CREATE OR REPLACE TRIGGER health_channel_last AFTER INSERT ON health\n"
    "  FOR EACH ROW EXECUTE FUNCTION vigil_channel_last();\n"
    "CREATE OR REPLACE VIEW channel_status AS\n"
    "  SELECT machine, channel, t, frame, state, score, threshold, health, top_feature\n"
    "  FROM channel_last;\n"
    "INSERT INTO schema_version SELECT 4 WHERE NOT EXISTS (SELECT 1 FROM schema_version);\n"
    "COMMIT;\n";

/* The segment: a JSON number, 0 when absent or not a number (as the SQLite backend's NUM) */
#define SEGMENT "coalesce(CASE WHEN jsonb_typeof(j->'segment') = 'number'" \
                " THEN (j->>'segment')::integer END, 0)"
/* The model id: a JSON string, NULL when absent (a learning channel) or anything else */
#define MODEL "CASE WHEN jsonb_typeof(j->'model') = 'string' THEN j->>'model' END"
/* The event's explanation as sent: kind (a string), onset (a number, s), features (the array of
 * {feature, scales}); each NULL when absent or of another type (as the SQLite backend) */
#define KIND "CASE WHEN jsonb_typeof(j->'kind') = 'string' THEN j->>'kind' END"
#define ONSET "CASE WHEN jsonb_typeof(j->'onset') = 'number' THEN (j->>'onset')::float8 END"
#define FEATURES "CASE WHEN jsonb_typeof(j->'features') = 'array' THEN j->'features' END"

/* $1 machine, $2 channel, $3 payload, $4 time received. The server takes the JSON apart
 * (jsonb): a malformed payload or a missing NOT NULL field is an error of that row only (see
 * write_batch). ON CONFLICT ... DO NOTHING skips only a repeated frame or event. */
static const char *const insert_sql[3] = {
    "INSERT INTO health (machine, channel, t, frame, state, score, threshold, health,"
    " top_feature, top_contribution, top, received, segment, model)"
    " SELECT $1, $2, (j->>'t')::float8, (j->>'frame')::bigint, j->>'state',"
    " (j->>'score')::float8, (j->>'threshold')::float8, (j->>'health')::float8,"
    " j->'top'->0->>'feature', (j->'top'->0->>'contribution')::float8, j->'top', $4::float8,"
    " " SEGMENT ", " MODEL " FROM (SELECT $3::jsonb AS j) AS p"
    " ON CONFLICT (machine, channel, segment, t) DO NOTHING",
    "INSERT INTO events (machine, channel, t, frame, from_state, to_state, reason, score,"
    " threshold, top, received, segment, model, kind, onset, features)"
    " SELECT $1, $2, (j->>'t')::float8, (j->>'frame')::bigint, j->>'from', j->>'to',"
    " j->>'reason', (j->>'score')::float8, (j->>'threshold')::float8, j->'top', $4::float8,"
    " " SEGMENT ", " MODEL ", " KIND ", " ONSET ", " FEATURES ""
    " FROM (SELECT $3::jsonb AS j) AS p"
    " ON CONFLICT (machine, channel, segment, t, to_state) DO NOTHING",
    "INSERT INTO errors (machine, channel, t, error, received)"
    " SELECT $1, $2, (j->>'t')::float8, j->>'error', $4::float8"
    " FROM (SELECT $3::jsonb AS j) AS p"};
static const char *const stmt_names[3] = {"vigil_health", "vigil_event", "vigil_error"};

/* One queued message; strings follow the struct: machine, channel, payload, each NUL-ended. */
typedef struct row {
    struct row *next;
    int kind;
    double received;
    double queued;     /* monotonic s, for the commit deadline */
    const char *channel, *payload;
    char machine[];
} row;

struct mes_pg {
    char *conninfo;
    PGconn *conn;
    int commit_ms, reconnect_max;
    size_t queue_max;
    pthread_mutex_t lock;   /* the queue and the counters */
    row *head, *tail;
    size_t queued;
    mes_pg_counts counts;
    double next_attempt;    /* monotonic s: no reconnection before */
    int backoff;            /* s, doubles up to reconnect_max */
    size_t batch;           /* rows per transaction: MES_PG_BATCH, halved after a slow one */
    int outage_logged;
};

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void logmsg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "relation ... already exists, skipping" on every start */
}

/* libpq's message without its trailing newline */
static const char *pq_message(const char *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", s ? s : "");
    for (char *c = buf; *c; c++)  /* one log line: libpq's DETAIL/HINT lines joined */
        if (*c == '\n' || *c == '\t')
            *c = c[1] && c[1] != '\n' ? ' ' : '\0';
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return buf;
}

static void disconnect(mes_pg *pg)
{
    if (pg->conn)
        PQfinish(pg->conn);
    pg->conn = NULL;
}

/* A failed statement: is the connection (or the server) at fault, rather than the row? Then
 * the rows stay queued and are written after a reconnection. SQLSTATE classes 08 (connection),
 * 57 (operator intervention: shutdown, statement timeout), 53 (insufficient resources), 58
 * (system error), and a missing SQLSTATE (libpq's own failure). */
static int connection_fault(mes_pg *pg, const PGresult *res)
{
    if (PQstatus(pg->conn) != CONNECTION_OK)
        return 1;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return !state || !strncmp(state, "08", 2) || !strncmp(state, "57", 2) ||
           !strncmp(state, "53", 2) || !strncmp(state, "58", 2);
}

static int exec_ok(mes_pg *pg, const char *sql)
{
    PGresult *res = PQexec(pg->conn, sql);
    const int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok && !connection_fault(pg, res)) { /* a lost connection: the caller logs it once */
        char buf[512];
        logmsg("postgresql: %s", pq_message(PQerrorMessage(pg->conn), buf, sizeof buf));
    }
    PQclear(res);
    return ok;
}

/* Connect when due; 1 if connected. Defaults first so that the user's string overrides them:
 * a bounded connection time, TCP keepalives and a bounded wait for unacknowledged data (a
 * server behind a dead link is noticed in about 30 s rather than the kernel's 15 min). */
static int ensure_connected(mes_pg *pg)
{
    if (pg->conn)
        return 1;
    const double now = mono_s();
    if (now < pg->next_attempt)
        return 0;
    static const char *const keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval",
                                       "keepalives_count", "tcp_user_timeout", "application_name",
                                       "dbname", NULL};
    const char *values[] = {"10", "10", "5", "3", "30000", "vigil_mes", pg->conninfo, NULL};
    PGconn *c = PQconnectdbParams(keys, values, 1);
    char buf[512];
    if (!c || PQstatus(c) != CONNECTION_OK) {
        if (!pg->outage_logged++)
            logmsg("postgresql not reachable (%s); retrying, rows are kept meanwhile",
                   c ? pq_message(PQerrorMessage(c), buf, sizeof buf) : "out of memory");
        if (c)
            PQfinish(c);
        pg->next_attempt = now + pg->backoff;
        pg->backoff = pg->backoff * 2 > pg->reconnect_max ? pg->reconnect_max : pg->backoff * 2;
        return 0;
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    pg->conn = c;
    /* each statement, and a transaction left idle, is bounded in time on the server too */
    int ok = exec_ok(pg, "SET statement_timeout = '10s'; "
                         "SET idle_in_transaction_session_timeout = '30s'") &&
             exec_ok(pg, schema) && exec_ok(pg, schema_rest);
    for (int k = 0; ok && k < 3; k++) {
        PGresult *res = PQprepare(c, stmt_names[k], insert_sql[k], 4, NULL);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            logmsg("postgresql: %s", pq_message(PQerrorMessage(c), buf, sizeof buf));
        PQclear(res);
    }
    if (!ok) {
        disconnect(pg);
        pg->next_attempt = now + pg->backoff;
        return 0;
    }
    pthread_mutex_lock(&pg->lock);
    const size_t waiting = pg->queued;
    pthread_mutex_unlock(&pg->lock);
    logmsg("connected to postgresql (%s, server %d); %zu rows waiting", PQdb(c),
           PQserverVersion(c), waiting);
    pg->backoff = 1;
    pg->outage_logged = 0;
    return 1;
}

mes_pg *mes_pg_open(const char *conninfo, int commit_ms, size_t queue_max, int reconnect_max)
{
    mes_pg *pg = calloc(1, sizeof *pg);
    if (!pg || !(pg->conninfo = strdup(conninfo))) {
        free(pg);
        return NULL;
    }
    pthread_mutex_init(&pg->lock, NULL);
    pg->commit_ms = commit_ms;
    pg->queue_max = queue_max;
    pg->reconnect_max = reconnect_max;
    pg->backoff = 1;
    pg->batch = MES_PG_BATCH;
    ensure_connected(pg);
    return pg;
}

void mes_pg_store(mes_pg *pg, int kind, const char *machine, const char *channel,
                  const char *payload, int len, double received)
{
    const size_t lm = strlen(machine), lc = strlen(channel), lp = len > 0 ? (size_t)len : 0;
    pthread_mutex_lock(&pg->lock);
    if (pg->queued >= pg->queue_max) {
        if (pg->counts.dropped++ == 0)
            logmsg("postgresql queue full (%zu rows): new messages are dropped until the "
                   "server takes rows again", pg->queue_max);
        pthread_mutex_unlock(&pg->lock);
        return;
    }
    pthread_mutex_unlock(&pg->lock);
    row *r = malloc(sizeof *r + lm + lc + lp + 3);
    if (!r) {
        pthread_mutex_lock(&pg->lock);
        pg->counts.dropped++;
        pthread_mutex_unlock(&pg->lock);
        return;
    }
    char *p = r->machine;
    memcpy(p, machine, lm + 1);
    r->channel = p += lm + 1;
    memcpy(p, channel, lc + 1);
    r->payload = p += lc + 1;
    memcpy(p, payload, lp);
    p[lp] = '\0';
    r->kind = kind;
    r->received = received;
    r->queued = mono_s();
    r->next = NULL;
    pthread_mutex_lock(&pg->lock);
    if (pg->tail)
        pg->tail->next = r;
    else
        pg->head = r;
    pg->tail = r;
    pg->queued++;
    pthread_mutex_unlock(&pg->lock);
}

enum { ROW_STORED, ROW_REPEATED, ROW_REFUSED, ROW_CONNECTION };

static int insert_row(mes_pg *pg, const row *r)
{
    char received[32];
    snprintf(received, sizeof received, "%.17g", r->received);
    const char *params[4] = {r->machine, r->channel, r->payload, received};
    PGresult *res = PQexecPrepared(pg->conn, stmt_names[r->kind], 4, params, NULL, NULL, 0);
    int out;
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        out = strcmp(PQcmdTuples(res), "0") != 0 ? ROW_STORED : ROW_REPEATED;
    else
        out = connection_fault(pg, res) ? ROW_CONNECTION : ROW_REFUSED;
    PQclear(res);
    return out;
}

/* Write the first n queued rows in one transaction. careful: a savepoint per row, so that a
 * row the server refuses is skipped alone (used after a plain attempt met such a row).
 * Returns 1 committed, 0 a refused row (plain mode: rolled back, retry carefully), -1 the
 * connection failed (rolled back or in doubt: the rows stay queued). */
static int write_batch(mes_pg *pg, row *first, size_t n, int careful, mes_pg_counts *delta)
{
    memset(delta, 0, sizeof *delta);
    if (!exec_ok(pg, "BEGIN"))
        return -1;
    const double start = mono_s();
    const row *r = first;
    for (size_t i = 0; i < n; i++, r = r->next) {
        if (mono_s() - start > TXN_MAX_S) { /* a server this slow is treated as gone */
            logmsg("postgresql: a transaction of %zu rows took over %d s; rolled back, "
                   "retried with smaller ones", n, TXN_MAX_S);
            exec_ok(pg, "ROLLBACK");
            pg->batch = n / 2 > 0 ? n / 2 : 1;
            return -1;
        }
        if (careful && !exec_ok(pg, "SAVEPOINT row"))
            return -1;
        const int out = insert_row(pg, r);
        if (out == ROW_CONNECTION)
            return -1;
        if (out == ROW_REFUSED) {
            char buf[512];
            if (!careful) {
                exec_ok(pg, "ROLLBACK");
                return PQstatus(pg->conn) == CONNECTION_OK ? 0 : -1;
            }
            logmsg("%s/%s %s: not stored: %s", r->machine, r->channel,
                   r->kind == 0 ? "health" : r->kind == 1 ? "event" : "error",
                   pq_message(PQerrorMessage(pg->conn), buf, sizeof buf));
            delta->failed++;
            if (!exec_ok(pg, "ROLLBACK TO SAVEPOINT row"))
                return -1;
            continue;
        }
        if (out == ROW_STORED)
            delta->stored[r->kind]++;
        else
            delta->ignored++;
        if (careful && !exec_ok(pg, "RELEASE SAVEPOINT row"))
            return -1;
    }
    /* COMMIT's reply lost: the rows may or may not be in; writing them again is harmless */
    return exec_ok(pg, "COMMIT") ? 1 : -1;
}

size_t mes_pg_flush(mes_pg *pg, int force)
{
    for (;;) {
        pthread_mutex_lock(&pg->lock);
        row *first = pg->head;
        size_t n = pg->queued;
        const int due = n > 0 && (force || n >= pg->batch ||
                                  (mono_s() - first->queued) * 1000.0 >= pg->commit_ms);
        pthread_mutex_unlock(&pg->lock);
        if (!due || !ensure_connected(pg))
            return n;
        if (n > pg->batch)
            n = pg->batch;
        mes_pg_counts delta;
        int rc = write_batch(pg, first, n, 0, &delta);
        if (rc == 0)
            rc = write_batch(pg, first, n, 1, &delta);
        if (rc < 0) {
            char buf[512];
            logmsg("postgresql connection lost (%s); %zu rows kept, reconnecting with backoff",
                   pq_message(PQerrorMessage(pg->conn), buf, sizeof buf), n);
            disconnect(pg);
            pg->next_attempt = mono_s() + pg->backoff;
            return n;
        }
        /* committed: the rows leave the queue (only this thread removes rows) */
        pg->batch = pg->batch * 2 > MES_PG_BATCH ? MES_PG_BATCH : pg->batch * 2;
        pthread_mutex_lock(&pg->lock);
        for (size_t i = 0; i < n; i++) {
            row *r = pg->head;
            pg->head = r->next;
            free(r);
        }
        if (!pg->head)
            pg->tail = NULL;
        pg->queued -= n;
        for (int k = 0; k < 3; k++)
            pg->counts.stored[k] += delta.stored[k];
        pg->counts.ignored += delta.ignored;
        pg->counts.failed += delta.failed;
        pthread_mutex_unlock(&pg->lock);
    }
}

void mes_pg_close(mes_pg *pg, int wait_s, mes_pg_counts *counts)
{
    if (!pg)
        return;
    const double end = mono_s() + wait_s;
    while (mes_pg_flush(pg, 1) > 0 && mono_s() < end) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    disconnect(pg);
    pthread_mutex_lock(&pg->lock);
    if (pg->queued)
        logmsg("postgresql: %zu rows could not be written before exit", pg->queued);
    pg->counts.dropped += pg->queued;
    while (pg->head) {
        row *r = pg->head;
        pg->head = r->next;
        free(r);
    }
    if (counts)
        *counts = pg->counts;
    pthread_mutex_unlock(&pg->lock);
    pthread_mutex_destroy(&pg->lock);
    free(pg->conninfo);
    free(pg);
}
