/* Per-column facts (include/vigil/pipeline.h, vigil_column_facts): the base columns' table
 * here, each feature group's table in its own module (feature_group.h), and the one place
 * where a column that no extractor makes (a historian's "B1_x_rms") has its facts guessed
 * from its name. Read by the monitor (default selection, fault directions) and by the common
 * mode (ratio or difference). */
#include "feature_group.h"
#include "pipeline_impl.h"
#include "status.h"
#include "vigil/common_mode.h"
#include "vigil/envelope.h"
#include "vigil/monitor.h"
#include "vigil/orders.h"
#include "vigil/severity.h"
#include "vigil/pipeline.h"

#include <string.h>

#define UP VIGIL_DIR_UP
#define BOTH VIGIL_DIR_BOTH
#define RATIO VIGIL_COMMON_RATIO
#define DIFF VIGIL_COMMON_DIFF
#define NONE VIGIL_COMMON_NONE

/* The extractor's base row (FEATURES.md order). Selected by default: level (rms, peak) and
 * impulsiveness (crest, kurtosis, impulse, clearance, shape), which grow when a rolling bearing
 * degrades whatever the machine. Spectral shape (centroid, spread, flatness, entropy), skewness,
 * mean, zcr and peak_freq move with temperature, lubrication and operating point at least as
 * much as with health (on the PRONOSTIA rig the spectral centroid wanders by a factor of 2.5 in
 * the first half hour of a healthy run); p2p, std and power duplicate rms/peak. Common mode:
 * values in the signal's units scale with load or gain (ratio); dimensionless or signed ones
 * shift (difference). */
const vigil__column vigil__base_columns[VIGIL__BASE_COLUMNS] = {
    {"frame", BOTH, NONE, 0, ""},
    {"t_start", BOTH, NONE, 0, "s"},
    {"mean", BOTH, DIFF, 0, "signal"},
    {"rms", UP, RATIO, 1, "signal"},
    {"std", UP, RATIO, 0, "signal"},
    {"peak", UP, RATIO, 1, "signal"},
    {"p2p", UP, RATIO, 0, "signal"},
    {"crest", UP, DIFF, 1, ""},
    {"kurtosis", UP, DIFF, 1, ""},
    {"skewness", BOTH, DIFF, 0, ""},
    {"shape", UP, DIFF, 1, ""},
    {"impulse", UP, DIFF, 1, ""},
    {"clearance", UP, DIFF, 1, ""},
    {"zcr", BOTH, DIFF, 0, ""},
    {"power", UP, RATIO, 0, "signal^2"},
    {"centroid", BOTH, DIFF, 0, "Hz"},
    {"spread", BOTH, DIFF, 0, "Hz"},
    {"flatness", BOTH, DIFF, 0, ""},
    {"entropy", BOTH, DIFF, 0, ""},
    {"peak_freq", BOTH, DIFF, 0, "Hz"},
    {"peak_amp", UP, RATIO, 0, "signal"},
};

/* Every band_LO_HI column: energy in a band grows with a fault there. */
static const vigil__column band_column = {"band_", UP, RATIO, 1, "signal^2"};

/* The groups' tables; a new group adds its table here. */
static const struct {
    const vigil__column *cols;
    size_t n;
} group_tables[] = {
    {vigil__base_columns, VIGIL__BASE_COLUMNS},
    {vigil__envelope_columns, VIGIL_ENVELOPE_COLS},
    {vigil__orders_columns, VIGIL_ORDERS_COLS},
    {vigil__severity_columns, VIGIL_SEVERITY_COLS},
};

static const vigil__column *table_column(const char *name)
{
    if (strncmp(name, "band_", 5) == 0)
        return &band_column;
    for (size_t t = 0; t < sizeof group_tables / sizeof group_tables[0]; t++)
        for (size_t i = 0; i < group_tables[t].n; i++)
            if (strcmp(group_tables[t].cols[i].name, name) == 0)
                return &group_tables[t].cols[i];
    return NULL;
}

/* ---- guessing, for columns no extractor makes ------------------------------------------------
 * A historian names its columns after the channel and the statistic ("B1_x_rms"): the part after
 * the last '_' says what the value is. */

static int is_meta_name(const char *name)
{
    return strcmp(name, "frame") == 0 || strcmp(name, "t_start") == 0 ||
           strcmp(name, "time") == 0 || strcmp(name, "timestamp") == 0;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void guess(const char *name, vigil__column *c)
{
    /* energy and impulsiveness grow as a bearing degrades; a fall is not a fault */
    static const char *const up[] = {"rms", "std", "peak", "p2p", "crest", "kurtosis", "impulse",
                                     "clearance", "clearence", "shape", "power", "peak_amp",
                                     "max", "energy"};
    /* statistics in the signal's units */
    static const char *const amplitude[] = {"rms", "std", "peak", "max", "p2p", "power",
                                            "clearence"};
    const char *base = strrchr(name, '_');
    base = base ? base + 1 : name;
    c->name = name;
    c->unit = "";
    c->selected = !is_meta_name(name);
    c->direction = strncmp(name, "env", 3) == 0 || in_list(name, up, sizeof up / sizeof *up) ||
                           in_list(base, up, sizeof up / sizeof *up)
                       ? UP
                       : BOTH;
    static const char *const ratio_inside[] = {"band_", "order_", "velocity_rms", "peak_amp"};
    c->common = DIFF;
    for (size_t i = 0; i < sizeof ratio_inside / sizeof *ratio_inside; i++)
        if (strstr(name, ratio_inside[i]))
            c->common = RATIO;
    if (strstr(name, "env_") && !strstr(name, "_prom") && !strstr(name, "env_band"))
        c->common = RATIO;
    if (in_list(base, amplitude, sizeof amplitude / sizeof *amplitude))
        c->common = RATIO;
}

int vigil_column_facts(const char *name, int *direction, int *common_mode, int *selected,
                       const char **unit)
{
    if (!name)
        return vigil__fail(VIGIL_EINVAL, "column facts: NULL name");
    vigil__column g;
    const vigil__column *c = table_column(name);
    if (!c) {
        guess(name, &g);
        c = &g;
    }
    if (direction)
        *direction = c->direction;
    if (common_mode)
        *common_mode = c->common;
    if (selected)
        *selected = c->selected == 1; /* the bearing-aware ones need the pipeline's shaft rate */
    if (unit)
        *unit = c->unit;
    return c != &g;
}

/* A historian's name for one of the base row's selected columns: the part after the last '_'
 * ("B1_x_rms", or a machine channel's "x_max") is a level or impulsiveness statistic, under the
 * spellings such tables use (max for peak; the IMS table's "clearence"). */
static int historian_selected(const char *name)
{
    static const char *const level_impulse[] = {"rms", "peak", "max", "crest", "kurtosis",
                                                "impulse", "clearance", "clearence", "shape"};
    const char *base = strrchr(name, '_');
    return base && in_list(base + 1, level_impulse, sizeof level_impulse / sizeof *level_impulse);
}

void vigil__default_selection(const char *const *names, size_t n, int shaft_known, size_t *idx,
                              size_t *count)
{
    /* The tables' selection when the row has any of it; else the same statistics under a
     * historian's names (issue 16: a machine's channels "x_rms", "y_kurtosis", ...); else (a
     * historian's table of other values) every column except the frame index and the time. */
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        const vigil__column *c = table_column(names[i]);
        if (c && (c->selected == 1 || (shaft_known && c->selected == VIGIL__SEL_SHAFT_KNOWN)))
            idx[(*count)++] = i;
    }
    const int have_table = *count > 0;
    for (size_t i = 0; i < n && !have_table; i++)
        if (historian_selected(names[i]))
            idx[(*count)++] = i;
    if (*count)
        return;
    for (size_t i = 0; i < n; i++)
        if (!is_meta_name(names[i]))
            idx[(*count)++] = i;
}
