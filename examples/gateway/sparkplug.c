/* sparkplug.c: the gateway's messages as Sparkplug B edge-node and device messages
 * (sparkplug.h; README.md "Sparkplug B"). The values are read back from the JSON the channel
 * publishes (the gateway's one output format), so both carry the same numbers. */
#include "sparkplug.h"

#include "sparkplug_b.pb-c.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef Org__Eclipse__Tahu__Protobuf__Payload Payload;
typedef Org__Eclipse__Tahu__Protobuf__Payload__Metric Metric;
#define PAYLOAD_INIT ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__INIT
#define METRIC_INIT ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__INIT
#define V_LONG ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_LONG_VALUE
#define V_DOUBLE ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_DOUBLE_VALUE
#define V_BOOL ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_BOOLEAN_VALUE
#define V_STRING ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_STRING_VALUE

/* Sparkplug B datatypes (the table in sparkplug_b.proto) */
enum { DT_UINT64 = 8, DT_DOUBLE = 10, DT_BOOLEAN = 11, DT_STRING = 12 };

/* Device metrics: fixed ones, then three per top feature. Alias of metric i of device d
 * (0-based, in order of appearance): 1000 * (d + 1) + i, unique over the node. */
enum { M_HEALTH, M_SCORE, M_THRESHOLD, M_STATE, M_FRAME, M_RUL, M_RUL_LO, M_RUL_HI,
       M_EV_FROM, M_EV_TO, M_EV_REASON, M_ERROR, M_TOP };
#define TOP_MAX 16
#define METRICS_MAX (M_TOP + 3 * TOP_MAX)
#define STR_CAP 512
#define ALIAS_REBIRTH 1

static const struct { const char *name; int type; } fixed[M_TOP] = {
    {"health", DT_DOUBLE}, {"score", DT_DOUBLE}, {"threshold", DT_DOUBLE},
    {"state", DT_STRING}, {"frame", DT_UINT64}, {"rul", DT_DOUBLE}, {"rul_lo", DT_DOUBLE},
    {"rul_hi", DT_DOUBLE}, {"event/from", DT_STRING}, {"event/to", DT_STRING},
    {"event/reason", DT_STRING}, {"error", DT_STRING}};
static const char *const top_fields[3] = {"feature", "contribution", "value"};

typedef struct mval {
    int null;                /* no value (before the first, or JSON null) */
    double d;
    unsigned long long u;
    char s[STR_CAP];
} mval;

typedef struct device {
    char id[512];            /* <machine>:<channel> */
    char machine[256], channel[256];
    unsigned index;          /* order of appearance: the alias block */
    unsigned long long t_ms; /* time of the latest values */
    mval v[METRICS_MAX];
} device;

struct sparkplug {
    pthread_mutex_t lock;       /* the network thread, and the main one at shutdown */
    char group[256], node[256];
    size_t top, nmetrics;
    atomic_int *inflight;
    int count_inflight;
    struct mosquitto *mosq;
    unsigned long long bdseq;   /* this session's birth/death sequence */
    unsigned seq;               /* 0..255 over NBIRTH, DBIRTH, DDATA */
    int online, sub_mid;
    device **dev;
    size_t ndev, capdev;
    char names[METRICS_MAX][32];
    unsigned char *buf;
    size_t bufcap;
};

static unsigned long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)(ts.tv_nsec / 1000000);
}

static int metric_type(size_t i)
{
    return i < M_TOP ? fixed[i].type : (i - M_TOP) % 3 == 0 ? DT_STRING : DT_DOUBLE;
}

/* ---- reading the gateway's JSON back (its own fixed shapes: json.c writes them) -------- */

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* A string at p (on its '"'): unescaped into out (truncated to cap), returns the byte after
 * the closing quote, or NULL. \uXXXX escapes (json.c writes them for control bytes) become
 * '?' beyond ASCII. */
static const char *jstring(const char *p, char *out, size_t cap)
{
    if (*p++ != '"')
        return NULL;
    size_t n = 0;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            c = *p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4; i++, p++) {
                    const char h = *p;
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return NULL;
                    v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
                }
                c = v < 0x80 ? (char)v : '?';
                break;
            }
            case '\0': return NULL;
            default: break; /* \" \\ \/ */
            }
        }
        if (n + 1 < cap)
            out[n++] = c;
    }
    if (*p != '"')
        return NULL;
    if (cap)
        out[n] = '\0';
    return p + 1;
}

static const char *jskip(const char *p);

static const char *jskip_container(const char *p, char close)
{
    p = ws(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (close == '}') {
            char key[8];
            if (!(p = jstring(p, key, sizeof key)) || *(p = ws(p)) != ':')
                return NULL;
            p = ws(p + 1);
        }
        if (!(p = jskip(p)))
            return NULL;
        p = ws(p);
        if (*p == close)
            return p + 1;
        if (*p != ',')
            return NULL;
        p = ws(p + 1);
    }
}

static const char *jskip(const char *p)
{
    p = ws(p);
    if (*p == '"')
        return jstring(p, NULL, 0);
    if (*p == '{' || *p == '[')
        return jskip_container(p, *p == '{' ? '}' : ']');
    const char *q = p;
    while (*q && !strchr(",]} \t\r\n", *q))
        q++;
    return q > p ? q : NULL;
}

/* A scalar into m: number, string or null. */
static const char *jscalar(const char *p, mval *m)
{
    p = ws(p);
    if (*p == '"') {
        m->null = 0;
        return jstring(p, m->s, sizeof m->s);
    }
    if (!strncmp(p, "null", 4)) {
        m->null = 1;
        return p + 4;
    }
    char *end;
    const double v = strtod(p, &end);
    if (end == p)
        return NULL;
    m->null = 0;
    m->d = v;
    m->u = v >= 0 && v < 1.8e19 ? (unsigned long long)v : 0;
    return end;
}

/* The "top" array: feature, contribution, value of each element into the top metrics. */
static const char *jtop(const char *p, device *d, size_t top)
{
    p = ws(p);
    for (size_t k = 0; k < top; k++)
        for (int f = 0; f < 3; f++)
            d->v[M_TOP + 3 * k + (size_t)f].null = 1;
    if (*p != '[')
        return jskip(p);
    p = ws(p + 1);
    for (size_t k = 0; *p != ']'; k++) {
        if (*p != '{')
            return NULL;
        p = ws(p + 1);
        while (*p != '}') {
            char key[32];
            mval scratch;
            if (!(p = jstring(p, key, sizeof key)) || *(p = ws(p)) != ':')
                return NULL;
            int f = 0;
            while (f < 3 && strcmp(key, top_fields[f]) != 0)
                f++;
            p = jscalar(p + 1, k < top && f < 3 ? &d->v[M_TOP + 3 * k + (size_t)f] : &scratch);
            if (!p)
                return NULL;
            p = ws(p);
            if (*p == ',')
                p = ws(p + 1);
        }
        p = ws(p + 1);
        if (*p == ',')
            p = ws(p + 1);
    }
    return p + 1;
}

/* Read one message of the gateway into d's values; marks which metrics it carried in `in`
 * (a DDATA sends those) and its time in *t. 0, or -1 if the text is not the expected JSON. */
static int read_message(sparkplug *sp, device *d, const char *json, const char *kind,
                        unsigned char *in, double *t)
{
    static const struct { const char *key; int health, event, error; } keys[] = {
        {"health", M_HEALTH, -1, -1}, {"score", M_SCORE, -1, -1},
        {"threshold", M_THRESHOLD, -1, -1}, {"state", M_STATE, -1, -1},
        {"frame", M_FRAME, -1, -1}, {"rul", M_RUL, -1, -1}, {"rul_lo", M_RUL_LO, -1, -1},
        {"rul_hi", M_RUL_HI, -1, -1}, {"from", -1, M_EV_FROM, -1}, {"to", -1, M_EV_TO, -1},
        {"reason", -1, M_EV_REASON, -1}, {"error", -1, -1, M_ERROR}};
    const int which = !strcmp(kind, "health") ? 0 : !strcmp(kind, "event") ? 1 : 2;
    const char *p = ws(json);
    *t = NAN;
    if (*p++ != '{')
        return -1;
    for (p = ws(p); *p != '}'; ) {
        char key[32];
        if (!(p = jstring(p, key, sizeof key)) || *(p = ws(p)) != ':')
            return -1;
        p++;
        if (!strcmp(key, "t")) {
            mval m;
            if (!(p = jscalar(p, &m)))
                return -1;
            *t = m.null ? NAN : m.d;
        } else if (!strcmp(key, "top") && which == 0) {
            if (!(p = jtop(p, d, sp->top)))
                return -1;
            for (size_t i = M_TOP; i < sp->nmetrics; i++)
                in[i] = 1;
        } else {
            int idx = -1;
            for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
                if (!strcmp(key, keys[i].key))
                    idx = which == 0 ? keys[i].health : which == 1 ? keys[i].event : keys[i].error;
            if (idx >= 0) {
                if (!(p = jscalar(p, &d->v[idx])))
                    return -1;
                in[idx] = 1;
            } else if (!(p = jskip(p))) {
                return -1;
            }
        }
        p = ws(p);
        if (*p == ',')
            p = ws(p + 1);
        else if (*p != '}')
            return -1;
    }
    return 0;
}

/* ---- payloads ------------------------------------------------------------------------- */

static void set_value(Metric *m, int type, mval *v)
{
    if (v->null) {
        m->has_is_null = 1;
        m->is_null = 1;
        return;
    }
    switch (type) {
    case DT_UINT64: m->value_case = V_LONG; m->long_value = v->u; break;
    case DT_DOUBLE: m->value_case = V_DOUBLE; m->double_value = v->d; break;
    case DT_STRING: m->value_case = V_STRING; m->string_value = v->s; break;
    default: break;
    }
}

/* Pack and publish; seq is taken (and advanced) when with_seq. QoS 0, not retained, as the
 * specification asks of births and data (the will, NDEATH, is QoS 1). */
static void publish(sparkplug *sp, const char *type, const char *dev_id, Payload *pl,
                    int with_seq, int qos)
{
    char topic[1100];
    if (dev_id)
        snprintf(topic, sizeof topic, "spBv1.0/%s/%s/%s/%s", sp->group, type, sp->node, dev_id);
    else
        snprintf(topic, sizeof topic, "spBv1.0/%s/%s/%s", sp->group, type, sp->node);
    pl->has_timestamp = 1;
    pl->timestamp = now_ms();
    if (with_seq) {
        pl->has_seq = 1;
        pl->seq = sp->seq;
        sp->seq = (sp->seq + 1) % 256;
    }
    const size_t n = org__eclipse__tahu__protobuf__payload__get_packed_size(pl);
    if (n > sp->bufcap) {
        unsigned char *b = realloc(sp->buf, n);
        if (!b)
            return;
        sp->buf = b;
        sp->bufcap = n;
    }
    org__eclipse__tahu__protobuf__payload__pack(pl, sp->buf);
    if (sp->count_inflight)
        atomic_fetch_add(sp->inflight, 1);
    if (mosquitto_publish(sp->mosq, NULL, topic, (int)n, sp->buf, qos, false) != MOSQ_ERR_SUCCESS &&
        sp->count_inflight)
        atomic_fetch_sub(sp->inflight, 1);
}

static void node_message(sparkplug *sp, const char *type)
{
    Metric bd = METRIC_INIT, rebirth = METRIC_INIT;
    Metric *list[2] = {&bd, &rebirth};
    bd.name = "bdSeq";
    bd.has_datatype = 1;
    bd.datatype = DT_UINT64;
    bd.value_case = V_LONG;
    bd.long_value = sp->bdseq;
    rebirth.name = "Node Control/Rebirth";
    rebirth.has_alias = 1;
    rebirth.alias = ALIAS_REBIRTH;
    rebirth.has_datatype = 1;
    rebirth.datatype = DT_BOOLEAN;
    rebirth.value_case = V_BOOL;
    rebirth.boolean_value = 0;
    Payload pl = PAYLOAD_INIT;
    pl.metrics = list;
    const int birth = !strcmp(type, "NBIRTH");
    pl.n_metrics = birth ? 2 : 1;
    if (birth)
        sp->seq = 0;
    publish(sp, type, NULL, &pl, birth, birth ? 0 : 1);
}

/* DBIRTH (every metric: name, alias, datatype, value) or DDATA (the metrics in `in`, by
 * alias). */
static void device_message(sparkplug *sp, device *d, int birth, const unsigned char *in)
{
    Metric m[METRICS_MAX], *list[METRICS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < sp->nmetrics; i++) {
        if (!birth && !in[i])
            continue;
        Metric init = METRIC_INIT;
        m[n] = init;
        m[n].has_alias = 1;
        m[n].alias = 1000ull * (d->index + 1) + i;
        m[n].has_timestamp = 1;
        m[n].timestamp = d->t_ms;
        if (birth) {
            m[n].name = sp->names[i];
            m[n].has_datatype = 1;
            m[n].datatype = (uint32_t)metric_type(i);
        }
        set_value(&m[n], metric_type(i), &d->v[i]);
        list[n] = &m[n];
        n++;
    }
    Payload pl = PAYLOAD_INIT;
    pl.metrics = list;
    pl.n_metrics = n;
    publish(sp, birth ? "DBIRTH" : "DDATA", d->id, &pl, 1, 0);
}

/* ---- the gateway's hooks --------------------------------------------------------------- */

sparkplug *sparkplug_create(const char *group, const char *node, size_t top,
                            atomic_int *inflight, int count_inflight)
{
    sparkplug *sp = calloc(1, sizeof *sp);
    if (!sp)
        return NULL;
    snprintf(sp->group, sizeof sp->group, "%s", group);
    snprintf(sp->node, sizeof sp->node, "%s", node);
    sp->top = top < 1 ? 1 : top > TOP_MAX ? TOP_MAX : top;
    sp->nmetrics = M_TOP + 3 * sp->top;
    sp->inflight = inflight;
    sp->count_inflight = count_inflight;
    sp->sub_mid = -1;
    pthread_mutex_init(&sp->lock, NULL);
    for (size_t i = 0; i < sp->nmetrics; i++) {
        if (i < M_TOP)
            snprintf(sp->names[i], sizeof sp->names[i], "%s", fixed[i].name);
        else
            snprintf(sp->names[i], sizeof sp->names[i], "top/%zu/%s", (i - M_TOP) / 3 + 1,
                     top_fields[(i - M_TOP) % 3]);
    }
    return sp;
}

void sparkplug_destroy(sparkplug *sp)
{
    if (!sp)
        return;
    for (size_t i = 0; i < sp->ndev; i++)
        free(sp->dev[i]);
    free(sp->dev);
    free(sp->buf);
    pthread_mutex_destroy(&sp->lock);
    free(sp);
}

static int set_will(sparkplug *sp)
{
    Metric bd = METRIC_INIT;
    Metric *list[1] = {&bd};
    bd.name = "bdSeq";
    bd.has_datatype = 1;
    bd.datatype = DT_UINT64;
    bd.value_case = V_LONG;
    bd.long_value = sp->bdseq;
    Payload pl = PAYLOAD_INIT;
    pl.metrics = list;
    pl.n_metrics = 1;
    pl.has_timestamp = 1;
    pl.timestamp = now_ms();
    unsigned char buf[64];
    const size_t n = org__eclipse__tahu__protobuf__payload__get_packed_size(&pl);
    if (n > sizeof buf)
        return MOSQ_ERR_NOMEM;
    org__eclipse__tahu__protobuf__payload__pack(&pl, buf);
    char topic[600];
    snprintf(topic, sizeof topic, "spBv1.0/%s/NDEATH/%s", sp->group, sp->node);
    return mosquitto_will_set(sp->mosq, topic, (int)n, buf, 1, false);
}

int sparkplug_attach(sparkplug *sp, struct mosquitto *mosq)
{
    sp->mosq = mosq;
    return set_will(sp);
}

void sparkplug_online(sparkplug *sp)
{
    char topic[600];
    snprintf(topic, sizeof topic, "spBv1.0/%s/NCMD/%s", sp->group, sp->node);
    pthread_mutex_lock(&sp->lock);
    if (mosquitto_subscribe(sp->mosq, &sp->sub_mid, topic, 0) != MOSQ_ERR_SUCCESS)
        sp->sub_mid = -1;
    sp->online = 1;
    node_message(sp, "NBIRTH");
    for (size_t i = 0; i < sp->ndev; i++)
        device_message(sp, sp->dev[i], 1, NULL);
    pthread_mutex_unlock(&sp->lock);
}

void sparkplug_offline(sparkplug *sp)
{
    pthread_mutex_lock(&sp->lock);
    if (sp->online) { /* (not after a failed reconnection attempt: the same next session) */
        sp->online = 0;
        sp->bdseq = (sp->bdseq + 1) % 256;
        set_will(sp);
    }
    pthread_mutex_unlock(&sp->lock);
}

int sparkplug_owns_subscription(const sparkplug *sp, int mid)
{
    return sp->sub_mid >= 0 && mid == sp->sub_mid;
}

int sparkplug_command(sparkplug *sp, const struct mosquitto_message *msg)
{
    char topic[600];
    snprintf(topic, sizeof topic, "spBv1.0/%s/NCMD/%s", sp->group, sp->node);
    if (strcmp(msg->topic, topic) != 0)
        return 0;
    Payload *pl = org__eclipse__tahu__protobuf__payload__unpack(NULL, (size_t)msg->payloadlen,
                                                               msg->payload);
    if (!pl)
        return 1;
    int rebirth = 0;
    for (size_t i = 0; i < pl->n_metrics; i++) {
        const Metric *m = pl->metrics[i];
        if (((m->name && !strcmp(m->name, "Node Control/Rebirth")) ||
             (m->has_alias && m->alias == ALIAS_REBIRTH)) &&
            m->value_case == V_BOOL && m->boolean_value)
            rebirth = 1;
    }
    org__eclipse__tahu__protobuf__payload__free_unpacked(pl, NULL);
    pthread_mutex_lock(&sp->lock);
    if (rebirth && sp->online) {
        node_message(sp, "NBIRTH");
        for (size_t i = 0; i < sp->ndev; i++)
            device_message(sp, sp->dev[i], 1, NULL);
    }
    pthread_mutex_unlock(&sp->lock);
    return 1;
}

static device *find_device(sparkplug *sp, const char *machine, const char *channel, int *is_new)
{
    *is_new = 0;
    for (size_t i = 0; i < sp->ndev; i++)
        if (!strcmp(sp->dev[i]->machine, machine) && !strcmp(sp->dev[i]->channel, channel))
            return sp->dev[i];
    if (strlen(machine) >= sizeof sp->dev[0]->machine ||
        strlen(channel) >= sizeof sp->dev[0]->channel)
        return NULL;
    if (sp->ndev == sp->capdev) {
        size_t cap = sp->capdev ? 2 * sp->capdev : 16;
        device **p = realloc(sp->dev, cap * sizeof *p);
        if (!p)
            return NULL;
        sp->dev = p;
        sp->capdev = cap;
    }
    device *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    snprintf(d->machine, sizeof d->machine, "%s", machine);
    snprintf(d->channel, sizeof d->channel, "%s", channel);
    snprintf(d->id, sizeof d->id, "%s:%s", machine, channel);
    d->index = (unsigned)sp->ndev;
    for (size_t i = 0; i < METRICS_MAX; i++)
        d->v[i].null = 1;
    sp->dev[sp->ndev++] = d;
    *is_new = 1;
    return d;
}

void sparkplug_emit(sparkplug *sp, const char *machine, const char *channel, const char *kind,
                    const char *json)
{
    int is_new;
    unsigned char in[METRICS_MAX] = {0};
    double t;
    pthread_mutex_lock(&sp->lock);
    device *d = find_device(sp, machine, channel, &is_new);
    if (d && read_message(sp, d, json, kind, in, &t) == 0) {
        d->t_ms = isfinite(t) && t > 0 ? (unsigned long long)llround(t * 1000.0) : now_ms();
        /* offline: QoS 0 has nowhere to go; the births after the reconnection carry the
         * latest values */
        if (sp->online)
            device_message(sp, d, is_new, in);
    }
    pthread_mutex_unlock(&sp->lock);
}

void sparkplug_stop(sparkplug *sp)
{
    pthread_mutex_lock(&sp->lock);
    if (sp->online)
        node_message(sp, "NDEATH");
    pthread_mutex_unlock(&sp->lock);
}
