/* vigil_gateway: an edge program that monitors vibration channels arriving over MQTT.
 *
 * Subscribes to `<prefix>/+/+/samples`, runs one vigil extractor + monitor per (machine,
 * channel), publishes `<prefix>/<machine>/<channel>/health` per frame and `.../event` on every
 * state change (README.md beside this file has the topic scheme and payload schema). Models
 * are loaded from --models at start, saved there after learning and on SIGTERM/SIGINT.
 * --input FILE runs the same pipeline on a CSV recording (or stdin) and prints
 * `topic payload` lines instead, for trials without a broker.
 *
 * Threads: libmosquitto's network thread (mosquitto_loop_start) runs every callback, so all
 * channel state is touched by that thread only; the main thread waits for a signal, stops the
 * network thread, then saves. Reconnection (with exponential backoff) is libmosquitto's. */
#include "mqtt_connect.h"
#include "channel.h"
#include "json.h"
#include "payload.h"
#ifdef VIGIL_SPARKPLUG
#include "sparkplug.h"
#endif

#include <mosquitto.h>
#include <vigil.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PROG "vigil_gateway"
#define DEFAULT_LEARN 300
#define DEFAULT_SAMPLES_MAX 1048576
#define DEFAULT_CHANNELS_MAX 1024

static const char usage[] =
    "usage: " PROG " [MQTT options] [model options]\n"
    "       " PROG " --input FILE|- --machine M --channel C --rate HZ [--column NAME] [model options]\n"
    "\n"
    "MQTT (default mode):\n"
    "  --host H           broker host (default localhost)\n"
    "  --port P           broker port (default 1883)\n"
    "  --id ID            client id; with a persistent session the broker keeps samples\n"
    "                     published while the gateway is down (default vigil-gateway)\n"
    "  --clean            clean session instead of a persistent one\n"
    "  --prefix P         topic prefix (default vigil)\n"
    "  --qos Q            QoS of subscriptions and publications, 0..2 (default 1)\n"
    "  --keepalive S      seconds (default 30)\n"
    "  --reconnect-max S  longest wait between reconnection attempts (default 30; the wait\n"
    "                     doubles from 1 s)\n"
    "  --username U       password from the environment variable VIGIL_MQTT_PASSWORD\n"
    "  --cafile F [--cert F --key F]   TLS\n"
    "\n"
    "Models:\n"
    "  --models DIR       load models from DIR at start, save there after learning and on exit\n"
    "                     (any host's model serves the channel of <machine>@<channel>.vgm;\n"
    "                     a machine's model <machine>.vgm, from vigil monitor --channels or\n"
    "                     Python's Machine, serves its channels and is saved back whole)\n"
    "  --spec FILE        pipeline specification of new channels (docs/ARCHITECTURE.md); the\n"
    "                     options below override its keys\n"
    "  --frame N          samples per frame for new channels (default 4096)\n"
    "  --hop H            samples between frame starts (default N)\n"
    "  --bands LIST       bands in Hz, e.g. 0-500,500-2000, or octaves (default none)\n"
    "  --learn K          frames learnt as the healthy baseline of a new channel (default 300)\n"
    "  --detector D       zscore, mahalanobis, pca or hst (default mahalanobis,\n"
    "                     the same as `vigil train`)\n"
    "  --top N            features listed per message, 1..16 (default 3)\n"
    "  --jitter S         t0 tolerance in seconds before a message counts as a gap or a\n"
    "                     duplicate (default 0.005)\n"
    "  --max-samples N    largest number of samples in one message (default 1048576)\n"
    "  --max-channels N   channels (machine/channel pairs) at most; messages for more are\n"
    "                     rejected (default 1024; about 50 KB each)\n"
    "  --failure FEATURE:LEVEL  remaining life of FEATURE (a feature column, or score) to\n"
    "                     failure at LEVEL: health messages get rul, rul_lo, rul_hi (s, 95 %\n"
    "                     interval, null without an estimate), rul_reason and rul_model\n"
    "                     (survival: the prior's fleet lives answered, before the onset)\n"
    "  --prior FILE       fleet prior from `vigil prior` for the same FEATURE:LEVEL\n"
    "\n"
    "Sparkplug B (next to the JSON topics; README.md, \"Sparkplug B\"):\n"
    "  --sparkplug GROUP  also publish spBv1.0/GROUP/.../NODE: NBIRTH, a DBIRTH and a DDATA\n"
    "                     per frame for each <machine>:<channel> device; NDEATH is the will\n"
    "  --sparkplug-node N edge node id (default: the client id)\n"
    "\n"
    "Trial mode:\n"
    "  --input FILE|-     CSV or gzip CSV recording ('-' for stdin); output to stdout\n"
    "  --machine M --channel C --rate HZ [--column NAME|INDEX] [--chunk N] [--t0 TIME]\n";

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

typedef struct gateway {
    gw_config cfg;
    const char *prefix;
    int qos;
    size_t max_samples;
    channel **ch;
    size_t nch, capch;
    /* MQTT */
    struct mosquitto *mosq;
    const char *host;
    int port;
    atomic_int inflight;     /* QoS > 0 publications not yet acknowledged */
    atomic_int connected;
    /* message buffers (network thread only) */
    char *text;
    size_t text_cap;
    double *x;
    size_t x_cap;
    jbuf errbuf;
    /* counters */
    unsigned long long messages, rejected, published, publish_failed, resyncs;
    /* channels by (machine, name): open addressing, linear probing, 2 x max_channels slots */
    channel **slot;
    size_t nslots, max_channels;
#ifdef VIGIL_SPARKPLUG
    sparkplug *sp;           /* --sparkplug: the same messages as Sparkplug B (sparkplug.c) */
#endif
} gateway;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

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

/* ---- channels ------------------------------------------------------------------------ */

/* FNV-1a of machine, a NUL, name. */
static size_t channel_hash(const char *machine, const char *name)
{
    uint64_t h = 14695981039346656037u;
    for (const char *s = machine;; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211u;
        if (!*s)
            break;
    }
    for (const char *s = name; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)h;
}

/* The slot holding (machine, name), or the empty slot where it would go. */
static size_t channel_slot(const gateway *g, const char *machine, const char *name)
{
    size_t i = channel_hash(machine, name) & (g->nslots - 1);
    while (g->slot[i] && (strcmp(channel_machine(g->slot[i]), machine) ||
                          strcmp(channel_name(g->slot[i]), name)))
        i = (i + 1) & (g->nslots - 1);
    return i;
}

static channel *find_channel(gateway *g, const char *machine, const char *name)
{
    return g->slot ? g->slot[channel_slot(g, machine, name)] : NULL;
}

/* Add a channel; -1 when out of memory or at the --max-channels limit (err says which). A
 * topic per channel is created by whoever publishes: without a limit, 1500 stray topics took
 * 77 MB and made every lookup a scan of the list (issue 17). */
static int add_channel(gateway *g, channel *c, char *err, size_t errcap)
{
    if (g->nch >= g->max_channels) {
        snprintf(err, errcap, "channel limit reached (--max-channels %zu): message rejected",
                 g->max_channels);
        return -1;
    }
    if (!g->slot) {
        size_t n = 16;
        while (n < 2 * g->max_channels)
            n *= 2;
        if (!(g->slot = calloc(n, sizeof *g->slot))) {
            snprintf(err, errcap, "out of memory");
            return -1;
        }
        g->nslots = n;
    }
    if (g->nch == g->capch) {
        size_t cap = g->capch ? 2 * g->capch : 16;
        channel **p = realloc(g->ch, cap * sizeof *p);
        if (!p) {
            snprintf(err, errcap, "out of memory");
            return -1;
        }
        g->ch = p;
        g->capch = cap;
    }
    g->ch[g->nch++] = c;
    g->slot[channel_slot(g, channel_machine(c), channel_name(c))] = c;
    return 0;
}

/* A copy of a monitor with its stream state, through its saved form. NULL on failure. */
static vigil_monitor *monitor_copy(const vigil_monitor *m)
{
    size_t n = 0, w = 0;
    vigil_monitor *c = NULL;
    unsigned char *b = NULL;
    if (vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, &n) == VIGIL_OK && (b = malloc(n)) &&
        vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, b, n, &w) == VIGIL_OK)
        vigil_monitor_load(b, w, &c);
    free(b);
    return c;
}

/* `<machine>.vgm` (issue 16): every channel of a machine from one file. Common mode needs the
 * rows of all channels at once; the gateway scores each channel on its own messages as they
 * come, so it serves a machine saved without it (2 channels by default, or --common-mode off). */
static void load_machine_model(gateway *g, const char *path, const char *machine)
{
    vigil_machine *mc = NULL;
    if (vigil_machine_load_file(path, &mc) != VIGIL_OK) {
        logmsg("%s (ignored)", vigil_last_error());
        return;
    }
    if (vigil_machine_common_mode(mc)) {
        logmsg("%s: a machine model with common mode needs every channel's rows at once, the "
               "gateway scores each channel's messages on their own: ignored (save it with "
               "--common-mode off)", path);
        vigil_machine_destroy(mc);
        return;
    }
    for (size_t i = 0; i < vigil_machine_channel_count(mc); i++) {
        const char *name = vigil_machine_channel_name(mc, i);
        char err[512];
        channel *c = NULL;
        vigil_monitor *m = monitor_copy(vigil_machine_monitor(mc, i));
        if (!m || channel_adopt(&g->cfg, m, 1, machine, name, &c, err, sizeof err) != 0) {
            logmsg("%s: channel %s: %s (the channel will learn a new baseline)", path, name,
                   m ? err : vigil_last_error());
            continue;
        }
        if (find_channel(g, machine, name) || add_channel(g, c, err, sizeof err) != 0) {
            logmsg("%s: channel %s: duplicate or too many channels, ignored", path, name);
            channel_destroy(c);
            continue;
        }
        logmsg("loaded %s (%s/%s)", path, machine, name);
    }
    vigil_machine_destroy(mc);
}

/* The channels loaded from `<machine>.vgm`, saved together again with their stream states. */
static int save_machine_model(gateway *g, const char *machine)
{
    const char *names[VIGIL_MACHINE_CHANNELS_MAX];
    vigil_monitor *mons[VIGIL_MACHINE_CHANNELS_MAX];
    size_t n = 0;
    int failed = 0;
    for (size_t i = 0; i < g->nch && n < VIGIL_MACHINE_CHANNELS_MAX && !failed; i++) {
        if (!channel_in_machine(g->ch[i]) || strcmp(channel_machine(g->ch[i]), machine) != 0)
            continue;
        names[n] = channel_name(g->ch[i]);
        failed = !(mons[n++] = monitor_copy(channel_monitor(g->ch[i])));
    }
    char enc[512], path[4096];
    vigil_machine *mc = NULL;
    if (failed || name_encode(machine, enc, sizeof enc) != 0 ||
        vigil_machine_adopt(names, n, mons, &mc) != VIGIL_OK) {
        logmsg("saving machine %s: %s", machine, vigil_last_error());
        for (size_t i = 0; i < n; i++)
            vigil_monitor_destroy(mons[i]);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s.vgm", g->cfg.models, enc);
    int rc = vigil_machine_save_file(mc, path, VIGIL_SAVE_STREAM);
    if (rc != VIGIL_OK)
        logmsg("saving %s: %s", path, vigil_last_error());
    vigil_machine_destroy(mc);
    return rc == VIGIL_OK ? 0 : -1;
}

static int load_models(gateway *g)
{
    DIR *d = opendir(g->cfg.models);
    if (!d) {
        logmsg("cannot open model directory %s: %s", g->cfg.models, strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".vgm") != 0)
            continue;
        char path[4096], err[512], machine[512], name[512];
        snprintf(path, sizeof path, "%s/%s", g->cfg.models, e->d_name);
        channel *c = NULL;
        if (machine_file_name(e->d_name, machine, sizeof machine) == 0) {
            load_machine_model(g, path, machine); /* <machine>.vgm: issue 16 */
            continue;
        }
        if (model_file_names(e->d_name, machine, name, sizeof machine) != 0) {
            logmsg("%s: not named <machine>@<channel>.vgm, ignored", path);
            continue;
        }
        if (channel_load(&g->cfg, path, machine, name, &c, err, sizeof err) != 0) {
            /* keep going: the other machines must still be watched; this channel relearns */
            logmsg("%s: %s (the channel will learn a new baseline)", path, err);
            continue;
        }
        if (find_channel(g, channel_machine(c), channel_name(c))) {
            logmsg("%s: duplicate channel, ignored", path);
            channel_destroy(c);
            continue;
        }
        if (add_channel(g, c, err, sizeof err) != 0) {
            logmsg("%s: %s, ignored", path, err);
            channel_destroy(c);
            continue;
        }
        logmsg("loaded %s (%s/%s)", path, channel_machine(c), channel_name(c));
    }
    closedir(d);
    return 0;
}

static int save_models(gateway *g)
{
    int failed = 0;
    for (size_t i = 0; i < g->nch; i++) {
        char err[512];
        if (channel_save(g->ch[i], err, sizeof err) != 0) {
            logmsg("%s", err);
            failed = 1;
        }
    }
    for (size_t i = 0; i < g->nch; i++) { /* each machine loaded from <machine>.vgm, once */
        int first = channel_in_machine(g->ch[i]);
        for (size_t j = 0; j < i && first; j++)
            first = !channel_in_machine(g->ch[j]) ||
                    strcmp(channel_machine(g->ch[j]), channel_machine(g->ch[i])) != 0;
        if (first && save_machine_model(g, channel_machine(g->ch[i])) != 0)
            failed = 1;
    }
    return failed ? -1 : 0;
}

/* Route one message's samples to its channel, creating the channel on first sight. */
static void handle_samples(gateway *g, const gw_sink *sink, const char *machine, const char *name,
                           char *text, size_t len)
{
    char err[512];
    size_t need = len / 2 + 1; /* a sample takes at least one digit and one separator */
    if (need > g->max_samples)
        need = g->max_samples;
    if (need > g->x_cap) {
        double *x = realloc(g->x, need * sizeof *x);
        if (!x) {
            logmsg("%s/%s: out of memory", machine, name);
            return;
        }
        g->x = x;
        g->x_cap = need;
    }
    payload_info info;
    const double now = now_s();
    g->messages++;
    channel *c = find_channel(g, machine, name);
    if (payload_parse(text, g->x, g->x_cap, &info, err, sizeof err) == 0) {
        if (!c) {
            if (isnan(info.rate)) {
                snprintf(err, sizeof err, "first message of a channel needs rate=HZ");
            } else if (g->nch >= g->max_channels) {
                snprintf(err, sizeof err, "channel limit reached (--max-channels %zu): message "
                         "rejected", g->max_channels);
            } else if (channel_create(&g->cfg, machine, name, info.rate, &c, err, sizeof err) == 0) {
                if (add_channel(g, c, err, sizeof err) != 0) {
                    channel_destroy(c);
                    c = NULL;
                } else {
                    logmsg("new channel %s/%s: learning", machine, name);
                }
            }
        } else if (!isnan(info.rate) && fabs(info.rate - channel_rate(c)) > 1e-9 * info.rate) {
            snprintf(err, sizeof err, "rate=%g differs from the channel's %g (delete its model "
                     "to relearn at the new rate)", info.rate, channel_rate(c));
            c = NULL;
        }
        const int pushed = c ? channel_push(c, g->x, info.n, info.t0, now, sink, err,
                                            sizeof err) : -1;
        if (pushed == 2) { /* taken after a stream reset: logged and counted, not an error */
            g->resyncs++;
            logmsg("%s/%s: %s", machine, name, err);
        }
        if (pushed == 0 || pushed == 2)
            return;
    }
    g->rejected++;
    logmsg("%s/%s: %s", machine, name, err);
    jbuf *j = &g->errbuf; /* the channel's error topic, same shape as channel errors */
    jb_clear(j);
    jb_begin(j, '{');
    jb_kstr(j, "machine", machine);
    jb_kstr(j, "channel", name);
    jb_ktime(j, "t", now);
    jb_kstr(j, "error", err);
    jb_end(j, '}');
    if (!j->failed)
        sink->emit(sink->ctx, machine, name, "error", j->p);
}

/* ---- sinks ---------------------------------------------------------------------------- */

static void stdout_emit(void *ctx, const char *machine, const char *name, const char *kind,
                        const char *json)
{
    const gateway *g = ctx;
    printf("%s/%s/%s/%s %s\n", g->prefix, machine, name, kind, json);
}

static void mqtt_emit(void *ctx, const char *machine, const char *name, const char *kind,
                      const char *json)
{
    gateway *g = ctx;
    char topic[1024];
    if (snprintf(topic, sizeof topic, "%s/%s/%s/%s", g->prefix, machine, name, kind) >=
        (int)sizeof topic) {
        g->publish_failed++;
        return;
    }
    if (g->qos > 0)
        atomic_fetch_add(&g->inflight, 1);
    /* QoS > 0: while the broker is away libmosquitto keeps the message and sends it after
     * the reconnection; QoS 0 fails with MOSQ_ERR_NO_CONN and the message is lost */
    int rc = mosquitto_publish(g->mosq, NULL, topic, (int)strlen(json), json, g->qos, false);
    if (rc == MOSQ_ERR_SUCCESS) {
        g->published++;
    } else {
        if (g->qos > 0)
            atomic_fetch_sub(&g->inflight, 1);
        g->publish_failed++;
    }
#ifdef VIGIL_SPARKPLUG
    if (g->sp)
        sparkplug_emit(g->sp, machine, name, kind, json);
#endif
}

/* ---- MQTT callbacks (network thread) ------------------------------------------------- */

static char g_status_topic[512];

static void publish_status(gateway *g, const char *state)
{
    char json[128];
    snprintf(json, sizeof json, "{\"state\":\"%s\",\"t\":%.6f}", state, now_s());
    if (g->qos > 0)
        atomic_fetch_add(&g->inflight, 1);
    if (mosquitto_publish(g->mosq, NULL, g_status_topic, (int)strlen(json), json, g->qos, true) !=
            MOSQ_ERR_SUCCESS && g->qos > 0)
        atomic_fetch_sub(&g->inflight, 1);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    gateway *g = obj;
    if (rc != 0) {
        logmsg("broker refused the connection: %s", mosquitto_connack_string(rc));
        return;
    }
    char sub[600];
    snprintf(sub, sizeof sub, "%s/+/+/samples", g->prefix);
    logmsg("connected to %s:%d, subscribing to %s", g->host, g->port, sub);
    /* every time: after a broker restart without persistence the subscription is gone */
    if (mosquitto_subscribe(mosq, NULL, sub, g->qos) != MOSQ_ERR_SUCCESS)
        logmsg("subscribe failed");
    publish_status(g, "online");
#ifdef VIGIL_SPARKPLUG
    if (g->sp)
        sparkplug_online(g->sp);
#endif
    atomic_store(&g->connected, 1);
}

/* Logged when the broker acknowledges the subscription: from then on samples are routed to
 * the gateway (the test waits for this line before it publishes). */
static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *qos)
{
    (void)mosq;
    (void)obj;
    (void)mid;
#ifdef VIGIL_SPARKPLUG
    if (((gateway *)obj)->sp && sparkplug_owns_subscription(((gateway *)obj)->sp, mid))
        return;
#endif
    if (count < 1 || qos[0] > 2)
        logmsg("the broker refused the subscription");
    else
        logmsg("subscribed (QoS %d)", qos[0]);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    gateway *g = obj;
    (void)mosq;
    atomic_store(&g->connected, 0);
#ifdef VIGIL_SPARKPLUG
    if (g->sp)
        sparkplug_offline(g->sp);
#endif
    if (rc != 0)
        logmsg("connection lost (%s); reconnecting with backoff", mosquitto_strerror(rc));
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
    gateway *g = obj;
    (void)mosq;
    (void)mid;
    if (g->qos > 0)
        atomic_fetch_sub(&g->inflight, 1);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    gateway *g = obj;
    gw_sink sink = {mqtt_emit, g};
    (void)mosq;
#ifdef VIGIL_SPARKPLUG
    if (g->sp && sparkplug_command(g->sp, msg))
        return;
#endif
    /* topic: <prefix>/<machine>/<channel>/samples */
    const size_t plen = strlen(g->prefix);
    if (strncmp(msg->topic, g->prefix, plen) != 0 || msg->topic[plen] != '/')
        return;
    char levels[1024];
    if (strlen(msg->topic + plen + 1) >= sizeof levels)
        return;
    strcpy(levels, msg->topic + plen + 1);
    char *machine = levels, *name = strchr(machine, '/');
    if (!name)
        return;
    *name++ = '\0';
    char *kind = strchr(name, '/');
    if (!kind || strcmp(kind, "/samples") != 0 || !*machine || name == kind)
        return;
    *kind = '\0';
    size_t len = (size_t)msg->payloadlen;
    if (len + 1 > g->text_cap) {
        char *t = realloc(g->text, len + 1);
        if (!t) {
            logmsg("%s/%s: out of memory for a large message", machine, name);
            return;
        }
        g->text = t;
        g->text_cap = len + 1;
    }
    memcpy(g->text, msg->payload, len);
    g->text[len] = '\0';
    handle_samples(g, &sink, machine, name, g->text, len);
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

/* ---- modes ---------------------------------------------------------------------------- */

static int run_mqtt(gateway *g, const char *id, int clean, int keepalive, int reconnect_max,
                    const char *user, const char *cafile, const char *cert, const char *key)
{
    mosquitto_lib_init();
    g->mosq = mosquitto_new(id, clean, g);
    if (!g->mosq) {
        logmsg("mosquitto_new failed: %s", strerror(errno));
        mosquitto_lib_cleanup();
        return 1;
    }
    mosquitto_connect_callback_set(g->mosq, on_connect);
    mosquitto_disconnect_callback_set(g->mosq, on_disconnect);
    mosquitto_subscribe_callback_set(g->mosq, on_subscribe);
    mosquitto_publish_callback_set(g->mosq, on_publish);
    mosquitto_message_callback_set(g->mosq, on_message);
    mosquitto_reconnect_delay_set(g->mosq, 1, (unsigned)reconnect_max, true);
    snprintf(g_status_topic, sizeof g_status_topic, "%s/_gateway/%s/status", g->prefix, id);
    const char *will = "{\"state\":\"offline\"}";
    int rc;
#ifdef VIGIL_SPARKPLUG
    if (g->sp) /* one will per connection: Sparkplug's NDEATH */
        rc = sparkplug_attach(g->sp, g->mosq);
    else
#endif
        rc = mosquitto_will_set(g->mosq, g_status_topic, (int)strlen(will), will, 1, true);
    if (rc == MOSQ_ERR_SUCCESS && user)
        rc = mosquitto_username_pw_set(g->mosq, user, getenv("VIGIL_MQTT_PASSWORD"));
    if (rc == MOSQ_ERR_SUCCESS && cafile)
        rc = mosquitto_tls_set(g->mosq, cafile, NULL, cert, key, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        logmsg("MQTT setup: %s", mosquitto_strerror(rc));
        mosquitto_destroy(g->mosq);
        mosquitto_lib_cleanup();
        return 1;
    }
    if (g->cfg.models)
        load_models(g);

    /* The first connection is made here: libmosquitto's network thread retries lost
     * connections, but not a first attempt that failed at once (a local broker that is not
     * up yet refuses immediately). Same backoff as the thread's. */
    if (first_connect(g->mosq, g->host, g->port, keepalive, reconnect_max) != 0) {
        mosquitto_destroy(g->mosq);
        mosquitto_lib_cleanup();
        return g->cfg.models && save_models(g) != 0 ? 1 : 0;
    }
    /* the network thread must not take SIGTERM/SIGINT: the main thread handles them */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    rc = mosquitto_loop_start(g->mosq);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        logmsg("cannot start the network thread: %s", mosquitto_strerror(rc));
        mosquitto_destroy(g->mosq);
        mosquitto_lib_cleanup();
        return 1;
    }

    while (!g_stop) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    logmsg("stopping: flushing publications, saving models");
    /* give queued QoS > 0 publications up to 5 s to be acknowledged */
    if (atomic_load(&g->connected)) {
#ifdef VIGIL_SPARKPLUG
        if (g->sp)
            sparkplug_stop(g->sp);
#endif
        publish_status(g, "offline");
        for (int i = 0; i < 50 && atomic_load(&g->inflight) > 0; i++) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    if (atomic_load(&g->inflight) > 0)
        logmsg("some publications were not acknowledged before exit");
    mosquitto_disconnect(g->mosq);
    mosquitto_loop_stop(g->mosq, false);
    int status = g->cfg.models && save_models(g) != 0 ? 1 : 0;
    mosquitto_destroy(g->mosq);
    mosquitto_lib_cleanup();
    return status;
}

static int run_input(gateway *g, const char *path, const char *machine, const char *name,
                     double rate, const char *column, size_t chunk, double t0)
{
    gw_sink sink = {stdout_emit, g};
    if (g->cfg.models)
        load_models(g);
    channel *c = find_channel(g, machine, name);
    char err[512];
    if (c && fabs(channel_rate(c) - rate) > 1e-9 * rate) {
        logmsg("%s/%s: the saved model is for another rate", machine, name);
        return 1;
    }
    if (!c) {
        if (channel_create(&g->cfg, machine, name, rate, &c, err, sizeof err) != 0 ||
            add_channel(g, c, err, sizeof err) != 0) {
            logmsg("%s/%s: %s", machine, name, err);
            channel_destroy(c);
            return 1;
        }
    }
    vigil_reader *r = NULL;
    int col;
    if (vigil_reader_open(path, &r) != VIGIL_OK ||
        (col = vigil_reader_find_column(r, column ? column : "0")) < 0) {
        logmsg("%s", vigil_last_error());
        vigil_reader_close(r);
        return 1;
    }
    double *x = malloc(chunk * sizeof *x);
    size_t n = 0;
    int rc = VIGIL_OK, status = 0;
    while (x && !g_stop && (rc = vigil_reader_read_column(r, (size_t)col, x, chunk, &n)) ==
               VIGIL_OK && n > 0) {
        g->messages++;
        if (channel_push(c, x, n, t0, now_s(), &sink, err, sizeof err) % 2 != 0) {
            logmsg("%s/%s: %s", machine, name, err);
            status = 1;
            break;
        }
        t0 = NAN; /* later chunks continue the stream */
    }
    if (!x || rc != VIGIL_OK) {
        logmsg("%s", x ? vigil_last_error() : "out of memory");
        status = 1;
    }
    free(x);
    vigil_reader_close(r);
    fflush(stdout);
    if (g->cfg.models && save_models(g) != 0)
        status = 1;
    return status;
}

/* ---- options --------------------------------------------------------------------------- */

static int opt_size(const char *name, const char *s, size_t lo, size_t hi, size_t *out)
{
    double v;
    if (vigil_parse_number(s, &v) != VIGIL_OK || v != floor(v) || v < (double)lo ||
        v > (double)hi) {
        fprintf(stderr, PROG ": %s: expected an integer in %zu..%zu, got '%s'\n", name, lo, hi, s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* A key of the new channels' specification from an option; 0, or 1 after the message. */
static int spec_set(vigil_pipeline *spec, const char *opt, const char *key, const char *value)
{
    if (vigil_pipeline_set(spec, key, value) == VIGIL_OK)
        return 0;
    fprintf(stderr, PROG ": %s: %s\n", opt, vigil_last_error());
    return 1;
}

/* --spec FILE: the whole specification of new channels (options after it override keys). */
static int spec_file(vigil_pipeline **spec, const char *path)
{
    vigil_pipeline *p = NULL;
    if (vigil_pipeline_load_file(path, &p) != VIGIL_OK) {
        fprintf(stderr, PROG ": --spec: %s\n", vigil_last_error());
        return 1;
    }
    vigil_pipeline_destroy(*spec);
    *spec = p;
    return 0;
}

/* A name used as an MQTT topic level: non-empty, no '/', '+' or '#'. */
static int topic_level_ok(const char *s)
{
    return s && *s && !strpbrk(s, "/+#");
}

int main(int argc, char **argv)
{
    gateway g;
    memset(&g, 0, sizeof g);
    if (vigil_pipeline_create(&g.cfg.spec) != VIGIL_OK) { /* the library's defaults */
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    g.cfg.learn = DEFAULT_LEARN;
    g.cfg.top = 3;
    g.cfg.jitter = 0.005;
    g.prefix = "vigil";
    g.qos = 1;
    g.max_samples = DEFAULT_SAMPLES_MAX;
    g.max_channels = DEFAULT_CHANNELS_MAX;
    g.host = "localhost";
    g.port = 1883;
    const char *id = "vigil-gateway", *user = NULL, *cafile = NULL, *cert = NULL, *key = NULL;
    const char *input = NULL, *machine = NULL, *name = NULL, *column = NULL;
    int clean = 0;
    size_t keepalive = 30, reconnect_max = 30, chunk = 4096, v = 0;
    double rate = NAN, t0 = NAN;
    vigil_prognosis_prior *prior = NULL; /* --prior (issue 15) */
    const char *sp_group = NULL, *sp_node = NULL;

    enum { O_HOST = 256, O_PORT, O_ID, O_CLEAN, O_PREFIX, O_QOS, O_KEEPALIVE, O_RECONNECT,
           O_USER, O_CAFILE, O_CERT, O_KEY, O_MODELS, O_FRAME, O_HOP, O_BANDS, O_LEARN,
           O_DETECTOR, O_SPEC, O_TOP, O_JITTER, O_MAXS, O_INPUT, O_MACHINE, O_CHANNEL, O_RATE,
           O_COLUMN, O_CHUNK, O_T0, O_HELP, O_FAILURE, O_PRIOR,
           O_SPARKPLUG, O_SPARKPLUG_NODE, O_MAXCH };
    static const struct option longopts[] = {
        {"host", 1, NULL, O_HOST}, {"port", 1, NULL, O_PORT}, {"id", 1, NULL, O_ID},
        {"clean", 0, NULL, O_CLEAN}, {"prefix", 1, NULL, O_PREFIX}, {"qos", 1, NULL, O_QOS},
        {"keepalive", 1, NULL, O_KEEPALIVE}, {"reconnect-max", 1, NULL, O_RECONNECT},
        {"username", 1, NULL, O_USER}, {"cafile", 1, NULL, O_CAFILE}, {"cert", 1, NULL, O_CERT},
        {"key", 1, NULL, O_KEY}, {"models", 1, NULL, O_MODELS}, {"frame", 1, NULL, O_FRAME},
        {"hop", 1, NULL, O_HOP}, {"bands", 1, NULL, O_BANDS}, {"learn", 1, NULL, O_LEARN},
        {"detector", 1, NULL, O_DETECTOR}, {"spec", 1, NULL, O_SPEC}, {"top", 1, NULL, O_TOP}, {"jitter", 1, NULL, O_JITTER},
        {"max-samples", 1, NULL, O_MAXS}, {"input", 1, NULL, O_INPUT},
        {"machine", 1, NULL, O_MACHINE}, {"channel", 1, NULL, O_CHANNEL},
        {"rate", 1, NULL, O_RATE}, {"column", 1, NULL, O_COLUMN}, {"chunk", 1, NULL, O_CHUNK},
        {"t0", 1, NULL, O_T0}, {"help", 0, NULL, O_HELP}, {"failure", 1, NULL, O_FAILURE},
        {"prior", 1, NULL, O_PRIOR},
        {"sparkplug", 1, NULL, O_SPARKPLUG},
        {"sparkplug-node", 1, NULL, O_SPARKPLUG_NODE}, {"max-channels", 1, NULL, O_MAXCH},
        {NULL, 0, NULL, 0}};
    int o, bad = 0;
    while (!bad && (o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (o) {
        case O_HOST: g.host = optarg; break;
        case O_PORT: bad = opt_size("--port", optarg, 1, 65535, &v); g.port = (int)v; break;
        case O_ID: id = optarg; break;
        case O_CLEAN: clean = 1; break;
        case O_PREFIX: g.prefix = optarg; break;
        case O_QOS: bad = opt_size("--qos", optarg, 0, 2, &v); g.qos = (int)v; break;
        case O_KEEPALIVE: bad = opt_size("--keepalive", optarg, 5, 3600, &keepalive); break;
        case O_RECONNECT: bad = opt_size("--reconnect-max", optarg, 1, 3600, &reconnect_max); break;
        case O_USER: user = optarg; break;
        case O_CAFILE: cafile = optarg; break;
        case O_CERT: cert = optarg; break;
        case O_KEY: key = optarg; break;
        case O_MODELS: g.cfg.models = optarg; break;
        /* new channels' pipeline: every option is a key of the specification */
        case O_SPEC: bad = spec_file(&g.cfg.spec, optarg); break;
        case O_FRAME: bad = spec_set(g.cfg.spec, "--frame", "frame", optarg); break;
        case O_HOP: bad = spec_set(g.cfg.spec, "--hop", "hop", optarg); break;
        case O_BANDS: bad = spec_set(g.cfg.spec, "--bands", "bands", optarg); break;
        case O_DETECTOR: bad = spec_set(g.cfg.spec, "--detector", "monitor.detector", optarg); break;
        case O_LEARN: bad = opt_size("--learn", optarg, 10, 1000000, &g.cfg.learn); break;
        case O_TOP: bad = opt_size("--top", optarg, 1, 16, &g.cfg.top); break;
        case O_JITTER:
            if (vigil_parse_number(optarg, &g.cfg.jitter) != VIGIL_OK || g.cfg.jitter < 0) {
                fprintf(stderr, PROG ": --jitter: expected seconds >= 0\n");
                bad = 1;
            }
            break;
        case O_MAXCH: bad = opt_size("--max-channels", optarg, 1, 1u << 20, &g.max_channels); break;
        case O_MAXS: bad = opt_size("--max-samples", optarg, 1, 1u << 26, &g.max_samples); break;
        case O_INPUT: input = optarg; break;
        case O_MACHINE: machine = optarg; break;
        case O_CHANNEL: name = optarg; break;
        case O_RATE:
            if (vigil_parse_number(optarg, &rate) != VIGIL_OK || !(rate > 0)) {
                fprintf(stderr, PROG ": --rate: expected Hz > 0\n");
                bad = 1;
            }
            break;
        case O_COLUMN: column = optarg; break;
        case O_CHUNK: bad = opt_size("--chunk", optarg, 1, 1u << 24, &chunk); break;
        case O_T0:
            if (vigil_parse_time(optarg, &t0) != VIGIL_OK) {
                fprintf(stderr, PROG ": --t0: %s\n", vigil_last_error());
                bad = 1;
            }
            break;
        case O_HELP:
            fputs(usage, stdout);
            vigil_pipeline_destroy(g.cfg.spec);
            vigil_prognosis_prior_destroy(prior);
            return 0;
        case O_FAILURE: {
            char *colon = strrchr(optarg, ':');
            if (!colon || colon == optarg ||
                vigil_parse_number(colon + 1, &g.cfg.failure_level) != VIGIL_OK) {
                fprintf(stderr, PROG ": --failure: expected FEATURE:LEVEL\n");
                bad = 1;
                break;
            }
            *colon = '\0';
            g.cfg.failure_feature = optarg;
            break;
        }
        case O_PRIOR:
            if (vigil_prognosis_prior_load_file(optarg, &prior) != VIGIL_OK) {
                fprintf(stderr, PROG ": --prior: %s\n", vigil_last_error());
                bad = 1;
            }
            g.cfg.prior = prior;
            break;
        case O_SPARKPLUG: sp_group = optarg; break;
        case O_SPARKPLUG_NODE: sp_node = optarg; break;
        default: bad = 1; break;
        }
    }
    if (!bad && optind != argc) {
        fprintf(stderr, PROG ": unexpected argument\n");
        bad = 1;
    }
    if (!bad && vigil_pipeline_check(g.cfg.spec) != VIGIL_OK) {
        fprintf(stderr, PROG ": %s\n", vigil_last_error());
        bad = 1;
    }
    if (!bad && input && (!topic_level_ok(machine) || !topic_level_ok(name) || isnan(rate))) {
        fprintf(stderr, PROG ": --input needs --machine, --channel (no '/', '+', '#') and --rate\n");
        bad = 1;
    }
    if (!bad && prior && !g.cfg.failure_feature) {
        fprintf(stderr, PROG ": --prior needs --failure FEATURE:LEVEL\n");
        bad = 1;
    }
    if (!bad && sp_group && (input || !topic_level_ok(sp_group) ||
                             !topic_level_ok(sp_node ? sp_node : id))) {
        fprintf(stderr, PROG ": --sparkplug needs MQTT mode and a group and node id without "
                "'/', '+', '#'\n");
        bad = 1;
    }
    if (bad) {
        fputs(usage, stderr);
        vigil_pipeline_destroy(g.cfg.spec);
        vigil_prognosis_prior_destroy(prior);
        return 2;
    }
    if (sp_group) {
#ifdef VIGIL_SPARKPLUG
        g.sp = sparkplug_create(sp_group, sp_node ? sp_node : id, g.cfg.top, &g.inflight,
                                g.qos > 0);
        if (!g.sp) {
            fprintf(stderr, PROG ": out of memory\n");
            vigil_pipeline_destroy(g.cfg.spec);
            return 1;
        }
#else
        fprintf(stderr, PROG ": --sparkplug: built without protobuf-c (apt-get install "
                "protobuf-c-compiler libprotobuf-c-dev)\n");
        vigil_pipeline_destroy(g.cfg.spec);
        return 2;
#endif
    }

    if (g.cfg.models && mkdir(g.cfg.models, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", g.cfg.models, strerror(errno));
        vigil_pipeline_destroy(g.cfg.spec);
        vigil_prognosis_prior_destroy(prior);
        return 1;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int status = input ? run_input(&g, input, machine, name, rate, column, chunk, t0)
                       : run_mqtt(&g, id, clean, (int)keepalive, (int)reconnect_max, user, cafile,
                                  cert, key);
    unsigned long long frames = 0, events = 0;
    size_t fitted = 0;
    for (size_t i = 0; i < g.nch; i++) {
        frames += channel_frames(g.ch[i]);
        events += channel_events(g.ch[i]);
        fitted += (size_t)channel_fitted(g.ch[i]);
        channel_destroy(g.ch[i]);
    }
    fprintf(stderr, PROG ": %zu channels (%zu fitted), %llu messages (%llu rejected), %llu frames, "
            "%llu events, %llu published, %llu publish failures, %llu stream resets\n", g.nch,
            fitted, g.messages, g.rejected, frames, events, g.published, g.publish_failed,
            g.resyncs);
#ifdef VIGIL_SPARKPLUG
    sparkplug_destroy(g.sp);
#endif
    free(g.ch);
    free(g.slot);
    free(g.text);
    free(g.x);
    jb_free(&g.errbuf);
    vigil_pipeline_destroy(g.cfg.spec);
    vigil_prognosis_prior_destroy(prior);
    return status;
}
