/* The pipeline specification (include/vigil/pipeline.h): one table entry per key, each with its
 * default, a canonicaliser that validates a value and writes its one spelling, and a doc string.
 * A pipeline stores the canonical text of every key, so printing, comparing and saving are
 * trivial and the typed getters parse the text again (none of them is on a hot path). The
 * checks between keys live in vigil_pipeline_check(); the builders turn keys into setter calls.
 * A new key is one entry in `keys` (and, if it configures something, a line in a builder). */
#include "vigil/pipeline.h"

#include "bearing.h"
#include "pipeline_impl.h"
#include "status.h"
#include "vigil/alarm.h"
#include "vigil/bearing.h"
#include "vigil/common_mode.h"
#include "vigil/envelope.h"
#include "vigil/orders.h"
#include "vigil/parse.h"
#include "vigil/prognosis.h"
#include "vigil/severity.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX VIGIL_PIPELINE_VALUE_MAX

/* ---- names of the public enums ----------------------------------------------------------- */

typedef struct enum_name {
    int value;
    const char *name;
} enum_name;

static const char *name_of(const enum_name *t, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == v)
            return t[i].name;
    return NULL;
}

/* The first entry of each value is its canonical name; later entries are accepted aliases. */
static int parse_name(const enum_name *t, size_t n, const char *s, const char *what)
{
    if (!s)
        return vigil__fail(VIGIL_EINVAL, "%s: NULL name", what);
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, s) == 0)
            return t[i].value;
    char list[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && t[i].value == t[i - 1].value)
            continue; /* aliases are not advertised */
        int w = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", t[i].name);
        if (w < 0 || (size_t)w >= sizeof list - len)
            break;
        len += (size_t)w;
    }
    return vigil__fail(VIGIL_EINVAL, "unknown %s '%.64s' (use %s)", what, s, list);
}

#define COUNT(t) (sizeof(t) / sizeof(t)[0])
#define NAME_FUNCS(fn, table, what)                                                              \
    const char *vigil_##fn##_name(int v) { return name_of(table, COUNT(table), v); }            \
    int vigil_##fn##_parse(const char *s) { return parse_name(table, COUNT(table), s, what); }

static const enum_name detector_names[] = {
    {VIGIL_DETECTOR_ZSCORE, "zscore"},
    {VIGIL_DETECTOR_MAHALANOBIS, "mahalanobis"},
    {VIGIL_DETECTOR_PCA, "pca"},
    {VIGIL_DETECTOR_HST, "hst"},
};
static const enum_name state_names[] = {
    {VIGIL_STATE_OK, "ok"}, {VIGIL_STATE_WARN, "warn"}, {VIGIL_STATE_ALARM, "alarm"},
};
static const enum_name direction_names[] = {
    {VIGIL_DIR_BOTH, "both"}, {VIGIL_DIR_UP, "up"}, {VIGIL_DIR_DOWN, "down"},
};
static const enum_name gap_names[] = {
    {VIGIL_GAP_KEEP, "keep"}, {VIGIL_GAP_REREF, "reref"},
};
static const enum_name threshold_names[] = {
    {VIGIL_THRESHOLD_QUANTILE, "quantile"}, {VIGIL_THRESHOLD_CHI2, "chi2"},
    {VIGIL_THRESHOLD_EMPIRICAL, "empirical"},
};
static const enum_name units_names[] = {
    {VIGIL_UNITS_G, "g"}, {VIGIL_UNITS_M_S2, "m/s2"}, {VIGIL_UNITS_M_S2, "m/s^2"},
};
static const enum_name class_names[] = {
    {VIGIL_ISO_GROUP1_RIGID, "1r"}, {VIGIL_ISO_GROUP1_FLEXIBLE, "1f"},
    {VIGIL_ISO_GROUP2_RIGID, "2r"}, {VIGIL_ISO_GROUP2_FLEXIBLE, "2f"},
};
static const enum_name zone_names[] = {
    {1, "A"}, {1, "a"}, {2, "B"}, {2, "b"}, {3, "C"}, {3, "c"}, {4, "D"}, {4, "d"},
};
static const enum_name alarm_rule_names[] = {
    {VIGIL_ALARM_CUSUM, "cusum"}, {VIGIL_ALARM_KOFN, "kofn"},
};
static const enum_name common_names[] = {
    {VIGIL_COMMON_RATIO, "ratio"}, {VIGIL_COMMON_DIFF, "difference"},
    {VIGIL_COMMON_NONE, "none"},
};

NAME_FUNCS(detector, detector_names, "detector")
NAME_FUNCS(state, state_names, "state")
NAME_FUNCS(direction, direction_names, "direction")
NAME_FUNCS(gap_policy, gap_names, "gap policy")
NAME_FUNCS(threshold_mode, threshold_names, "threshold mode")
NAME_FUNCS(units, units_names, "units")
NAME_FUNCS(machine_class, class_names, "machine class")
NAME_FUNCS(zone, zone_names, "zone")
NAME_FUNCS(common_mode, common_names, "common-mode kind")
NAME_FUNCS(alarm_rule, alarm_rule_names, "alarm rule")

/* ---- value canonicalisers ------------------------------------------------------------------
 * Each takes the key's entry and a trimmed value, validates it and writes the one canonical
 * spelling into out[VALUE_MAX]. A failure records "KEY: what is wrong". */

typedef struct key_def key_def;
typedef int (*canon_fn)(const key_def *k, const char *in, char *out);

struct key_def {
    const char *name;
    const char *def;     /* default, canonical */
    canon_fn canon;
    double lo, hi;       /* range of numbers */
    int numeric;         /* vigil_pipeline_number() accepts it */
    const char *doc;
};

static int bad_value(const key_def *k, const char *in, const char *why)
{
    return vigil__fail(VIGIL_EINVAL, "%s: '%.80s' %s", k->name, in, why);
}

/* Shortest "%.Ng" that reads back as the same double: the canonical spelling of a number. */
static void print_number(char *out, size_t cap, double v)
{
    if (v == floor(v) && fabs(v) < 9007199254740992.0) { /* whole numbers without exponent */
        snprintf(out, cap, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static int canon_number(const key_def *k, const char *in, char *out)
{
    double v;
    if (vigil_parse_number(in, &v) != VIGIL_OK || !isfinite(v))
        return bad_value(k, in, "is not a finite number");
    if (v < k->lo || v > k->hi) {
        char lo[32], hi[32];
        print_number(lo, sizeof lo, k->lo);
        print_number(hi, sizeof hi, k->hi);
        return vigil__fail(VIGIL_EINVAL, "%s: %.80s is out of range %s..%s", k->name, in, lo, hi);
    }
    print_number(out, VALUE_MAX, v == 0.0 ? 0.0 : v); /* no "-0" */
    return VIGIL_OK;
}

static int canon_whole(const key_def *k, const char *in, char *out)
{
    double v;
    if (vigil_parse_number(in, &v) != VIGIL_OK || v != floor(v))
        return bad_value(k, in, "is not a whole number");
    return canon_number(k, in, out);
}

static int canon_string(const key_def *k, const char *in, char *out)
{
    for (const char *c = in; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return vigil__fail(VIGIL_EINVAL, "%s: control character in the value", k->name);
    snprintf(out, VALUE_MAX, "%s", in);
    return VIGIL_OK;
}

/* on/off; the usual spellings of a flag are accepted. */
static int canon_alarm_rule(const key_def *k, const char *in, char *out)
{
    if (strcmp(in, "cusum") && strcmp(in, "kofn"))
        return bad_value(k, in, "is not cusum or kofn");
    strcpy(out, in);
    return VIGIL_OK;
}

static int canon_flag(const key_def *k, const char *in, char *out)
{
    static const char *const on[] = {"on", "1", "true", "yes"};
    static const char *const off[] = {"off", "0", "false", "no"};
    for (size_t i = 0; i < COUNT(on); i++) {
        if (strcmp(in, on[i]) == 0) {
            strcpy(out, "on");
            return VIGIL_OK;
        }
        if (strcmp(in, off[i]) == 0) {
            strcpy(out, "off");
            return VIGIL_OK;
        }
    }
    return bad_value(k, in, "is not on or off");
}

/* A word from an enum's name functions, or a number-valued alternative. */
#define CANON_ENUM(fn)                                                                           \
    static int canon_##fn(const key_def *k, const char *in, char *out)                           \
    {                                                                                            \
        int v = vigil_##fn##_parse(in);                                                          \
        if (v < 0) {                                                                             \
            char msg[300];                                                                       \
            snprintf(msg, sizeof msg, "%s", vigil_last_error());                                 \
            return vigil__fail(VIGIL_EINVAL, "%s: %s", k->name, msg);                            \
        }                                                                                        \
        strcpy(out, vigil_##fn##_name(v));                                                       \
        return VIGIL_OK;                                                                         \
    }
CANON_ENUM(detector)
CANON_ENUM(gap_policy)
CANON_ENUM(threshold_mode)
CANON_ENUM(units)
CANON_ENUM(machine_class)

static int canon_source(const key_def *k, const char *in, char *out)
{
    if (strcmp(in, "samples") && strcmp(in, "rows"))
        return bad_value(k, in, "is not samples or rows");
    strcpy(out, in);
    return VIGIL_OK;
}

/* A whole number, or a word that stands for a computed value (hop = frame, gap = auto, ...). */
static int canon_word_or(const key_def *k, const char *in, char *out, const char *w1,
                         const char *w2, canon_fn num)
{
    if ((w1 && strcmp(in, w1) == 0) || (w2 && strcmp(in, w2) == 0)) {
        strcpy(out, in);
        return VIGIL_OK;
    }
    int rc = num(k, in, out);
    if (rc) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        return vigil__fail(rc, "%s (or %s%s%s)", msg, w1, w2 ? " or " : "", w2 ? w2 : "");
    }
    return VIGIL_OK;
}

static int canon_hop(const key_def *k, const char *in, char *out)
{
    return canon_word_or(k, in, out, "frame", NULL, canon_whole);
}

static int canon_shaft_hz(const key_def *k, const char *in, char *out)
{
    int rc = canon_word_or(k, in, out, "estimate", NULL, canon_number);
    if (rc == VIGIL_OK && strcmp(out, "estimate") && !(strtod(out, NULL) > 0.0))
        return bad_value(k, in, "must be > 0 Hz (or estimate)");
    return rc;
}

static int canon_gap(const key_def *k, const char *in, char *out)
{
    int rc = canon_word_or(k, in, out, "auto", "never", canon_number);
    if (rc == VIGIL_OK && strcmp(out, "auto") && strcmp(out, "never") &&
        !(strtod(out, NULL) > 0.0))
        return bad_value(k, in, "must be > 0 s (or auto or never)");
    return rc;
}

static int canon_common(const key_def *k, const char *in, char *out)
{
    return canon_word_or(k, in, out, "off", NULL, canon_whole);
}

/* Comma-separated LO-HI ranges via the library's band parser; max ranges allowed. */
static int canon_ranges(const key_def *k, const char *in, char *out, size_t max)
{
    double lo[VIGIL_BANDS_MAX], hi[VIGIL_BANDS_MAX];
    size_t n = 0;
    if (vigil_parse_bands(in, lo, hi, max, &n) != VIGIL_OK || n == 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", n == 0 ? "no range" : vigil_last_error());
        return vigil__fail(VIGIL_EINVAL, "%s: %s", k->name, msg);
    }
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        char a[32], b[32];
        print_number(a, sizeof a, lo[i]);
        print_number(b, sizeof b, hi[i]);
        int w = snprintf(out + len, VALUE_MAX - len, "%s%s-%s", i ? "," : "", a, b);
        if (w < 0 || (size_t)w >= VALUE_MAX - len)
            return bad_value(k, in, "is too long");
        len += (size_t)w;
    }
    return VIGIL_OK;
}

static int canon_bands(const key_def *k, const char *in, char *out)
{
    if (strcmp(in, "none") == 0 || strcmp(in, "octaves") == 0) {
        strcpy(out, in);
        return VIGIL_OK;
    }
    return canon_ranges(k, in, out, VIGIL_BANDS_MAX);
}

static int canon_one_range(const key_def *k, const char *in, char *out, const char *w1,
                           const char *w2)
{
    if ((w1 && strcmp(in, w1) == 0) || (w2 && strcmp(in, w2) == 0)) {
        strcpy(out, in);
        return VIGIL_OK;
    }
    if (strchr(in, ','))
        return bad_value(k, in, "must be one LO-HI range");
    return canon_ranges(k, in, out, 1);
}

static int canon_shaft_range(const key_def *k, const char *in, char *out)
{
    return canon_one_range(k, in, out, "default", NULL);
}

static int canon_envelope_band(const key_def *k, const char *in, char *out)
{
    return canon_one_range(k, in, out, "full", "auto");
}

static int canon_bearing(const key_def *k, const char *in, char *out)
{
    if (strcmp(in, "none") == 0) {
        strcpy(out, in);
        return VIGIL_OK;
    }
    double v[4];
    if (vigil_parse_bearing(in, &v[0], &v[1], &v[2], &v[3]) != VIGIL_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        return vigil__fail(VIGIL_EINVAL, "%s: %s", k->name, msg);
    }
    char s[4][32];
    for (int i = 0; i < 4; i++)
        print_number(s[i], sizeof s[i], v[i]);
    snprintf(out, VALUE_MAX, "n=%s,d=%s,D=%s,angle=%s", s[0], s[1], s[2], s[3]);
    return VIGIL_OK;
}

/* K/N of the alarm persistence. */
static int canon_persistence(const key_def *k, const char *in, char *out)
{
    unsigned a, b;
    char tail;
    if (sscanf(in, "%u/%u%c", &a, &b, &tail) != 2 || a < 1 || b < a ||
        b > VIGIL_ALARM_WINDOW_MAX)
        return vigil__fail(VIGIL_EINVAL, "%s: '%.80s' is not K/N with 1 <= K <= N <= %d",
                           k->name, in, VIGIL_ALARM_WINDOW_MAX);
    snprintf(out, VALUE_MAX, "%u/%u", a, b);
    return VIGIL_OK;
}

/* Split a comma list into trimmed items; calls fn on each. Empty items are refused. */
static int each_item(const key_def *k, const char *in, char *out,
                     int (*fn)(const key_def *k, const char *item, char *canon))
{
    size_t len = 0;
    const char *p = in;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        char item[VALUE_MAX], canon[VALUE_MAX];
        if (n == 0 || n >= sizeof item)
            return bad_value(k, in, "has an empty item");
        memcpy(item, p, n);
        item[n] = '\0';
        int rc = fn(k, item, canon);
        if (rc)
            return rc;
        int w = snprintf(out + len, VALUE_MAX - len, "%s%s", len ? "," : "", canon);
        if (w < 0 || (size_t)w >= VALUE_MAX - len)
            return bad_value(k, in, "is too long");
        len += (size_t)w;
        if (!e)
            return VIGIL_OK;
        p = e + 1;
    }
}

static int feature_item(const key_def *k, const char *item, char *canon)
{
    (void)k;
    strcpy(canon, item);
    return VIGIL_OK;
}

static int canon_features(const key_def *k, const char *in, char *out)
{
    if (strcmp(in, "default") == 0) {
        strcpy(out, in);
        return VIGIL_OK;
    }
    int rc = canon_string(k, in, out);
    return rc ? rc : each_item(k, in, out, feature_item);
}

static int direction_item(const key_def *k, const char *item, char *canon)
{
    const char *colon = strrchr(item, ':');
    if (!colon || colon == item)
        return bad_value(k, item, "is not FEATURE:up|down|both");
    int d = vigil_direction_parse(colon + 1);
    if (d < 0)
        return bad_value(k, item, "has a direction other than up, down or both");
    snprintf(canon, VALUE_MAX, "%.*s:%s", (int)(colon - item), item, vigil_direction_name(d));
    return VIGIL_OK;
}

static int canon_directions(const key_def *k, const char *in, char *out)
{
    if (strcmp(in, "default") == 0) {
        strcpy(out, in);
        return VIGIL_OK;
    }
    int rc = canon_string(k, in, out);
    return rc ? rc : each_item(k, in, out, direction_item);
}

/* prognosis.feature: a column name (as in the rows), score, or none */
static int canon_prognosis_feature(const key_def *k, const char *in, char *out)
{
    if (!in[0] || strlen(in) > 63 || strpbrk(in, " \t,"))
        return bad_value(k, in, "is not a column name (1..63 characters, no spaces or commas)");
    return canon_string(k, in, out);
}

static int canon_prognosis_model(const key_def *k, const char *in, char *out)
{
    const int m = vigil_prognosis_model_parse(in);
    if (m < 0)
        return bad_value(k, in, "is not auto, exponential or linear");
    strcpy(out, vigil_prognosis_model_name(m));
    return VIGIL_OK;
}

/* ---- the key table --------------------------------------------------------------------------
 * Order is the printing order. Defaults are the library's, one per setting, used by every host
 * (docs/ARCHITECTURE.md lists what changed for whom). */
#define NUM(lo, hi) lo, hi, 1
#define TEXT 0.0, 0.0, 0
static const key_def keys[] = {
    /* where the rows come from */
    {"source", "samples", canon_source, TEXT,
     "samples (one column of raw samples framed by an extractor) or rows (precomputed feature "
     "rows, e.g. a historian's table)"},
    {"machine", "", canon_string, TEXT, "machine name (free text; the gateway's <machine>)"},
    {"channel", "", canon_string, TEXT, "channel name (free text; the gateway's <channel>)"},
    {"column", "0", canon_string, TEXT, "input column of the samples: name or 0-based index"},
    {"rate", "0", canon_number, NUM(0.0, 1e9),
     "sample rate, Hz (0: not set; a sample source needs it)"},
    {"frame", "4096", canon_whole, NUM(VIGIL_FRAME_MIN, VIGIL_FRAME_MAX),
     "frame length N, samples"},
    {"hop", "frame", canon_hop, NUM(1, VIGIL_FRAME_MAX),
     "samples between frame starts, 1..N, or frame (= N, no overlap)"},
    {"bands", "none", canon_bands, TEXT,
     "band-energy columns: none, octaves (the four octaves below rate/2) or LO-HI,... in Hz"},
    /* feature groups */
    {"bearing", "none", canon_bearing, TEXT,
     "bearing geometry n=..,d=..,D=..,angle=.. (switches on the envelope group), or none"},
    {"shaft.hz", "estimate", canon_shaft_hz, NUM(0.0, 1e9),
     "shaft rate, Hz (0 < f < rate/2), or estimate (from each frame's spectrum)"},
    {"shaft.range", "default", canon_shaft_range, TEXT,
     "range of the shaft-rate estimate LO-HI in Hz, or default (5-100 Hz)"},
    {"envelope.band", "full", canon_envelope_band, TEXT,
     "demodulation band of the envelope group: full (whole spectrum), auto (spectral kurtosis "
     "per frame) or LO-HI in Hz"},
    {"orders", "off", canon_flag, NUM(0, 1), "shaft-order columns order_1x..3x, shaft_hz: on/off"},
    {"severity", "off", canon_flag, NUM(0, 1),
     "ISO 10816-3 severity columns velocity_rms_mm_s, iso_zone: on/off"},
    {"severity.units", "g", canon_units, TEXT, "units of the samples for severity: g or m/s2"},
    {"severity.class", "2r", canon_machine_class, TEXT,
     "ISO 10816-3 machine class: 1r, 1f, 2r, 2f (group 1/2, rigid/flexible)"},
    /* time handling */
    {"time.column", "", canon_string, TEXT,
     "column holding timestamps (empty: times from the sample count or row index)"},
    {"time.interval", "0", canon_number, NUM(0.0, 1e12),
     "snapshot interval, s (0: continuous; for histories of snapshots)"},
    {"condition.column", "", canon_string, TEXT,
     "rows source: column holding the operating condition 0..63 (empty: condition 0)"},
    /* the monitor */
    {"monitor.detector", "mahalanobis", canon_detector, TEXT,
     "detector: zscore, mahalanobis, pca or hst"},
    {"monitor.features", "default", canon_features, TEXT,
     "selected features: default (the group tables' selection, with env_bpfo, env_bpfi, "
     "env_bsf when bearing and shaft.hz are set) or NAME,..."},
    {"monitor.directions", "default", canon_directions, TEXT,
     "fault directions that differ from the group tables': default or NAME:up|down|both,..."},
    {"monitor.conditions", "1", canon_whole, NUM(1, VIGIL_CONDITIONS_MAX),
     "number of operating conditions, 1..64"},
    {"monitor.quantile", "0.995", canon_number, NUM(0.5, 0.99999999999999989),
     "calibration quantile of the threshold, 0.5 <= q < 1"},
    {"monitor.threshold", "quantile", canon_threshold_mode, TEXT,
     "threshold mode: quantile (of out-of-fold scores, tail-fitted), empirical (plain "
     "quantile) or chi2 (mahalanobis only)"},
    {"monitor.seed", "1", canon_whole, NUM(0, 9007199254740992.0), "random seed (hst)"},
    {"monitor.scale_floor", "0.05", canon_number, NUM(0.0, 1.0),
     "relative floor of the baseline scales, 0..1"},
    {"monitor.smoothing", "0.3", canon_number, NUM(4.9406564584124654e-324, 1.0),
     "EWMA weight of the zscore detector, 0 < alpha <= 1"},
    {"monitor.persistence", "3/5", canon_persistence, TEXT,
     "alarm persistence K/N: K exceedances among the last N rows"},
    {"monitor.warn", "2", canon_whole, NUM(1, VIGIL_ALARM_WINDOW_MAX),
     "exceedances in the window that raise a warning, 1..K"},
    {"monitor.clear", "0.8", canon_number, NUM(4.9406564584124654e-324, 1.0),
     "hysteresis: the alarm clears below clear x threshold, 0 < r <= 1"},
    {"monitor.gap", "auto", canon_gap, NUM(0.0, 1e12),
     "interval that counts as a gap, s; auto (10 x median interval) or never"},
    {"monitor.gap_policy", "keep", canon_gap_policy, TEXT,
     "after a gap: keep the baseline, or reref (re-estimate it)"},
    {"monitor.relearn", "20", canon_whole, NUM(1, 65536), "rows re-estimating after a gap (reref)"},
    {"monitor.common_mode", "off", canon_common, NUM(2, VIGIL_COMMON_GROUPS_MAX),
     "rows source: the feature columns are G channel blocks referred to the median of the "
     "others (2..64), or off"},
    /* ---- alarm and onset-test keys (issue 16): one entry each ---- */
    {"monitor.alarm", "cusum", canon_alarm_rule, TEXT,
     "alarm rule: cusum (the onset test) or kofn (monitor.persistence K of N)"},
    {"monitor.onset_p1", "0.5", canon_number, NUM(1e-9, 0.999999999),
     "onset test: exceedance rate of a degraded machine, above 1 - monitor.quantile"},
    {"monitor.false_alarm", "100000", canon_number, NUM(2.0, 1e15),
     "onset test: in-control period in rows (h = ln of it)"},
    {"monitor.confirm", "5", canon_whole, NUM(0, 1000000),
     "onset test: rows an episode holds, beyond the burst decay, before it is an alarm"},
    {"monitor.confirm_time", "0", canon_number, NUM(0.0, 1e12),
     "onset test: and at least this many seconds after it opened (e.g. 1800)"},
    /* ---- prognosis.* keys (issue 15): one entry each ---- */
    {"prognosis.feature", "none", canon_prognosis_feature, TEXT,
     "health indicator of the prognoser: a feature column, score (the monitor's score), or "
     "none (no prognosis)"},
    {"prognosis.failure", "0", canon_number, NUM(-1e300, 1e300),
     "level of the indicator taken as failure (> 0 for the exponential and auto models)"},
    {"prognosis.model", "auto", canon_prognosis_model, TEXT,
     "degradation model: auto (the likelier at each update), exponential or linear"},
    {"prognosis.baseline", "30", canon_whole, NUM(5, 100000),
     "points of the healthy baseline of the onset test"},
    {"prognosis.rise", "0.6931471805599453", canon_number, NUM(0.0, 1e300),
     "smallest rise the onset test looks for, on the model's scale (ln 2: a doubling)"},
    {"prognosis.cusum_h", "5", canon_number, NUM(1e-9, 1e300),
     "CUSUM decision interval of the onset test, in baseline sigmas"},
    {"prognosis.min_points", "5", canon_whole, NUM(3, 1000000),
     "points since the onset before a first estimate"},
    {"prognosis.level", "0.95", canon_number, NUM(0.5, 0.999),
     "central probability of the remaining-life interval"},
    {"prognosis.point", "0.5", canon_number, NUM(0.01, 0.99),
     "quantile of the remaining life given as the estimate (0.5: the median)"},
};
#define NKEYS COUNT(keys)

struct vigil_pipeline {
    char *val[NKEYS]; /* canonical text of each key, malloc'ed */
};

static int key_index(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, key) == 0)
            return (int)i;
    return -1;
}

size_t vigil_pipeline_key_count(void) { return NKEYS; }
const char *vigil_pipeline_key_name(size_t i) { return i < NKEYS ? keys[i].name : NULL; }
const char *vigil_pipeline_key_default(size_t i) { return i < NKEYS ? keys[i].def : NULL; }
const char *vigil_pipeline_key_doc(size_t i) { return i < NKEYS ? keys[i].doc : NULL; }

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int vigil_pipeline_create(vigil_pipeline **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    vigil_pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t i = 0; i < NKEYS; i++)
        if (!(p->val[i] = dup_str(keys[i].def))) {
            vigil_pipeline_destroy(p);
            return vigil__status(VIGIL_ENOMEM);
        }
    *out = p;
    return VIGIL_OK;
}

void vigil_pipeline_destroy(vigil_pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < NKEYS; i++)
        free(p->val[i]);
    free(p);
}

int vigil_pipeline_copy(const vigil_pipeline *p, vigil_pipeline **out)
{
    if (out)
        *out = NULL;
    if (!p || !out)
        return vigil__status(VIGIL_EINVAL);
    vigil_pipeline *c = calloc(1, sizeof *c);
    if (!c)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t i = 0; i < NKEYS; i++)
        if (!(c->val[i] = dup_str(p->val[i]))) {
            vigil_pipeline_destroy(c);
            return vigil__status(VIGIL_ENOMEM);
        }
    *out = c;
    return VIGIL_OK;
}

int vigil_pipeline_set(vigil_pipeline *p, const char *key, const char *value)
{
    if (!p || !key || !value)
        return vigil__fail(VIGIL_EINVAL, "pipeline set: NULL argument");
    int i = key_index(key);
    if (i < 0)
        return vigil__fail(VIGIL_EINVAL, "%.80s: unknown key", key);
    /* trim spaces around the value, as the text form does */
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r'))
        n--;
    if (n >= VALUE_MAX)
        return vigil__fail(VIGIL_EINVAL, "%s: value longer than %d bytes", key, VALUE_MAX - 1);
    char in[VALUE_MAX], canon[VALUE_MAX];
    memcpy(in, value, n);
    in[n] = '\0';
    canon[0] = '\0';
    int rc = keys[i].canon(&keys[i], in, canon);
    if (rc)
        return rc;
    char *copy = dup_str(canon);
    if (!copy)
        return vigil__status(VIGIL_ENOMEM);
    free(p->val[i]);
    p->val[i] = copy;
    return VIGIL_OK;
}

int vigil_pipeline_get(const vigil_pipeline *p, const char *key, char *buf, size_t cap,
                       size_t *written)
{
    if (written)
        *written = 0;
    if (!p || !key || !buf)
        return vigil__status(VIGIL_EINVAL);
    int i = key_index(key);
    if (i < 0)
        return vigil__fail(VIGIL_ENOTFOUND, "%.80s: unknown key", key);
    size_t n = strlen(p->val[i]);
    if (n >= cap)
        return vigil__fail(VIGIL_ESPACE, "%s: value needs %zu bytes, buffer has %zu", key, n + 1,
                           cap);
    memcpy(buf, p->val[i], n + 1);
    if (written)
        *written = n;
    return VIGIL_OK;
}

int vigil_pipeline_is_default(const vigil_pipeline *p, const char *key)
{
    if (!p || !key)
        return vigil__status(VIGIL_EINVAL);
    int i = key_index(key);
    if (i < 0)
        return vigil__fail(VIGIL_ENOTFOUND, "%.80s: unknown key", key);
    return strcmp(p->val[i], keys[i].def) == 0;
}

const char *vigil_pipeline_string(const vigil_pipeline *p, const char *key)
{
    if (!p || !key)
        return NULL;
    int i = key_index(key);
    return i < 0 ? NULL : p->val[i];
}

/* The value of a key known to exist (internal use). */
static const char *val(const vigil_pipeline *p, const char *key)
{
    return p->val[key_index(key)];
}

int vigil_pipeline_number(const vigil_pipeline *p, const char *key, double *value)
{
    if (!p || !key || !value)
        return vigil__status(VIGIL_EINVAL);
    int i = key_index(key);
    if (i < 0)
        return vigil__fail(VIGIL_ENOTFOUND, "%.80s: unknown key", key);
    if (!keys[i].numeric)
        return vigil__fail(VIGIL_EINVAL, "%s: not a numeric key", key);
    const char *v = p->val[i];
    if (strcmp(v, "frame") == 0)
        return vigil_pipeline_number(p, "frame", value);
    if (strcmp(v, "on") == 0)
        *value = 1.0;
    else if (!strcmp(v, "off") || !strcmp(v, "estimate") || !strcmp(v, "auto"))
        *value = 0.0;
    else if (strcmp(v, "never") == 0)
        *value = INFINITY;
    else
        *value = strtod(v, NULL);
    return VIGIL_OK;
}

static double num(const vigil_pipeline *p, const char *key)
{
    double v = 0.0;
    vigil_pipeline_number(p, key, &v);
    return v;
}

double vigil_pipeline_rate(const vigil_pipeline *p) { return p ? num(p, "rate") : 0.0; }
size_t vigil_pipeline_frame(const vigil_pipeline *p) { return p ? (size_t)num(p, "frame") : 0; }
size_t vigil_pipeline_hop(const vigil_pipeline *p) { return p ? (size_t)num(p, "hop") : 0; }
int vigil_pipeline_rows(const vigil_pipeline *p)
{
    return p && strcmp(val(p, "source"), "rows") == 0;
}
int vigil_pipeline_detector(const vigil_pipeline *p)
{
    return p ? vigil_detector_parse(val(p, "monitor.detector")) : vigil__status(VIGIL_EINVAL);
}

static int on(const vigil_pipeline *p, const char *key) { return strcmp(val(p, key), "on") == 0; }

static int has_bearing(const vigil_pipeline *p) { return strcmp(val(p, "bearing"), "none") != 0; }

/* One LO-HI range of a canonical value. */
static void range_of(const char *v, double *lo, double *hi)
{
    size_t n = 0;
    *lo = *hi = 0.0;
    vigil_parse_bands(v, lo, hi, 1, &n);
}

int vigil_pipeline_check(const vigil_pipeline *p)
{
    if (!p)
        return vigil__status(VIGIL_EINVAL);
    const double rate = vigil_pipeline_rate(p);
    const size_t frame = vigil_pipeline_frame(p), hop = vigil_pipeline_hop(p);
    if (hop > frame)
        return vigil__fail(VIGIL_EINVAL, "hop: %zu samples is longer than the frame (%zu)", hop,
                           frame);
    const int rows = vigil_pipeline_rows(p);
    static const char *const group_keys[] = {"bands", "bearing", "shaft.hz", "shaft.range",
                                             "envelope.band", "orders", "severity"};
    for (size_t i = 0; rows && i < COUNT(group_keys); i++)
        if (!vigil_pipeline_is_default(p, group_keys[i]))
            return vigil__fail(VIGIL_EINVAL, "%s: feature groups need source = samples "
                               "(rows are already features)", group_keys[i]);
    if (!rows && !vigil_pipeline_is_default(p, "monitor.common_mode"))
        return vigil__fail(VIGIL_EINVAL, "monitor.common_mode: needs source = rows (channel "
                           "blocks of feature columns)");
    if (!rows && !vigil_pipeline_is_default(p, "condition.column"))
        return vigil__fail(VIGIL_EINVAL, "condition.column: needs source = rows");
    if (!has_bearing(p) && !vigil_pipeline_is_default(p, "envelope.band"))
        return vigil__fail(VIGIL_EINVAL, "envelope.band: the envelope group needs a bearing "
                           "(bearing = n=..,d=..,D=..,angle=..)");
    if (!on(p, "severity") && (!vigil_pipeline_is_default(p, "severity.units") ||
                               !vigil_pipeline_is_default(p, "severity.class")))
        return vigil__fail(VIGIL_EINVAL, "%s: set but severity = off",
                           vigil_pipeline_is_default(p, "severity.units") ? "severity.class"
                                                                          : "severity.units");
    if (strcmp(val(p, "monitor.threshold"), "chi2") == 0 &&
        vigil_pipeline_detector(p) != VIGIL_DETECTOR_MAHALANOBIS)
        return vigil__fail(VIGIL_EINVAL, "monitor.threshold: chi2 needs monitor.detector = "
                           "mahalanobis");
    double k = 0.0, n = 0.0;
    sscanf(val(p, "monitor.persistence"), "%lf/%lf", &k, &n);
    if (num(p, "monitor.warn") > k)
        return vigil__fail(VIGIL_EINVAL, "monitor.warn: %g is more than the persistence K (%g)",
                           num(p, "monitor.warn"), k);
    if (rate <= 0.0)
        return VIGIL_OK; /* the rest depends on the rate */
    const double nyq = rate / 2.0;
    char msg[300];
    if (vigil__shaft_check(rate, num(p, "shaft.hz")) != VIGIL_OK) {
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        return vigil__fail(VIGIL_EINVAL, "shaft.hz: %s", msg);
    }
    if (strcmp(val(p, "shaft.range"), "default")) {
        double lo, hi;
        range_of(val(p, "shaft.range"), &lo, &hi);
        if (vigil__shaft_range_check(rate, lo, hi) != VIGIL_OK) {
            snprintf(msg, sizeof msg, "%s", vigil_last_error());
            return vigil__fail(VIGIL_EINVAL, "shaft.range: %s", msg);
        }
    }
    const char *eb = val(p, "envelope.band");
    if (has_bearing(p) && strcmp(eb, "full") && strcmp(eb, "auto")) {
        double lo, hi;
        range_of(eb, &lo, &hi);
        if (lo >= nyq)
            return vigil__fail(VIGIL_EINVAL, "envelope.band: %s Hz starts above the Nyquist "
                               "frequency %g Hz (rate = %g Hz)", eb, nyq, rate);
        size_t bins = 0;
        for (size_t q = 1; q <= frame / 2; q++) {
            const double f = (double)q * rate / (double)frame;
            bins += f >= lo && f < hi;
        }
        if (bins < 2)
            return vigil__fail(VIGIL_EINVAL, "envelope.band: %s Hz holds fewer than 2 bins of "
                               "%g Hz (rate / frame)", eb, rate / (double)frame);
    }
    if (on(p, "severity") && rate <= 2.0 * VIGIL_SEVERITY_LO_HZ)
        return vigil__fail(VIGIL_EINVAL, "severity: needs a sample rate above %g Hz (rate = %g)",
                           2.0 * VIGIL_SEVERITY_LO_HZ, rate);
    return VIGIL_OK;
}

/* ---- text form ------------------------------------------------------------------------------ */

int vigil_pipeline_parse(const char *text, size_t len, const char *origin, vigil_pipeline **out)
{
    if (out)
        *out = NULL;
    if (!out || (!text && len))
        return vigil__status(VIGIL_EINVAL);
    if (!origin)
        origin = "pipeline";
    if (len > VIGIL_PIPELINE_TEXT_MAX)
        return vigil__fail(VIGIL_EINVAL, "%.200s: %zu bytes, a specification is at most %d",
                           origin, len, VIGIL_PIPELINE_TEXT_MAX);
    if (len && memchr(text, '\0', len))
        return vigil__fail(VIGIL_EINVAL, "%.200s: NUL byte in the text", origin);
    vigil_pipeline *p;
    int rc = vigil_pipeline_create(&p);
    if (rc)
        return rc;
    size_t pos = 0, line = 0;
    char msg[400];
    while (pos < len) {
        line++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
        if (n == 0 || *s == '#')
            continue;
        const char *eq = memchr(s, '=', n);
        if (!eq) {
            vigil_pipeline_destroy(p);
            return vigil__fail(VIGIL_EINVAL, "%.200s:%zu: expected 'key = value'", origin, line);
        }
        size_t kl = (size_t)(eq - s);
        while (kl && (s[kl - 1] == ' ' || s[kl - 1] == '\t'))
            kl--;
        char key[128];
        size_t vl = n - (size_t)(eq + 1 - s);
        if (kl == 0 || kl >= sizeof key) {
            vigil_pipeline_destroy(p);
            return vigil__fail(VIGIL_EINVAL, "%.200s:%zu: missing or overlong key", origin,
                               line);
        }
        if (vl >= VALUE_MAX) {
            vigil_pipeline_destroy(p);
            return vigil__fail(VIGIL_EINVAL, "%.200s:%zu: %.*s: value longer than %d bytes",
                               origin, line, (int)kl, s, VALUE_MAX - 1);
        }
        memcpy(key, s, kl);
        key[kl] = '\0';
        char value[VALUE_MAX];
        memcpy(value, eq + 1, vl);
        value[vl] = '\0';
        rc = vigil_pipeline_set(p, key, value);
        if (rc) {
            snprintf(msg, sizeof msg, "%s", vigil_last_error());
            vigil_pipeline_destroy(p);
            return vigil__fail(rc, "%.200s:%zu: %s", origin, line, msg);
        }
    }
    rc = vigil_pipeline_check(p);
    if (rc) {
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        vigil_pipeline_destroy(p);
        return vigil__fail(rc, "%.200s: %s", origin, msg);
    }
    *out = p;
    return VIGIL_OK;
}

int vigil_pipeline_load_file(const char *path, vigil_pipeline **out)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return vigil__status(VIGIL_EINVAL);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vigil__fail(VIGIL_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = malloc(VIGIL_PIPELINE_TEXT_MAX + 1);
    size_t n = buf ? fread(buf, 1, VIGIL_PIPELINE_TEXT_MAX + 1, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (!buf)
        return vigil__status(VIGIL_ENOMEM);
    int rc;
    if (err)
        rc = vigil__fail(VIGIL_EIO, "%s: read error", path);
    else
        rc = vigil_pipeline_parse(buf, n, path, out); /* too long: the parser says so */
    free(buf);
    return rc;
}

int vigil_pipeline_print(const vigil_pipeline *p, int flags, char *buf, size_t cap,
                         size_t *written)
{
    if (written)
        *written = 0;
    if (!p || (!buf && cap) || (flags & ~VIGIL_PIPELINE_PRINT_ALL))
        return vigil__status(VIGIL_EINVAL);
    static const char head[] = "# vigil pipeline\n";
    size_t need = sizeof head - 1;
    for (size_t i = 0; i < NKEYS; i++)
        if ((flags & VIGIL_PIPELINE_PRINT_ALL) || strcmp(p->val[i], keys[i].def))
            need += strlen(keys[i].name) + 3 + strlen(p->val[i]) + 1;
    if (written)
        *written = need;
    if (need >= cap)
        return vigil__fail(VIGIL_ESPACE, "pipeline text needs %zu bytes, buffer has %zu",
                           need + 1, cap);
    size_t len = 0;
    memcpy(buf, head, sizeof head - 1);
    len += sizeof head - 1;
    for (size_t i = 0; i < NKEYS; i++)
        if ((flags & VIGIL_PIPELINE_PRINT_ALL) || strcmp(p->val[i], keys[i].def))
            len += (size_t)sprintf(buf + len, "%s = %s\n", keys[i].name, p->val[i]);
    buf[len] = '\0';
    return VIGIL_OK;
}

char *vigil__pipeline_text(const vigil_pipeline *p, int flags)
{
    size_t need = 0;
    vigil_pipeline_print(p, flags, NULL, 0, &need);
    char *s = malloc(need + 1);
    if (s && vigil_pipeline_print(p, flags, s, need + 1, &need) != VIGIL_OK) {
        free(s);
        s = NULL;
    }
    return s;
}

/* ---- builders -------------------------------------------------------------------------------- */

/* Prefix the library's message with the key that caused it. */
static int keyed(int rc, const char *key)
{
    if (rc == VIGIL_OK || rc == VIGIL_ENOMEM)
        return rc;
    char msg[400];
    snprintf(msg, sizeof msg, "%s", vigil_last_error());
    return vigil__fail(rc, "%s: %s", key, msg);
}

int vigil_pipeline_create_extractor(const vigil_pipeline *p, vigil_extractor **out)
{
    if (out)
        *out = NULL;
    if (!p || !out)
        return vigil__status(VIGIL_EINVAL);
    int rc = vigil_pipeline_check(p);
    if (rc)
        return rc;
    if (vigil_pipeline_rows(p))
        return vigil__fail(VIGIL_EINVAL, "source: rows are precomputed: no extractor to build");
    const double rate = vigil_pipeline_rate(p);
    if (!(rate > 0.0))
        return vigil__fail(VIGIL_EINVAL, "rate: not set (a sample source needs the sample rate)");
    vigil_extractor *ex = NULL;
    rc = keyed(vigil_extractor_create(rate, vigil_pipeline_frame(p), &ex), "frame");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_extractor_set_hop(ex, vigil_pipeline_hop(p)), "hop");
    const char *bands = val(p, "bands");
    if (rc == VIGIL_OK && strcmp(bands, "octaves") == 0) {
        /* the four octaves below the Nyquist frequency: [0, fs/16), ..., [fs/4, fs/2) */
        const double e[5] = {0.0, rate / 16.0, rate / 8.0, rate / 4.0, rate / 2.0};
        for (int i = 0; rc == VIGIL_OK && i < 4; i++)
            rc = keyed(vigil_extractor_add_band(ex, e[i], e[i + 1]), "bands");
    } else if (rc == VIGIL_OK && strcmp(bands, "none")) {
        double lo[VIGIL_BANDS_MAX], hi[VIGIL_BANDS_MAX];
        size_t n = 0;
        rc = keyed(vigil_parse_bands(bands, lo, hi, VIGIL_BANDS_MAX, &n), "bands");
        for (size_t i = 0; rc == VIGIL_OK && i < n; i++)
            rc = keyed(vigil_extractor_add_band(ex, lo[i], hi[i]), "bands");
    }
    if (rc == VIGIL_OK && has_bearing(p)) {
        double b[4];
        rc = keyed(vigil_parse_bearing(val(p, "bearing"), &b[0], &b[1], &b[2], &b[3]), "bearing");
        if (rc == VIGIL_OK)
            rc = keyed(vigil_extractor_set_bearing(ex, b[0], b[1], b[2], b[3]), "bearing");
    }
    if (rc == VIGIL_OK && num(p, "shaft.hz") > 0.0)
        rc = keyed(vigil_extractor_set_shaft_hz(ex, num(p, "shaft.hz")), "shaft.hz");
    if (rc == VIGIL_OK && strcmp(val(p, "shaft.range"), "default")) {
        double lo, hi;
        range_of(val(p, "shaft.range"), &lo, &hi);
        rc = keyed(vigil_extractor_set_shaft_range(ex, lo, hi), "shaft.range");
    }
    if (rc == VIGIL_OK && has_bearing(p)) {
        const char *eb = val(p, "envelope.band");
        double lo = 0.0, hi = rate; /* full: from bin 1 to the top bin */
        if (strcmp(eb, "auto") == 0)
            hi = 0.0;
        else if (strcmp(eb, "full"))
            range_of(eb, &lo, &hi);
        rc = keyed(vigil_extractor_enable_envelope(ex, lo, hi), "envelope.band");
    }
    if (rc == VIGIL_OK && on(p, "orders"))
        rc = keyed(vigil_extractor_enable_orders(ex), "orders");
    if (rc == VIGIL_OK && on(p, "severity"))
        rc = keyed(vigil_extractor_enable_severity(ex, vigil_units_parse(val(p, "severity.units")),
                                                   vigil_machine_class_parse(
                                                       val(p, "severity.class"))),
                   "severity");
    if (rc) {
        vigil_extractor_destroy(ex);
        return rc;
    }
    *out = ex;
    return VIGIL_OK;
}

/* Name a layout for messages: "N columns (a,b,c,...)". */
static void describe_layout(char *buf, size_t cap, const char *const *names, size_t n)
{
    int w = snprintf(buf, cap, "%zu columns (", n);
    size_t len = w > 0 ? (size_t)w : 0;
    for (size_t i = 0; i < n && len + 8 < cap; i++) {
        w = snprintf(buf + len, cap - len, "%s%s", i ? "," : "", names[i]);
        if (w < 0 || (size_t)w >= cap - len) {
            len = cap - 5;
            break;
        }
        len += (size_t)w;
    }
    snprintf(buf + len, cap - len, len + 5 >= cap ? "...)" : ")");
}

int vigil__layout_mismatch(const char *const *want, size_t nwant, const char *const *got,
                           size_t ngot)
{
    size_t i = 0;
    while (i < nwant && i < ngot && strcmp(want[i], got[i]) == 0)
        i++;
    if (i == nwant && i == ngot)
        return VIGIL_OK;
    char a[600], b[600];
    describe_layout(a, sizeof a, want, nwant);
    describe_layout(b, sizeof b, got, ngot);
    return vigil__fail(VIGIL_EMISMATCH, "the model's rows are %s; the rows offered are %s; "
                       "first difference at column %zu", a, b, i);
}

/* Split a canonical comma list into pointers into a copy (caller frees *store). */
static int split_list(const char *v, char **store, const char **items, size_t cap, size_t *n)
{
    *n = 0;
    if (!(*store = dup_str(v)))
        return VIGIL_ENOMEM;
    for (char *s = *store, *e; s && *n < cap; s = e ? e + 1 : NULL) {
        e = strchr(s, ',');
        if (e)
            *e = '\0';
        items[(*n)++] = s;
    }
    return VIGIL_OK;
}

/* Apply the monitor.* keys to a monitor just created. */
static int configure_monitor(const vigil_pipeline *p, vigil_monitor *m)
{
    int rc = VIGIL_OK;
    const char *feat = val(p, "monitor.features");
    if (strcmp(feat, "default")) {
        char *store;
        const char **items = malloc(4096 * sizeof *items);
        size_t n = 0;
        rc = items ? split_list(feat, &store, items, 4096, &n) : VIGIL_ENOMEM;
        if (rc == VIGIL_OK) {
            rc = keyed(vigil_monitor_select(m, items, n), "monitor.features");
            free(store);
        }
        free(items);
    }
    const char *dirs = val(p, "monitor.directions");
    if (rc == VIGIL_OK && strcmp(dirs, "default")) {
        char *store = dup_str(dirs);
        if (!store)
            return VIGIL_ENOMEM;
        for (char *s = store, *e; rc == VIGIL_OK && s; s = e ? e + 1 : NULL) {
            e = strchr(s, ',');
            if (e)
                *e = '\0';
            char *colon = strrchr(s, ':');
            *colon = '\0';
            rc = keyed(vigil_monitor_set_direction(m, s, vigil_direction_parse(colon + 1)),
                       "monitor.directions");
        }
        free(store);
    }
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_conditions(m, (size_t)num(p, "monitor.conditions")),
                   "monitor.conditions");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_seed(m, (uint64_t)num(p, "monitor.seed")), "monitor.seed");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_quantile(m, num(p, "monitor.quantile")), "monitor.quantile");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_threshold_mode(
                       m, vigil_threshold_mode_parse(val(p, "monitor.threshold"))),
                   "monitor.threshold");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_scale_floor(m, num(p, "monitor.scale_floor")),
                   "monitor.scale_floor");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_smoothing(m, num(p, "monitor.smoothing")),
                   "monitor.smoothing");
    unsigned k = 3, n = 5;
    sscanf(val(p, "monitor.persistence"), "%u/%u", &k, &n);
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_persistence(m, k, n), "monitor.persistence");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_hysteresis(m, (size_t)num(p, "monitor.warn"),
                                                num(p, "monitor.clear")),
                   "monitor.clear");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_gap(m, num(p, "monitor.gap"),
                                         vigil_gap_policy_parse(val(p, "monitor.gap_policy")),
                                         (size_t)num(p, "monitor.relearn")),
                   "monitor.gap");
    /* ---- alarm and onset-test keys (issue 16) are applied here ---- */
    /* after monitor.persistence, which selects the k-of-n rule */
    if (rc == VIGIL_OK)
        rc = vigil__pipeline_apply_alarm(p, m);
    return rc;
}

int vigil__pipeline_apply_alarm(const vigil_pipeline *p, vigil_monitor *m)
{
    int rc = keyed(vigil_monitor_set_alarm_rule(m, strcmp(val(p, "monitor.alarm"), "kofn")
                                                       ? VIGIL_ALARM_CUSUM : VIGIL_ALARM_KOFN),
                   "monitor.alarm");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_onset_test(m, num(p, "monitor.onset_p1"),
                                                num(p, "monitor.false_alarm")),
                   "monitor.onset_p1");
    if (rc == VIGIL_OK)
        rc = keyed(vigil_monitor_set_confirm(m, (size_t)num(p, "monitor.confirm"),
                                             num(p, "monitor.confirm_time")),
                   "monitor.confirm");
    /* the evidence weight follows from the framing: derived, not a key of its own */
    const size_t frame = vigil_pipeline_frame(p), hop = vigil_pipeline_hop(p);
    if (rc == VIGIL_OK && !vigil_pipeline_rows(p) && frame > 0)
        rc = keyed(vigil_monitor_set_overlap(m, frame, hop > 0 && hop <= frame ? hop : frame),
                   "hop");
    return rc;
}

int vigil_pipeline_create_monitor(const vigil_pipeline *p, const char *const *names, size_t n,
                                  vigil_monitor **out)
{
    if (out)
        *out = NULL;
    if (!p || !out || (n && !names))
        return vigil__status(VIGIL_EINVAL);
    int rc = vigil_pipeline_check(p);
    if (rc)
        return rc;
    const int kind = vigil_pipeline_detector(p);
    vigil_monitor *m = NULL;
    if (vigil_pipeline_rows(p)) {
        if (!names || n == 0)
            return vigil__fail(VIGIL_EINVAL, "source = rows: pass the column names of the rows");
        rc = vigil_monitor_create(names, n, kind, &m);
    } else {
        vigil_extractor *ex = NULL;
        rc = vigil_pipeline_create_extractor(p, &ex);
        if (rc == VIGIL_OK && names) {
            const size_t c = vigil_extractor_feature_count(ex);
            const char **own = malloc(c * sizeof *own);
            if (!own)
                rc = vigil__status(VIGIL_ENOMEM);
            for (size_t i = 0; own && i < c; i++)
                own[i] = vigil_extractor_feature_name(ex, i);
            if (own)
                rc = vigil__layout_mismatch(own, c, names, n);
            free(own);
        }
        if (rc == VIGIL_OK)
            rc = vigil_monitor_create_for_extractor(ex, kind, &m);
        vigil_extractor_destroy(ex);
    }
    if (rc == VIGIL_OK)
        rc = configure_monitor(p, m);
    if (rc == VIGIL_OK)
        rc = vigil__monitor_attach_pipeline(m, p);
    if (rc) {
        vigil_monitor_destroy(m);
        return rc == VIGIL_ENOMEM ? vigil__status(rc) : rc;
    }
    *out = m;
    return VIGIL_OK;
}

/* ---- the monitor's side ------------------------------------------------------------------- */

int vigil__pipeline_sync_monitor(vigil_pipeline *p, const vigil_monitor *m)
{
    char v[VALUE_MAX];
    int rc = vigil_pipeline_set(p, "monitor.detector", vigil_detector_name(vigil_monitor_kind(m)));
    /* features: "default" when the selection is the default one of these columns */
    const size_t ncols = vigil_monitor_column_count(m), nsel = vigil_monitor_feature_count(m);
    const char **colnames = malloc((ncols ? ncols : 1) * sizeof *colnames);
    if (!colnames)
        return VIGIL_ENOMEM;
    for (size_t i = 0; i < ncols; i++)
        colnames[i] = vigil__monitor_column_name(m, i);
    size_t *def = malloc((ncols ? ncols : 1) * sizeof *def), ndef = 0;
    if (!def) {
        free(colnames);
        return VIGIL_ENOMEM;
    }
    const int shaft_known = !vigil_pipeline_rows(p) && has_bearing(p) && num(p, "shaft.hz") > 0.0;
    vigil__default_selection(colnames, ncols, shaft_known, def, &ndef);
    int same = ndef == nsel;
    for (size_t i = 0; same && i < nsel; i++)
        same = strcmp(colnames[def[i]], vigil_monitor_feature_name(m, i)) == 0;
    free(def);
    free(colnames);
    size_t len = 0;
    if (same) {
        strcpy(v, "default");
    } else {
        v[0] = '\0';
        for (size_t i = 0; i < nsel && len < sizeof v; i++) {
            int w = snprintf(v + len, sizeof v - len, "%s%s", i ? "," : "",
                             vigil_monitor_feature_name(m, i));
            len += w > 0 ? (size_t)w : 0;
        }
        if (len >= sizeof v)
            return vigil__fail(VIGIL_ESPACE, "monitor.features: the selection is longer than "
                               "%d bytes", VALUE_MAX - 1);
    }
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "monitor.features", v);
    /* directions that differ from the column tables' */
    len = 0;
    v[0] = '\0';
    for (size_t i = 0; i < nsel && len < sizeof v; i++) {
        const char *name = vigil_monitor_feature_name(m, i);
        int dir = vigil_monitor_direction(m, i), want = VIGIL_DIR_BOTH;
        vigil_column_facts(name, &want, NULL, NULL, NULL);
        if (dir != want) {
            int w = snprintf(v + len, sizeof v - len, "%s%s:%s", len ? "," : "", name,
                             vigil_direction_name(dir));
            len += w > 0 ? (size_t)w : 0;
        }
    }
    if (len >= sizeof v)
        return vigil__fail(VIGIL_ESPACE, "monitor.directions: longer than %d bytes",
                           VALUE_MAX - 1);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "monitor.directions", len ? v : "default");
    vigil__monitor_settings s;
    vigil__monitor_get_settings(m, &s);
    char a[64];
#define SETNUM(key, x) \
    (print_number(a, sizeof a, (double)(x)), rc == VIGIL_OK ? vigil_pipeline_set(p, key, a) : rc)
    rc = SETNUM("monitor.conditions", vigil_monitor_conditions(m));
    rc = SETNUM("monitor.seed", s.seed);
    rc = SETNUM("monitor.quantile", s.quantile);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "monitor.threshold", vigil_threshold_mode_name(s.thr_mode));
    rc = SETNUM("monitor.scale_floor", s.rel_floor);
    rc = SETNUM("monitor.smoothing", s.alpha);
    snprintf(a, sizeof a, "%zu/%zu", s.k, s.n);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "monitor.persistence", a);
    rc = SETNUM("monitor.warn", s.k_warn);
    rc = SETNUM("monitor.clear", s.clear);
    if (s.gap == 0.0)
        strcpy(a, "auto");
    else if (isinf(s.gap))
        strcpy(a, "never");
    else
        print_number(a, sizeof a, s.gap);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "monitor.gap", a);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "monitor.gap_policy", vigil_gap_policy_name(s.gap_policy));
    rc = SETNUM("monitor.relearn", s.relearn);
#undef SETNUM
#define SETNUM2(key, x) \
    (print_number(a, sizeof a, (double)(x)), rc == VIGIL_OK ? vigil_pipeline_set(p, key, a) : rc)
    /* ---- alarm and onset-test keys (issue 16) are read back here ---- */
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "monitor.alarm",
                                s.alarm_rule == VIGIL_ALARM_KOFN ? "kofn" : "cusum");
    rc = SETNUM2("monitor.onset_p1", s.p1);
    rc = SETNUM2("monitor.false_alarm", s.fa_frames);
    rc = SETNUM2("monitor.confirm", s.confirm);
    rc = SETNUM2("monitor.confirm_time", s.confirm_s);
#undef SETNUM2
    return rc;
}

/* ---- version-1 model notes -------------------------------------------------------------------
 * Before the specification was part of the model file each host wrote its framing into the
 * free-text note; these readers turn the two framing notes into a pipeline so that the files
 * already deployed keep working:
 *   the command (and Python for extractor-made monitors): "rows=0|1\nrate=..\nframe=..\nhop=..\n
 *     hop_given=..\ncommon_mode=..\ncolumn=..\nbands=..\ntime_column=..\ncondition_column=..\n"
 *   the gateway: "vigil-gateway-1 machine=M channel=C rate=R frame=N hop=H bands=LO-HI,..."
 *     (machine and channel %XX-encoded). */

/* Value of "key=" on its own line of a command note, copied into buf; NULL if absent. */
static const char *note_line(const char *note, const char *key, char *buf, size_t cap)
{
    const size_t kl = strlen(key);
    for (const char *p = note; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl = len - kl - 1;
            if (vl >= cap)
                return NULL;
            memcpy(buf, p + kl + 1, vl);
            buf[vl] = '\0';
            return buf;
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

static int from_command_note(const char *note, vigil_pipeline *p)
{
    char v[VALUE_MAX];
    const int rows = note_line(note, "rows", v, sizeof v) && strcmp(v, "1") == 0;
    int rc = vigil_pipeline_set(p, "source", rows ? "rows" : "samples");
    if (!rows) {
        if (!note_line(note, "rate", v, sizeof v) || !(strtod(v, NULL) > 0.0))
            return vigil__fail(VIGIL_EFORMAT, "rate: the note of this model has no sample rate");
        static const char *const keys_[][2] = {{"rate", "rate"}, {"frame", "frame"},
                                               {"column", "column"}, {"bands", "bands"}};
        for (size_t i = 0; rc == VIGIL_OK && i < COUNT(keys_); i++)
            if (note_line(note, keys_[i][0], v, sizeof v) && v[0])
                rc = vigil_pipeline_set(p, keys_[i][1], v);
        char given[8];
        if (rc == VIGIL_OK && note_line(note, "hop_given", given, sizeof given) &&
            strcmp(given, "1") == 0 && note_line(note, "hop", v, sizeof v))
            rc = vigil_pipeline_set(p, "hop", v);
    } else {
        if (rc == VIGIL_OK && note_line(note, "condition_column", v, sizeof v) && v[0])
            rc = vigil_pipeline_set(p, "condition.column", v);
        if (rc == VIGIL_OK && note_line(note, "common_mode", v, sizeof v) && strcmp(v, "0"))
            rc = vigil_pipeline_set(p, "monitor.common_mode", v);
    }
    if (rc == VIGIL_OK && note_line(note, "time_column", v, sizeof v) && v[0])
        rc = vigil_pipeline_set(p, "time.column", v);
    return rc;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* %XX-decode in place; -1 on a malformed escape or an encoded NUL. */
static int percent_decode(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '%') {
            *w++ = *r;
            continue;
        }
        int hi = hex_digit(r[1]), lo = hi < 0 ? -1 : hex_digit(r[2]);
        if (lo < 0 || (hi == 0 && lo == 0))
            return -1;
        *w++ = (char)(hi * 16 + lo);
        r += 2;
    }
    *w = '\0';
    return 0;
}

static int from_gateway_note(const char *note, vigil_pipeline *p)
{
    char copy[VALUE_MAX];
    if (strlen(note) >= sizeof copy)
        return vigil__fail(VIGIL_EFORMAT, "gateway note longer than %d bytes", VALUE_MAX - 1);
    strcpy(copy, note);
    int rc = VIGIL_OK, have = 0;
    char *save = NULL;
    strtok_r(copy, " ", &save); /* the tag */
    for (char *tok; rc == VIGIL_OK && (tok = strtok_r(NULL, " ", &save));) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return vigil__fail(VIGIL_EFORMAT, "gateway note: '%.40s' is not key=value", tok);
        *eq++ = '\0';
        static const char *const known[] = {"machine", "channel", "rate", "frame", "hop",
                                            "bands"};
        int k = -1;
        for (size_t i = 0; i < COUNT(known); i++)
            if (strcmp(tok, known[i]) == 0)
                k = (int)i;
        if (k < 0)
            return vigil__fail(VIGIL_EFORMAT, "gateway note: unknown field '%.40s'", tok);
        if (k < 2 && percent_decode(eq) != 0)
            return vigil__fail(VIGIL_EFORMAT, "gateway note: bad %s name", tok);
        have |= 1 << k;
        if (k == 5 && !*eq)
            continue; /* no bands */
        rc = vigil_pipeline_set(p, tok, eq);
    }
    if (rc == VIGIL_OK && (have & 0x1f) != 0x1f)
        return vigil__fail(VIGIL_EFORMAT, "gateway note lacks machine, channel, rate, frame or "
                           "hop");
    if (rc == VIGIL_OK && (have & 0x20) == 0)
        rc = vigil_pipeline_set(p, "bands", "none");
    return rc;
}

int vigil__pipeline_from_note(const char *note, vigil_pipeline **out)
{
    *out = NULL;
    const int command = strncmp(note, "rows=", 5) == 0;
    const int gateway = strncmp(note, "vigil-gateway-1 ", 16) == 0;
    if (!command && !gateway)
        return 0;
    vigil_pipeline *p;
    int rc = vigil_pipeline_create(&p);
    if (rc)
        return rc;
    rc = command ? from_command_note(note, p) : from_gateway_note(note, p);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_check(p);
    if (rc) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        vigil_pipeline_destroy(p);
        return rc == VIGIL_ENOMEM ? rc
                                  : vigil__fail(VIGIL_EFORMAT, "vigil model (format 1): its note "
                                                "does not say how its rows were made: %s", msg);
    }
    *out = p;
    return 1;
}
