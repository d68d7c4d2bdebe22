/* channel.c: see channel.h. */
#include "channel.h"
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int attach_prognoser(channel *ch, double start, char *err, size_t errcap); /* issue 15 */

#define TOP_MAX 16

struct channel {
    char *machine, *name;
    const gw_config *cfg;
    double rate;
    vigil_pipeline *spec;  /* how this channel's rows are made (the model's, once loaded) */
    char model_id[17];     /* "" until fitted or loaded */
    vigil_extractor *ex;
    vigil_monitor *mon;
    size_t ncols;
    double *row;
    int *sel_col;          /* column of each selected feature in a row (filled at fit/load) */
    size_t learned;
    double learn_t0;       /* time of the first learnt frame: the unit's age counts from it */
    int loaded;            /* the model came from a file */
    int in_machine;        /* ... a machine's file <machine>.vgm: saved with its machine */
    int announced;         /* the first event was emitted */
    int have_time;         /* epoch is set */
    double epoch;          /* time of the first sample since the extractor's last reset */
    uint64_t since_epoch;  /* samples pushed since then */
    uint64_t frames, events;
    uint64_t resyncs;      /* stream resets on a t0 before the expected time */
    jbuf out;
    /* the last messages with a t0 (time-quirk policy, docs/MODELS.md): a redelivery of one of
     * them is a duplicate and dropped; any other message earlier than expected is a clock set
     * back and starts a new segment */
    struct { double t0; size_t n; uint64_t hash; } recent[8];
    size_t nrecent, recent_pos;
    uint64_t segment;      /* +1 each time the sender's clock steps back (the MES key has it) */
};

/* FNV-1a over the samples' bytes: tells a redelivered message from new data at an earlier t0 */
static uint64_t samples_hash(const double *x, size_t n)
{
    const unsigned char *b = (const unsigned char *)x;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n * sizeof *x; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static int seen_recently(const channel *ch, double t0, size_t n, uint64_t hash)
{
    for (size_t i = 0; i < ch->nrecent; i++)
        if (ch->recent[i].t0 == t0 && ch->recent[i].n == n && ch->recent[i].hash == hash)
            return 1;
    return 0;
}

int name_encode(const char *name, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        int keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                   (*c >= '0' && *c <= '9') || *c == '_' || *c == '-';
        if (k + (keep ? 1 : 3) >= cap)
            return -1;
        if (keep) {
            out[k++] = (char)*c;
        } else {
            out[k++] = '%';
            out[k++] = hex[*c >> 4];
            out[k++] = hex[*c & 15];
        }
    }
    out[k] = '\0';
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decode in place; -1 on a malformed escape or an encoded NUL. */
static int name_decode(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '%') {
            *w++ = *r;
            continue;
        }
        int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
        if (lo < 0 || (hi == 0 && lo == 0))
            return -1;
        *w++ = (char)(hi * 16 + lo);
        r += 2;
    }
    *w = '\0';
    return 0;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void channel_destroy(channel *ch)
{
    if (!ch)
        return;
    vigil_monitor_destroy(ch->mon);
    vigil_extractor_destroy(ch->ex);
    vigil_pipeline_destroy(ch->spec);
    free(ch->row);
    free(ch->sel_col);
    free(ch->machine);
    free(ch->name);
    jb_free(&ch->out);
    free(ch);
}

/* The channel's extractor, from its specification. */
static int make_extractor(channel *ch, char *err, size_t errcap)
{
    ch->rate = vigil_pipeline_rate(ch->spec);
    if (vigil_pipeline_create_extractor(ch->spec, &ch->ex) != VIGIL_OK) {
        snprintf(err, errcap, "extractor: %s", vigil_last_error());
        return -1;
    }
    ch->ncols = vigil_extractor_feature_count(ch->ex);
    ch->row = calloc(ch->ncols, sizeof *ch->row);
    if (!ch->row) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    return 0;
}

static int new_monitor(channel *ch, char *err, size_t errcap)
{
    vigil_monitor_destroy(ch->mon);
    ch->mon = NULL;
    ch->learned = 0;
    ch->model_id[0] = '\0';
    if (vigil_pipeline_create_monitor(ch->spec, NULL, 0, &ch->mon) != VIGIL_OK) {
        snprintf(err, errcap, "monitor: %s", vigil_last_error());
        return -1;
    }
    return 0;
}

/* Map each selected feature to its column (for the "value" of the top features). */
static int map_features(channel *ch, char *err, size_t errcap)
{
    const size_t nsel = vigil_monitor_feature_count(ch->mon);
    free(ch->sel_col);
    ch->sel_col = calloc(nsel ? nsel : 1, sizeof *ch->sel_col);
    if (!ch->sel_col) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < nsel; i++) {
        const char *f = vigil_monitor_feature_name(ch->mon, i);
        ch->sel_col[i] = f ? vigil_extractor_feature_index(ch->ex, f) : -1;
        if (ch->sel_col[i] < 0) {
            snprintf(err, errcap, "model feature '%s' is not a column of the extractor",
                     f ? f : "?");
            return -1;
        }
    }
    return 0;
}

int channel_create(const gw_config *cfg, const char *machine, const char *name, double rate,
                   channel **out, char *err, size_t errcap)
{
    *out = NULL;
    channel *ch = calloc(1, sizeof *ch);
    if (!ch || !(ch->machine = dupstr(machine)) || !(ch->name = dupstr(name))) {
        channel_destroy(ch);
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    ch->cfg = cfg;
    char r[64];
    snprintf(r, sizeof r, "%.17g", rate);
    if (vigil_pipeline_copy(cfg->spec, &ch->spec) != VIGIL_OK ||
        vigil_pipeline_set(ch->spec, "rate", r) != VIGIL_OK ||
        vigil_pipeline_set(ch->spec, "machine", machine) != VIGIL_OK ||
        vigil_pipeline_set(ch->spec, "channel", name) != VIGIL_OK) {
        snprintf(err, errcap, "%s", vigil_last_error());
        channel_destroy(ch);
        return -1;
    }
    if (make_extractor(ch, err, errcap) != 0 || new_monitor(ch, err, errcap) != 0) {
        channel_destroy(ch);
        return -1;
    }
    *out = ch;
    return 0;
}

int machine_file_name(const char *file, char *machine, size_t cap)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    const size_t n = strlen(base);
    if (strchr(base, '@') || n < 5 || n - 4 >= cap || strcmp(base + n - 4, ".vgm") != 0)
        return -1;
    memcpy(machine, base, n - 4);
    machine[n - 4] = '\0';
    return name_decode(machine) == 0 && machine[0] ? 0 : -1;
}

int model_file_names(const char *file, char *machine, char *name, size_t cap)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    const char *at = strchr(base, '@');
    const size_t n = strlen(base);
    if (!at || n < 5 || strcmp(base + n - 4, ".vgm") != 0 || at == base ||
        (size_t)(at - base) >= cap || (size_t)(base + n - 4 - at - 1) >= cap ||
        at + 1 == base + n - 4)
        return -1;
    memcpy(machine, base, (size_t)(at - base));
    machine[at - base] = '\0';
    memcpy(name, at + 1, (size_t)(base + n - 4 - at - 1));
    name[base + n - 4 - at - 1] = '\0';
    return name_decode(machine) == 0 && name_decode(name) == 0 && machine[0] && name[0] ? 0 : -1;
}

int channel_load(const gw_config *cfg, const char *path, const char *machine, const char *name,
                 channel **out, char *err, size_t errcap)
{
    *out = NULL;
    vigil_monitor *mon = NULL;
    if (vigil_monitor_load_file(path, &mon) != VIGIL_OK) {
        snprintf(err, errcap, "%s", vigil_last_error());
        return -1;
    }
    return channel_adopt(cfg, mon, 0, machine, name, out, err, errcap);
}

int channel_adopt(const gw_config *cfg, vigil_monitor *mon, int in_machine, const char *machine,
                  const char *name, channel **out, char *err, size_t errcap)
{
    *out = NULL;
    channel *ch = calloc(1, sizeof *ch);
    if (!ch) {
        vigil_monitor_destroy(mon);
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    ch->cfg = cfg;
    ch->mon = mon;
    ch->in_machine = in_machine;
    /* the model says how its rows are made, whichever host trained it; the file name says
     * which channel it serves */
    if (vigil_monitor_get_pipeline(ch->mon, &ch->spec) != VIGIL_OK ||
        vigil_pipeline_set(ch->spec, "machine", machine) != VIGIL_OK ||
        vigil_pipeline_set(ch->spec, "channel", name) != VIGIL_OK ||
        vigil_monitor_model_id(ch->mon, ch->model_id, sizeof ch->model_id) != VIGIL_OK) {
        snprintf(err, errcap, "%s", vigil_last_error());
        channel_destroy(ch);
        return -1;
    }
    if (vigil_pipeline_rows(ch->spec) || vigil_pipeline_rate(ch->spec) <= 0.0) {
        snprintf(err, errcap, "the model was trained on feature rows, not on samples");
        channel_destroy(ch);
        return -1;
    }
    if (!(ch->machine = dupstr(machine)) || !(ch->name = dupstr(name))) {
        snprintf(err, errcap, "out of memory");
        channel_destroy(ch);
        return -1;
    }
    if (make_extractor(ch, err, errcap) != 0) {
        channel_destroy(ch);
        return -1;
    }
    if (map_features(ch, err, errcap) != 0 || attach_prognoser(ch, NAN, err, errcap) != 0) {
        channel_destroy(ch);
        return -1;
    }
    ch->loaded = 1;
    *out = ch;
    return 0;
}

const char *channel_machine(const channel *ch) { return ch->machine; }
const char *channel_name(const channel *ch) { return ch->name; }
double channel_rate(const channel *ch) { return ch->rate; }
int channel_fitted(const channel *ch) { return vigil_monitor_fitted(ch->mon); }
int channel_in_machine(const channel *ch) { return ch->in_machine; }
const vigil_monitor *channel_monitor(const channel *ch) { return ch->mon; }
uint64_t channel_resyncs(const channel *ch) { return ch->resyncs; }

uint64_t channel_frames(const channel *ch) { return ch->frames; }
uint64_t channel_events(const channel *ch) { return ch->events; }

static void begin_msg(channel *ch, double t)
{
    jb_clear(&ch->out);
    jb_begin(&ch->out, '{');
    jb_kstr(&ch->out, "machine", ch->machine);
    jb_kstr(&ch->out, "channel", ch->name);
    jb_ktime(&ch->out, "t", t);
    jb_kint(&ch->out, "segment", ch->segment);
    if (ch->model_id[0]) /* which model made the score (vigil inspect prints the same id) */
        jb_kstr(&ch->out, "model", ch->model_id);
}

static void emit(channel *ch, const gw_sink *sink, const char *kind)
{
    jb_end(&ch->out, '}');
    if (!ch->out.failed)
        sink->emit(sink->ctx, ch->machine, ch->name, kind, ch->out.p);
    if (!strcmp(kind, "event"))
        ch->events++;
}

/* "top": the largest contributions to the last score, with the feature's value in the row. */
static void put_top(channel *ch, const char **top_name)
{
    size_t idx[TOP_MAX], n = 0;
    double contrib[TOP_MAX];
    size_t cap = ch->cfg->top < TOP_MAX ? ch->cfg->top : TOP_MAX;
    *top_name = NULL;
    jb_key(&ch->out, "top");
    jb_begin(&ch->out, '[');
    if (vigil_monitor_explain(ch->mon, idx, contrib, cap, &n) == VIGIL_OK) {
        for (size_t i = 0; i < n; i++) {
            const char *f = vigil_monitor_feature_name(ch->mon, idx[i]);
            if (i == 0)
                *top_name = f;
            jb_begin(&ch->out, '{');
            jb_kstr(&ch->out, "feature", f);
            jb_knum(&ch->out, "contribution", contrib[i]);
            jb_knum(&ch->out, "value", ch->row[ch->sel_col[idx[i]]]);
            jb_knum(&ch->out, "scales", vigil_monitor_last_z(ch->mon, idx[i]));
            jb_end(&ch->out, '}');
        }
    }
    jb_end(&ch->out, ']');
}

static void announce(channel *ch, double t, const gw_sink *sink)
{
    char reason[160];
    ch->announced = 1;
    begin_msg(ch, t);
    jb_key(&ch->out, "from");
    jb_null(&ch->out);
    if (ch->loaded) {
        /* a model saved with its stream state resumes where it stopped: an alarm that was up
         * is still up */
        const int st = vigil_monitor_state(ch->mon);
        jb_kstr(&ch->out, "to", vigil_state_name(st));
        snprintf(reason, sizeof reason, "model loaded (%zu features, threshold %.4g%s%s)",
                 vigil_monitor_feature_count(ch->mon), vigil_monitor_threshold(ch->mon, 0),
                 st != VIGIL_STATE_OK ? ", resumed in state " : "",
                 st != VIGIL_STATE_OK ? vigil_state_name(st) : "");
    } else {
        jb_kstr(&ch->out, "to", "learning");
        snprintf(reason, sizeof reason, "new channel: learning the baseline from %zu frames",
                 ch->cfg->learn);
    }
    jb_kstr(&ch->out, "reason", reason);
    emit(ch, sink, "event");
}

static void emit_error(channel *ch, const gw_sink *sink, double t, const char *what)
{
    begin_msg(ch, t);
    jb_kstr(&ch->out, "error", what);
    emit(ch, sink, "error");
}

/* Remaining life (issue 15): give a fitted monitor without one a prognoser of the configured
 * indicator; a model that brought its own keeps it (and its history). `start`: the time of the
 * first learnt frame, so that the fleet's survival model counts the unit's age from there, as
 * `vigil monitor --learn` does, not from the first scored frame (NaN: a loaded model, whose
 * prognoser takes its first point's time). */
static int attach_prognoser(channel *ch, double start, char *err, size_t errcap)
{
    if (!ch->cfg->failure_feature || vigil_monitor_prognoser(ch->mon))
        return 0;
    vigil_prognoser *p = NULL;
    int rc = vigil_prognoser_create(ch->cfg->failure_feature, ch->cfg->failure_level, &p);
    if (rc == VIGIL_OK && ch->cfg->prior)
        rc = vigil_prognoser_set_prior(p, ch->cfg->prior);
    if (rc == VIGIL_OK && isfinite(start))
        rc = vigil_prognoser_set_start(p, start);
    if (rc == VIGIL_OK)
        rc = vigil_monitor_set_prognoser(ch->mon, p);
    if (rc != VIGIL_OK)
        snprintf(err, errcap, "remaining life: %s", vigil_last_error());
    vigil_prognoser_destroy(p);
    return rc == VIGIL_OK ? 0 : -1;
}

/* "rul", "rul_lo", "rul_hi" (seconds; null without an estimate or for an open end) and
 * "rul_reason", "rul_model" of a health message, when the channel has a prognoser. */
static void put_rul(channel *ch)
{
    const vigil_prognoser *p = vigil_monitor_prognoser(ch->mon);
    if (!p)
        return;
    double v[3] = {NAN, NAN, NAN};
    vigil_prognoser_rul(p, &v[0], &v[1], &v[2]);
    jb_knum(&ch->out, "rul", v[0]);
    jb_knum(&ch->out, "rul_lo", v[1]);
    jb_knum(&ch->out, "rul_hi", v[2]);
    jb_kstr(&ch->out, "rul_reason", vigil_prognosis_reason_name(vigil_prognoser_reason(p)));
    /* which model answered: exponential, linear, or survival (the fleet's, before the onset) */
    jb_kstr(&ch->out, "rul_model", vigil_prognosis_model_name(vigil_prognoser_model(p)));
}

static void learn_row(channel *ch, double t, const gw_sink *sink)
{
    char err[256];
    if (vigil_monitor_learn(ch->mon, ch->row, ch->ncols, 0) != VIGIL_OK) {
        snprintf(err, sizeof err, "frame %llu not learnt: %s", (unsigned long long)ch->frames,
                 vigil_last_error());
        emit_error(ch, sink, t, err);
        return;
    }
    if (ch->learned++ == 0)
        ch->learn_t0 = t;
    begin_msg(ch, t);
    jb_kint(&ch->out, "frame", ch->frames);
    jb_kstr(&ch->out, "state", "learning");
    jb_key(&ch->out, "score"); jb_null(&ch->out);
    jb_key(&ch->out, "threshold"); jb_null(&ch->out);
    jb_key(&ch->out, "health"); jb_null(&ch->out);
    jb_kint(&ch->out, "learned", ch->learned);
    jb_kint(&ch->out, "learn_target", ch->cfg->learn);
    emit(ch, sink, "health");
    if (ch->learned < ch->cfg->learn)
        return;

    if (vigil_monitor_fit(ch->mon) != VIGIL_OK || map_features(ch, err, sizeof err) != 0) {
        char msg[400];
        snprintf(msg, sizeof msg, "fit failed, learning again: %s", vigil_last_error());
        emit_error(ch, sink, t, msg);
        if (new_monitor(ch, err, sizeof err) != 0)
            emit_error(ch, sink, t, err);
        return;
    }
    if (attach_prognoser(ch, ch->learn_t0, err, sizeof err) != 0)
        emit_error(ch, sink, t, err);
    vigil_monitor_model_id(ch->mon, ch->model_id, sizeof ch->model_id);
    char reason[200];
    snprintf(reason, sizeof reason, "baseline learnt from %zu frames (%zu features, threshold %.4g)",
             ch->learned, vigil_monitor_feature_count(ch->mon), vigil_monitor_threshold(ch->mon, 0));
    begin_msg(ch, t);
    jb_kstr(&ch->out, "from", "learning");
    jb_kstr(&ch->out, "to", "ok");
    jb_kstr(&ch->out, "reason", reason);
    emit(ch, sink, "event");
    /* save at once, so a crash after learning does not lose the baseline */
    if (channel_save(ch, err, sizeof err) != 0)
        emit_error(ch, sink, t, err);
}

static void score_row(channel *ch, double t, const gw_sink *sink)
{
    int st = vigil_monitor_score(ch->mon, ch->row, ch->ncols, t, 0);
    if (st < 0) {
        char err[300];
        snprintf(err, sizeof err, "frame %llu not scored: %s", (unsigned long long)ch->frames,
                 vigil_last_error());
        emit_error(ch, sink, t, err);
        return;
    }
    const double score = vigil_monitor_last_score(ch->mon);
    const double thr = vigil_monitor_last_threshold(ch->mon);
    const char *top = NULL;
    begin_msg(ch, t);
    jb_kint(&ch->out, "frame", ch->frames);
    jb_kstr(&ch->out, "state", vigil_state_name(st));
    jb_knum(&ch->out, "score", score);
    jb_knum(&ch->out, "threshold", thr);
    jb_knum(&ch->out, "health", vigil_monitor_last_health(ch->mon));
    put_top(ch, &top);
    put_rul(ch);
    emit(ch, sink, "health");

    vigil_event_explanation ex;
    while (vigil_monitor_next_event_explained(ch->mon, &ex) == 1) {
        const vigil_alarm_event ev = ex.event;
        const int from = ev.from, to = ev.to;
        char reason[300 + VIGIL_EXPLAIN_MAX * 280], since[64] = "";
        char drivers[VIGIL_EXPLAIN_MAX * 280];
        const char *why = ev.kind == VIGIL_EVENT_TRANSIENT ? "transient (a burst that cleared "
                                                             "by itself)"
                        : to == VIGIL_STATE_ALARM ? "persistent exceedance"
                        : to == VIGIL_STATE_WARN  ? (from == VIGIL_STATE_ALARM ? "easing"
                                                                               : "repeated exceedance")
                                                  : "back to normal";
        if (!isnan(ev.onset))
            snprintf(since, sizeof since, " since t=%.3f", ev.onset);
        /* what drove it: the library's explanation (features of largest |z| in the episode) */
        if (vigil_monitor_format_explanation(ch->mon, &ex, drivers, sizeof drivers) < 0)
            snprintf(drivers, sizeof drivers, "-");
        snprintf(reason, sizeof reason, "%s%s: %s (baseline scales); score %.4g, threshold %.4g",
                 why, since, drivers, score, thr);
        begin_msg(ch, ev.t);
        jb_kint(&ch->out, "frame", ch->frames);
        jb_kstr(&ch->out, "from", vigil_state_name(from));
        jb_kstr(&ch->out, "to", vigil_state_name(to));
        jb_kstr(&ch->out, "kind", ev.kind == VIGIL_EVENT_TRANSIENT ? "transient" : "change");
        jb_kstr(&ch->out, "reason", reason);
        if (!isnan(ev.onset))
            jb_ktime(&ch->out, "onset", ev.onset);
        jb_key(&ch->out, "features");
        jb_begin(&ch->out, '[');
        for (size_t j = 0; j < ex.count; j++) {
            jb_begin(&ch->out, '{');
            jb_kstr(&ch->out, "feature", vigil_monitor_feature_name(ch->mon, ex.feature[j]));
            jb_knum(&ch->out, "scales", ex.z[j]);
            jb_end(&ch->out, '}');
        }
        jb_end(&ch->out, ']');
        jb_knum(&ch->out, "score", score);
        jb_knum(&ch->out, "threshold", thr);
        put_top(ch, &top);
        emit(ch, sink, "event");
    }
}

int channel_push(channel *ch, const double *x, size_t n, double t0, double now,
                 const gw_sink *sink, char *err, size_t errcap)
{
    int push_rc = 0;
    if (n == 0)
        return 0;
    const double expected = ch->epoch + (double)ch->since_epoch / ch->rate;
    const uint64_t hash = isnan(t0) ? 0 : samples_hash(x, n);
    if (!isnan(t0) && ch->have_time && seen_recently(ch, t0, n, hash)) {
        snprintf(err, errcap, "dropped %zu samples at t0=%.6f: a duplicate of a recent message",
                 n, t0);
        return 1;
    }
    if (!isnan(t0)) {
        const size_t cap = sizeof ch->recent / sizeof *ch->recent;
        ch->recent[ch->recent_pos].t0 = t0;
        ch->recent[ch->recent_pos].n = n;
        ch->recent[ch->recent_pos].hash = hash;
        ch->recent_pos = (ch->recent_pos + 1) % cap;
        if (ch->nrecent < cap)
            ch->nrecent++;
    }
    if (!ch->have_time) {
        ch->epoch = isnan(t0) ? now - (double)n / ch->rate : t0;
        ch->since_epoch = 0;
        ch->have_time = 1;
        if (!ch->announced)
            announce(ch, ch->epoch, sink);
    } else if (!isnan(t0) && t0 < expected - ch->cfg->jitter) {
        /* the sender's clock was set back (DST, NTP, a restarted sender): a new segment, as a
         * gap; the monitor sees the frame times step back and restarts its window itself */
        vigil_extractor_reset(ch->ex);
        ch->epoch = t0;
        ch->since_epoch = 0;
        ch->segment++;
        /* logged and counted (issue 17): after one message far ahead, the correct stream
         * arrives as a step back; it restarts the stream instead of being dropped */
        ch->resyncs++;
        snprintf(err, errcap, "t0=%.6f is %.6g s before the expected %.6f: clock stepped back, "
                 "stream reset (segment %llu)", t0, expected - t0, expected,
                 (unsigned long long)ch->segment);
        push_rc = 2;
    } else if (!isnan(t0) && t0 > expected + ch->cfg->jitter) {
        /* a gap: the partial frame before it is dropped, the stream restarts at t0; the
         * monitor sees the jump in the frame times and handles the gap itself */
        vigil_extractor_reset(ch->ex);
        ch->epoch = t0;
        ch->since_epoch = 0;
    }
    const int i_t = vigil_extractor_feature_index(ch->ex, "t_start");
    size_t off = 0;
    while (off < n) {
        size_t used = 0;
        if (vigil_extractor_push(ch->ex, x + off, n - off, &used) != VIGIL_OK) {
            snprintf(err, errcap, "%s", vigil_last_error());
            return -1;
        }
        off += used;
        ch->since_epoch += used;
        while (vigil_extractor_pop(ch->ex, ch->row, ch->ncols, NULL) == 1) {
            const double t = ch->epoch + ch->row[i_t];
            if (vigil_monitor_fitted(ch->mon))
                score_row(ch, t, sink);
            else
                learn_row(ch, t, sink);
            ch->frames++;
        }
    }
    return push_rc;
}

int channel_save(channel *ch, char *err, size_t errcap)
{
    if (!ch->cfg->models || !vigil_monitor_fitted(ch->mon) || ch->in_machine)
        return 0; /* a machine's channel is saved with its machine (gateway.c) */
    char m[512], c[512], path[2048];
    if (name_encode(ch->machine, m, sizeof m) || name_encode(ch->name, c, sizeof c)) {
        snprintf(err, errcap, "names too long to save");
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s@%s.vgm", ch->cfg->models, m, c);
    /* with the stream state: a restarted gateway resumes the alarm that was up */
    if (vigil_monitor_save_file_ex(ch->mon, path, VIGIL_SAVE_STREAM) != VIGIL_OK) {
        snprintf(err, errcap, "saving %s: %s", path, vigil_last_error());
        return -1;
    }
    return 0;
}
