/* Internal: the monitor's state, shared by monitor.c (behaviour) and monitor_io.c (save/load). */
#ifndef VIGIL_LIB_MONITOR_IMPL_H
#define VIGIL_LIB_MONITOR_IMPL_H

#include "alarm_impl.h"
#include "detector.h"
#include "vigil/alarm.h"
#include "vigil/drift.h"
#include "vigil/monitor.h"
#include "vigil/pipeline.h"
#include "vigil/prognosis.h"

#define VIGIL__AUTO_INTERVALS 15

/* One event's explanation, kept in a ring in step with the alarm's event queue (issue 16). */
typedef struct vigil__explained {
    size_t count;
    size_t feature[VIGIL_EXPLAIN_MAX];
    double z[VIGIL_EXPLAIN_MAX];
} vigil__explained;

typedef struct vigil__cond {
    double *med, *scale;    /* baseline per selected feature */
    double thr;
    vigil__detector *det;
    double *rows;           /* learnt rows (selected values), freed at fit */
    size_t nrows, caprows;
    double *reref;          /* relearn rows after a gap (REREF) */
    size_t nreref;
} vigil__cond;

struct vigil_monitor {
    size_t ncols;
    char **names;
    size_t nsel;
    size_t *sel;            /* selected column indices */
    int *dir;               /* VIGIL_DIR_* per selected feature */
    int kind;
    size_t nconds;
    vigil__cond cond[VIGIL_CONDITIONS_MAX];
    uint64_t seed;
    double quantile;
    int thr_mode;
    double alpha;
    size_t k, n, k_warn;
    double clear;
    int alarm_rule;         /* VIGIL_ALARM_* */
    double p1, fa_frames;   /* CUSUM: degraded exceedance rate, false-alarm period */
    size_t confirm;         /* CUSUM: frames beyond the burst decay */
    double confirm_s;       /* CUSUM: seconds */
    double evidence_w;      /* CUSUM: a frame's evidence weight from the framing (1: none) */
    double gap;
    int gap_policy;
    size_t relearn;
    double horizon;
    double rel_floor;       /* scale >= rel_floor * |median| */
    int fitted;
    char *note;             /* NULL: none */
    vigil_pipeline *spec;   /* how the rows are made (pipeline.h); NULL: rows source */

    /* stream state */
    vigil_alarm *alarm;
    vigil_drift **drift;
    double *z, *contrib;    /* scratch, nsel */
    double last_score, last_thr, last_health, t2, spe;
    int top, scored;
    int have_t;
    double last_t;
    double intervals[VIGIL__AUTO_INTERVALS];
    size_t nint;
    double auto_gap;
    size_t gaps;
    int reref_cond;         /* condition re-learning its medians, -1 none */
    /* machine-gated re-referencing (machine.c): after each gap the relearn rows are held and
     * the medians change only if the machine's channels stepped together */
    int reref_gated;        /* set by the machine */
    int reref_ready;        /* condition + 1 whose rows await the machine's verdict, 0 none */
    /* time-quirk policy (vigil_monitor_counter()): the previous accepted row, to drop an
     * exact duplicate, and what happened to the rows offered since fit/reset */
    double *prev;           /* nsel selected values of the last accepted row */
    size_t prev_cond;
    double t_shift;         /* added to row times for the drift trackers (monotone clock) */
    size_t counts[VIGIL_COUNTER_COUNT];
    /* event explanations (monitor_explain.c): per feature the signed z of largest |z| in the
     * current episode, and a ring of the explanations of the events still queued (its newest
     * entries match the alarm queue's newest events; an older event may have none) */
    double *peak_z;         /* nsel */
    int in_episode;
    vigil__explained *xring; /* VIGIL__ALARM_EVENTS_MAX entries, made at fit/load */
    size_t x_head, x_count;
    /* prognosis (issue 15, prognosis.c): fed after each scored row; NULL: none */
    vigil_prognoser *prog;
    long prog_col;          /* column of the indicator, -1: the monitor's score */
};

/* 1 if a column name can be listed in a specification (no control character, no ','). */
int vigil__column_name_ok(const char *name);
/* Allocate a monitor with names copied and defaults, no selection. */
int vigil__monitor_new(const char *const *names, size_t n, int kind, vigil_monitor **out);
/* Create drift trackers, configure the alarm, mark fitted and reset the stream. */
int vigil__monitor_prepare(vigil_monitor *m);
/* (Re)allocate the per-feature arrays (sel, dir, scratch) for nsel features. */
int vigil__monitor_alloc_selection(vigil_monitor *m, size_t nsel);
/* A gated re-reference (reref_gated) whose relearn rows are in: commit != 0 replaces the
 * condition's medians by those rows' (scales kept), 0 drops them. No-op when none waits. */
void vigil__monitor_reref_verdict(vigil_monitor *m, int commit);
/* Set an alarm's rule and onset-test parameters from the monitor's settings (issue 16). */
int vigil__monitor_configure_alarm(const vigil_monitor *m, vigil_alarm *a);
/* A machine's channels (lib/machine.c, issue 16): a monitor's payload (its sections, the
 * prognoser's too) appended to w, and a monitor from such a payload (the format-2 reader). */
struct vigil__wbuf;
int vigil__monitor_payload(const vigil_monitor *m, int flags, struct vigil__wbuf *w);
int vigil__monitor_load_payload(const unsigned char *payload, size_t n, vigil_monitor **out);
/* Explanations (monitor_explain.c): make the ring (fit/load), clear the episode and ring
 * (reset), follow a scored row whose alarm update queued `raised` events, pop in step with the
 * alarm queue (`queued`: its count before the pop; out may be NULL). */
int vigil__explain_prepare(vigil_monitor *m);
void vigil__explain_reset(vigil_monitor *m);
void vigil__explain_row(vigil_monitor *m, int state, size_t raised);
void vigil__explain_pop(vigil_monitor *m, size_t queued, vigil__explained *out);
/* The explanation state of a saved stream (monitor_io.c, layout 4): the episode's peaks and
 * the queued explanations. load: at most `queued` of them (the alarm's restored queue);
 * VIGIL_OK or VIGIL_EFORMAT. */
void vigil__explain_save(const vigil_monitor *m, struct vigil__wbuf *w);
int vigil__explain_load(vigil_monitor *m, struct vigil__rbuf *r, size_t queued);
/* The default fault direction of a feature name. */
int vigil__default_direction(const char *name);

/* The calibration of a threshold from out-of-fold healthy scores (issue 16): a generalised
 * Pareto tail fitted by peaks over threshold to the top TAIL_SHARE of the scores (at least
 * TAIL_MIN of them), its shape clamped to [0, TAIL_XI_MAX], extrapolated to the q-quantile;
 * never below the empirical q-quantile. docs/MODELS.md, "Calibration". */
#define TAIL_SHARE 0.10
#define TAIL_MIN 10
#define TAIL_XI_MAX 0.5
typedef struct vigil__tail_fit {
    double u, sigma, xi; /* the tail's start and the fitted scale and shape; NAN: no fit */
    size_t excesses;     /* scores above u used by the fit (0: no fit) */
    double empirical;    /* the plain q-quantile of the scores */
} vigil__tail_fit;
/* The calibrated q-quantile of s[0..n) (sorted in place, n >= 1, 0.5 <= q < 1); fills fit if
 * not NULL. */
double vigil__tail_quantile(double *s, size_t n, double q, vigil__tail_fit *fit);

/* Bearing-aware defaults (issue 16): a monitor that has learnt nothing and still holds the
 * plain default selection of its columns takes the bearing-aware one (vigil__default_selection
 * with shaft_known) when a specification with a bearing and a shaft rate is attached, as if it
 * had been made from that specification. Otherwise nothing changes. VIGIL_OK or VIGIL_ENOMEM. */
int vigil__monitor_bearing_defaults(vigil_monitor *m);

#endif
