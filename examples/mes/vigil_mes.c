/* vigil_mes: stores the gateway's health rows and events in SQLite for an MES dashboard.
 *
 * Subscribes to `<prefix>/+/+/health`, `.../event` and `.../error` (the gateway's topics,
 * examples/gateway/README.md) and inserts each message as one row of the schema below
 * (README.md beside this file documents it, with example queries). JSON is taken apart by
 * SQLite itself (json_extract), so a malformed payload is an SQL error that is logged and
 * skipped, never a half-written row. Rows are committed in small transactions: at most
 * --commit-ms (default 1000) after the first row of a transaction, or at MES_COMMIT_ROWS rows,
 * whichever comes first, in both modes, and at exit; the database is in WAL mode so
 * dashboards read while rows are written.
 *
 * --stdin reads `topic payload` lines instead (what `mosquitto_sub -v` and
 * `vigil_gateway --input` print), for trials without a broker. */
#include "mqtt_connect.h"

#include <mosquitto.h>
#include <sqlite3.h>

#include <errno.h>
#include <poll.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef VIGIL_MES_PG
#include "mes_pg.h"
#endif

#define PROG "vigil_mes"
/* A transaction is committed --commit-ms after its first row or at this many rows, whichever
 * comes first: a crash loses at most that much. */
#define MES_COMMIT_ROWS 1000

/* Version 4 of the schema; README.md explains every column. (machine, channel, segment, t)
 * identifies a frame, so a message delivered twice (MQTT QoS 1 may do that) is stored once,
 * while the rows of a new segment (the sender's clock set back: its times repeat an earlier
 * hour) are kept. `model` is the id of the model that produced the row (NULL while learning).
 * An event keeps the message's explanation as sent: `kind` (change or transient), `onset` (the
 * episode's start, s) and `features` (its JSON array of {feature, scales}), NULL when the
 * message has none. Version 1 (no segment) is migrated at open (migrate_v1), version 2 (no
 * model) too (migrate_v2), then version 3 (no explanation columns: migrate_v3). */
static const char schema[] =
    "PRAGMA journal_mode=WAL;\n"
    "PRAGMA synchronous=NORMAL;\n"
    "CREATE TABLE IF NOT EXISTS health (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  machine TEXT NOT NULL,\n"
    "  channel TEXT NOT NULL,\n"
    "  t REAL NOT NULL,\n"
    "  frame INTEGER NOT NULL,\n"
    "  state TEXT NOT NULL CHECK (state IN ('learning','ok','warn','alarm')),\n"
    "  score REAL,\n"
    "  threshold REAL,\n"
    "  health REAL,\n"
    "  top_feature TEXT,\n"
    "  top_contribution REAL,\n"
    "  top TEXT,\n"
    "  received REAL NOT NULL,\n"
    "  segment INTEGER NOT NULL DEFAULT 0,\n"
    "  model TEXT,\n"
    "  UNIQUE (machine, channel, segment, t)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS health_state ON health(state, machine, channel)\n"
    "  WHERE state IN ('warn','alarm');\n"
    "CREATE TABLE IF NOT EXISTS events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  machine TEXT NOT NULL,\n"
    "  channel TEXT NOT NULL,\n"
    "  t REAL NOT NULL,\n"
    "  frame INTEGER,\n"
    "  from_state TEXT,\n"
    "  to_state TEXT NOT NULL,\n"
    "  reason TEXT,\n"
    "  score REAL,\n"
    "  threshold REAL,\n"
    "  top TEXT,\n"
    "  received REAL NOT NULL,\n"
    "  segment INTEGER NOT NULL DEFAULT 0,\n"
    "  model TEXT,\n"
    "  kind TEXT,\n"
    "  onset REAL,\n"
    "  features TEXT,\n"
    "  UNIQUE (machine, channel, segment, t, to_state)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS events_time ON events(t);\n"
    "CREATE TABLE IF NOT EXISTS errors (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  machine TEXT NOT NULL,\n"
    "  channel TEXT NOT NULL,\n"
    "  t REAL,\n"
    "  error TEXT NOT NULL,\n"
    "  received REAL NOT NULL\n"
    ");\n"
    "CREATE VIEW IF NOT EXISTS channel_status AS\n"
    "  SELECT machine, channel, t, frame, state, score, threshold, health, top_feature\n"
    "  FROM health WHERE id IN (SELECT max(id) FROM health GROUP BY machine, channel);\n"
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);\n"
    "INSERT INTO schema_version SELECT 4 WHERE NOT EXISTS (SELECT 1 FROM schema_version);\n";

/* Version 1 -> 2: the tables are rebuilt with the segment column (0 for the old rows) and the
 * new unique keys (SQLite cannot alter a constraint), in one transaction. */
static const char migrate_v1[] =
    "BEGIN;\n"
    "DROP VIEW IF EXISTS channel_status;\n"
    "DROP INDEX IF EXISTS health_state;\n"
    "DROP INDEX IF EXISTS events_time;\n"
    "ALTER TABLE health RENAME TO health_v1;\n"
    "ALTER TABLE events RENAME TO events_v1;\n"
    "DELETE FROM schema_version;\n"
    "COMMIT;\n";
static const char migrate_v1_copy[] =
    "BEGIN;\n"
    "INSERT INTO health (id, machine, channel, t, frame, state, score, threshold, health,"
    " top_feature, top_contribution, top, received) SELECT id, machine, channel, t, frame, state,"
    " score, threshold, health, top_feature, top_contribution, top, received FROM health_v1;\n"
    "INSERT INTO events (id, machine, channel, t, frame, from_state, to_state, reason, score,"
    " threshold, top, received) SELECT id, machine, channel, t, frame, from_state, to_state,"
    " reason, score, threshold, top, received FROM events_v1;\n"
    "DROP TABLE health_v1;\n"
    "DROP TABLE events_v1;\n"
    "COMMIT;\n";

/* Version 2 -> 3: the model column (NULL for the old rows). A version-1 database is rebuilt
 * by migrate_v1 with the current tables, so it never comes here. */
static const char migrate_v2[] =
    "BEGIN;\n"
    "ALTER TABLE health ADD COLUMN model TEXT;\n"
    "ALTER TABLE events ADD COLUMN model TEXT;\n"
    "UPDATE schema_version SET version = 3;\n"
    "COMMIT;\n";

/* Version 3 -> 4: the event's explanation (NULL for the old rows). Comes after migrate_v2. */
static const char migrate_v3[] =
    "BEGIN;\n"
    "ALTER TABLE events ADD COLUMN kind TEXT;\n"
    "ALTER TABLE events ADD COLUMN onset REAL;\n"
    "ALTER TABLE events ADD COLUMN features TEXT;\n"
    "UPDATE schema_version SET version = 4;\n"
    "COMMIT;\n";

/* ?1 machine, ?2 channel, ?3 payload, ?4 time received. json(?3) rejects malformed text.
 * ON CONFLICT ... DO NOTHING skips only a repeated frame or event; INSERT OR IGNORE would also
 * swallow NOT NULL and CHECK violations, i.e. payloads that lack a field or carry a bad state.
 * ("WHERE true" is SQLite's required disambiguation of an upsert on INSERT ... SELECT.) */
/* A numeric field: its JSON number, or NULL when it is anything else (text "12" included), so a
 * numeric column never holds text (which sorts above every number in SQLite: issue 17); a
 * NOT NULL column then rejects the row, logged. */
#define NUM(path) "(CASE WHEN json_type(j,'" path "') IN ('integer','real') " \
                  "THEN json_extract(j,'" path "') END)"
/* The model id: a JSON string, or NULL (absent while the channel learns, or not a string) */
#define MODEL "(CASE WHEN json_type(j,'$.model') = 'text' THEN json_extract(j,'$.model') END)"
/* The event's kind ("change" or "transient"): a JSON string, else NULL */
#define KIND "(CASE WHEN json_type(j,'$.kind') = 'text' THEN json_extract(j,'$.kind') END)"
/* The features that drove the event, [{feature, scales}, ...]: the JSON array as sent (compact
 * text), NULL when absent or not an array */
#define FEATURES "(CASE WHEN json_type(j,'$.features') = 'array' " \
                 "THEN json_extract(j,'$.features') END)"
static const char *const insert_sql[3] = {
    "INSERT INTO health (machine, channel, t, frame, state, score, threshold, health,"
    " top_feature, top_contribution, top, received, segment, model)"
    " SELECT ?1, ?2, " NUM("$.t") ", " NUM("$.frame") ", json_extract(j,'$.state'),"
    " " NUM("$.score") ", " NUM("$.threshold") ", " NUM("$.health") ","
    " json_extract(j,'$.top[0].feature'), " NUM("$.top[0].contribution") ","
    " json_extract(j,'$.top'), ?4, coalesce(" NUM("$.segment") ", 0), " MODEL ""
    " FROM (SELECT json(?3) AS j) WHERE true"
    " ON CONFLICT (machine, channel, segment, t) DO NOTHING",
    "INSERT INTO events (machine, channel, t, frame, from_state, to_state, reason,"
    " score, threshold, top, received, segment, model, kind, onset, features)"
    " SELECT ?1, ?2, " NUM("$.t") ", " NUM("$.frame") ", json_extract(j,'$.from'),"
    " json_extract(j,'$.to'), json_extract(j,'$.reason'), " NUM("$.score") ","
    " " NUM("$.threshold") ", json_extract(j,'$.top'), ?4,"
    " coalesce(" NUM("$.segment") ", 0), " MODEL ", " KIND ", " NUM("$.onset") ","
    " " FEATURES " FROM (SELECT json(?3) AS j)"
    " WHERE true ON CONFLICT (machine, channel, segment, t, to_state) DO NOTHING",
    "INSERT INTO errors (machine, channel, t, error, received)"
    " SELECT ?1, ?2, " NUM("$.t") ", json_extract(j,'$.error'), ?4"
    " FROM (SELECT json(?3) AS j)"};
static const char *const kinds[3] = {"health", "event", "error"};

static const char usage[] =
    "usage: " PROG " --db FILE [--host H] [--port P] [--id ID] [--clean] [--prefix P] [--qos Q]\n"
    "                 [--username U] [--cafile F] [--commit-ms MS] [--reconnect-max S]\n"
    "       " PROG " --db FILE --stdin [--prefix P]     (reads 'topic payload' lines)\n"
    "Stores the gateway's <prefix>/+/+/health, event and error messages in SQLite.\n"
    "Defaults: localhost:1883, id vigil-mes (persistent session), prefix vigil, QoS 1,\n"
    "commit every 1000 ms. Password from the environment variable VIGIL_MQTT_PASSWORD.\n"
    "--pg CONNINFO instead of --db: the same tables in PostgreSQL (libpq connection string\n"
    "or URI); --pg-queue N rows kept while the server is away (default 100000).\n";

typedef struct mes {
    sqlite3 *db;
    sqlite3_stmt *ins[3];
    pthread_mutex_t lock;   /* the database: network thread inserts, main thread commits */
    int in_txn;
    double txn_start;
    size_t txn_rows; /* rows since BEGIN */
    const char *prefix;
    const char *host;
    int port, qos;
    unsigned long long stored[3], ignored, failed;
#ifdef VIGIL_MES_PG
    mes_pg *pg;             /* --pg: rows go to PostgreSQL instead (mes_pg.c) */
#endif
} mes;

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int exec(mes *m, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(m->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        logmsg("sqlite: %s", err ? err : sqlite3_errmsg(m->db));
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static int table_exists(mes *m, const char *name)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(m->db, "SELECT 1 FROM sqlite_master WHERE name = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

/* The stored schema version (0: a new database). */
static int schema_version(mes *m)
{
    if (!table_exists(m, "schema_version"))
        return 0;
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(m->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) ==
            SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int open_db(mes *m, const char *path)
{
    if (sqlite3_open(path, &m->db) != SQLITE_OK) {
        logmsg("%s: %s", path, m->db ? sqlite3_errmsg(m->db) : "cannot open");
        return -1;
    }
    /* a dashboard may hold a read lock for a moment: wait rather than fail */
    sqlite3_busy_timeout(m->db, 5000);
    int version = schema_version(m);
    if (version == 1 && exec(m, migrate_v1) != 0)
        return -1;
    if (version == 2 && exec(m, migrate_v2) != 0)
        return -1;
    if ((version == 2 || version == 3) && exec(m, migrate_v3) != 0)
        return -1;
    if (exec(m, schema) != 0)
        return -1;
    if (table_exists(m, "health_v1") && exec(m, migrate_v1_copy) != 0)
        return -1;
    for (int i = 0; i < 3; i++)
        if (sqlite3_prepare_v2(m->db, insert_sql[i], -1, &m->ins[i], NULL) != SQLITE_OK) {
            logmsg("sqlite: %s", sqlite3_errmsg(m->db));
            return -1;
        }
    return 0;
}

static void commit(mes *m)
{
    if (m->in_txn && exec(m, "COMMIT") == 0) {
        m->in_txn = 0;
        m->txn_rows = 0;
    }
}

/* Store one message; topic is <prefix>/<machine>/<channel>/<kind>. Caller holds the lock. */
static void store(mes *m, const char *topic, const char *payload, int len)
{
    const size_t plen = strlen(m->prefix);
    char levels[1024];
    if (strncmp(topic, m->prefix, plen) != 0 || topic[plen] != '/' ||
        strlen(topic + plen + 1) >= sizeof levels)
        return;
    strcpy(levels, topic + plen + 1);
    char *machine = levels, *channel = strchr(machine, '/'), *kind;
    if (!channel)
        return;
    *channel++ = '\0';
    if (!(kind = strchr(channel, '/')))
        return;
    *kind++ = '\0';
    int k = 0;
    while (k < 3 && strcmp(kind, kinds[k]) != 0)
        k++;
    if (k == 3 || !*machine || !*channel || strchr(kind, '/'))
        return;
#ifdef VIGIL_MES_PG
    if (m->pg) {
        mes_pg_store(m->pg, k, machine, channel, payload, len, now_s());
        return;
    }
#endif
    if (!m->in_txn) {
        if (exec(m, "BEGIN") != 0)
            return;
        m->in_txn = 1;
        m->txn_start = now_s();
    }
    sqlite3_stmt *st = m->ins[k];
    sqlite3_bind_text(st, 1, machine, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, payload, len, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 4, now_s());
    if (sqlite3_step(st) == SQLITE_DONE) {
        if (sqlite3_changes(m->db) > 0)
            m->stored[k]++;
        else
            m->ignored++; /* a repeated delivery */
    } else {
        m->failed++;
        logmsg("%s: not stored: %s", topic, sqlite3_errmsg(m->db));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (++m->txn_rows >= MES_COMMIT_ROWS)
        commit(m);
}

/* ---- MQTT (callbacks run in libmosquitto's network thread) ---------------------------- */

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    mes *m = obj;
    if (rc != 0) {
        logmsg("broker refused the connection: %s", mosquitto_connack_string(rc));
        return;
    }
    logmsg("connected to %s:%d", m->host, m->port);
    char subs[3][600];
    char *list[3];
    for (int k = 0; k < 3; k++) {
        snprintf(subs[k], sizeof subs[k], "%s/+/+/%s", m->prefix, kinds[k]);
        list[k] = subs[k];
    }
    /* one SUBSCRIBE for the three topics, so one acknowledgement says all are in place */
    if (mosquitto_subscribe_multiple(mosq, NULL, 3, list, m->qos, 0, NULL) != MOSQ_ERR_SUCCESS)
        logmsg("cannot subscribe");
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *qos)
{
    (void)mosq;
    (void)obj;
    (void)mid;
    int ok = count == 3;
    for (int k = 0; ok && k < count; k++)
        ok = qos[k] <= 2;
    if (ok)
        logmsg("subscribed (QoS %d)", qos[0]);
    else
        logmsg("the broker refused a subscription");
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    (void)mosq;
    (void)obj;
    if (rc != 0)
        logmsg("connection lost (%s); reconnecting with backoff", mosquitto_strerror(rc));
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    mes *m = obj;
    (void)mosq;
    pthread_mutex_lock(&m->lock);
    store(m, msg->topic, msg->payload, msg->payloadlen);
    pthread_mutex_unlock(&m->lock);
}

static int opt_int(const char *name, const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: expected an integer in %ld..%ld\n", name, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Connect, retrying every 1, 2, 4, ... up to reconnect_max seconds until it works or a signal
 * asks to stop (then -1). */
static int first_connect(struct mosquitto *mosq, const char *host, int port, int keepalive,
                         int reconnect_max)
{
    int delay = 1, logged = 0;
    for (;;) {
        int rc = mqtt_connect_any(mosq, host, port, keepalive);
        if (rc == MOSQ_ERR_SUCCESS)
            return 0;
        if (!logged++)
            logmsg("broker %s:%d not reachable yet (%s); retrying", host, port,
                   rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        for (int i = 0; i < delay * 10; i++) {
            if (g_stop)
                return -1;
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        delay = delay * 2 > reconnect_max ? reconnect_max : delay * 2;
    }
}

static int run_mqtt(mes *m, const char *id, int clean, int reconnect_max, const char *user,
                    const char *cafile, int commit_ms)
{
    mosquitto_lib_init();
    struct mosquitto *mosq = mosquitto_new(id, clean, m);
    if (!mosq) {
        logmsg("mosquitto_new failed: %s", strerror(errno));
        return 1;
    }
    mosquitto_connect_callback_set(mosq, on_connect);
    mosquitto_disconnect_callback_set(mosq, on_disconnect);
    mosquitto_subscribe_callback_set(mosq, on_subscribe);
    mosquitto_message_callback_set(mosq, on_message);
    mosquitto_reconnect_delay_set(mosq, 1, (unsigned)reconnect_max, true);
    int rc = MOSQ_ERR_SUCCESS;
    if (user)
        rc = mosquitto_username_pw_set(mosq, user, getenv("VIGIL_MQTT_PASSWORD"));
    if (rc == MOSQ_ERR_SUCCESS && cafile)
        rc = mosquitto_tls_set(mosq, cafile, NULL, NULL, NULL, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        logmsg("MQTT setup: %s", mosquitto_strerror(rc));
        mosquitto_destroy(mosq);
        return 1;
    }
    /* The first connection is made here: libmosquitto's network thread retries lost
     * connections, but not a first attempt that failed at once (a local broker that is not
     * up yet refuses immediately). Same backoff as the thread's. */
    if (first_connect(mosq, m->host, m->port, 30, reconnect_max) != 0) {
        mosquitto_destroy(mosq);
        mosquitto_lib_cleanup();
        return 0;
    }
    /* the network thread must not take SIGTERM/SIGINT: the main thread handles them */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    rc = mosquitto_loop_start(mosq);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        logmsg("cannot start the network thread: %s", mosquitto_strerror(rc));
        mosquitto_destroy(mosq);
        return 1;
    }
    while (!g_stop) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&m->lock);
        if (m->in_txn && (now_s() - m->txn_start) * 1000.0 >= commit_ms)
            commit(m);
        pthread_mutex_unlock(&m->lock);
#ifdef VIGIL_MES_PG
        if (m->pg)
            mes_pg_flush(m->pg, 0); /* outside the lock: the network thread keeps queueing */
#endif
    }
    mosquitto_disconnect(mosq);
    mosquitto_loop_stop(mosq, false);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
    return 0;
}

/* --stdin: lines read with read() and poll(), not stdio, so that an open transaction is
 * committed --commit-ms after its first row even while no line arrives (stdio's buffer would
 * hide whether a line is waiting). Before, --stdin committed only at the end of input: a crash
 * lost every row (issue 17). */
static int run_stdin(mes *m, int commit_ms)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return 1;
    int eof = 0;
    while (!g_stop && !eof) {
        int wait_ms = -1;
        if (m->in_txn) {
            double left = commit_ms - (now_s() - m->txn_start) * 1000.0;
            wait_ms = left > 0 ? (int)left + 1 : 0;
        }
        struct pollfd pfd = {0, POLLIN, 0};
        int pr = poll(&pfd, 1, wait_ms);
        if (pr < 0 && errno != EINTR)
            break;
        if (m->in_txn && (now_s() - m->txn_start) * 1000.0 >= commit_ms)
            commit(m);
        if (pr <= 0)
            continue;
        if (len == cap) {
            char *bigger = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                logmsg("a line longer than %zu bytes: input ignored up to its end", cap);
                len = 0; /* drop it */
                continue;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(0, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            eof = 1;
            if (len > 0 && len < cap)
                buf[len++] = '\n'; /* a last line without its newline */
        } else {
            len += (size_t)got;
        }
        size_t start = 0;
        for (size_t k = 0; k < len; k++) {
            if (buf[k] != '\n')
                continue;
            size_t n = k - start;
            char *line = buf + start;
            start = k + 1;
            while (n > 0 && line[n - 1] == '\r')
                n--;
            line[n] = '\0';
            char *sp = strchr(line, ' ');
            if (!sp)
                continue;
            *sp = '\0';
            store(m, line, sp + 1, (int)(line + n - (sp + 1)));
#ifdef VIGIL_MES_PG
            if (m->pg)
                mes_pg_flush(m->pg, 0);
#endif
        }
        memmove(buf, buf + start, len - start);
        len -= start;
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    mes m;
    memset(&m, 0, sizeof m);
    pthread_mutex_init(&m.lock, NULL);
    m.prefix = "vigil";
    m.host = "localhost";
    m.port = 1883;
    m.qos = 1;
    const char *db = NULL, *id = "vigil-mes", *user = NULL, *cafile = NULL;
    int clean = 0, from_stdin = 0, commit_ms = 1000, reconnect_max = 30, bad = 0, o;
    const char *pg_conninfo = NULL;
    int pg_queue = 100000;
    enum { O_DB = 256, O_HOST, O_PORT, O_ID, O_CLEAN, O_PREFIX, O_QOS, O_USER, O_CAFILE,
           O_COMMIT, O_RECONNECT, O_STDIN, O_HELP, O_PG, O_PG_QUEUE };
    static const struct option longopts[] = {
        {"db", 1, NULL, O_DB}, {"host", 1, NULL, O_HOST}, {"port", 1, NULL, O_PORT},
        {"id", 1, NULL, O_ID}, {"clean", 0, NULL, O_CLEAN}, {"prefix", 1, NULL, O_PREFIX},
        {"qos", 1, NULL, O_QOS}, {"username", 1, NULL, O_USER}, {"cafile", 1, NULL, O_CAFILE},
        {"commit-ms", 1, NULL, O_COMMIT}, {"reconnect-max", 1, NULL, O_RECONNECT},
        {"stdin", 0, NULL, O_STDIN}, {"help", 0, NULL, O_HELP}, {"pg", 1, NULL, O_PG},
        {"pg-queue", 1, NULL, O_PG_QUEUE}, {NULL, 0, NULL, 0}};
    while (!bad && (o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (o) {
        case O_DB: db = optarg; break;
        case O_HOST: m.host = optarg; break;
        case O_PORT: bad = opt_int("--port", optarg, 1, 65535, &m.port); break;
        case O_ID: id = optarg; break;
        case O_CLEAN: clean = 1; break;
        case O_PREFIX: m.prefix = optarg; break;
        case O_QOS: bad = opt_int("--qos", optarg, 0, 2, &m.qos); break;
        case O_USER: user = optarg; break;
        case O_CAFILE: cafile = optarg; break;
        case O_COMMIT: bad = opt_int("--commit-ms", optarg, 1, 3600000, &commit_ms); break;
        case O_RECONNECT: bad = opt_int("--reconnect-max", optarg, 1, 3600, &reconnect_max); break;
        case O_STDIN: from_stdin = 1; break;
        case O_HELP: fputs(usage, stdout); return 0;
        case O_PG: pg_conninfo = optarg; break;
        case O_PG_QUEUE: bad = opt_int("--pg-queue", optarg, 1, 100000000, &pg_queue); break;
        default: bad = 1; break;
        }
    }
    if (bad || !db == !pg_conninfo || optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int status = 1;
    if (pg_conninfo) {
#ifdef VIGIL_MES_PG
        if (!(m.pg = mes_pg_open(pg_conninfo, commit_ms, (size_t)pg_queue, reconnect_max))) {
            logmsg("out of memory");
            return 1;
        }
        status = from_stdin ? run_stdin(&m, commit_ms)
                            : run_mqtt(&m, id, clean, reconnect_max, user, cafile, commit_ms);
        mes_pg_counts c;
        mes_pg_close(m.pg, reconnect_max, &c);
        memcpy(m.stored, c.stored, sizeof m.stored);
        m.ignored = c.ignored;
        m.failed = c.failed + c.dropped;
        if (c.dropped)
            status = 1;
#else
        logmsg("--pg: this vigil_mes was built without libpq (apt-get install libpq-dev)");
        return 2;
#endif
    } else if (open_db(&m, db) == 0) {
        status = from_stdin ? run_stdin(&m, commit_ms)
                            : run_mqtt(&m, id, clean, reconnect_max, user, cafile, commit_ms);
        commit(&m);
    }
    for (int i = 0; i < 3; i++)
        sqlite3_finalize(m.ins[i]);
    if (m.db && sqlite3_close(m.db) != SQLITE_OK)
        status = 1;
    fprintf(stderr, PROG ": stored %llu health rows, %llu events, %llu errors; %llu repeated "
            "deliveries ignored, %llu messages not stored\n", m.stored[0], m.stored[1],
            m.stored[2], m.ignored, m.failed);
    return status;
}
