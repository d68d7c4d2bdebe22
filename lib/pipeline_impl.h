/* Internal: the joins between the pipeline specification, the column tables and the monitor
 * (pipeline.c, columns.c, monitor.c, monitor_io.c). */
#ifndef VIGIL_LIB_PIPELINE_IMPL_H
#define VIGIL_LIB_PIPELINE_IMPL_H

#include "vigil/monitor.h"
#include "vigil/pipeline.h"

#include <stddef.h>
#include <stdint.h>

/* The canonical text (vigil_pipeline_print), malloc'ed; NULL when out of memory. */
char *vigil__pipeline_text(const vigil_pipeline *p, int flags);

/* VIGIL_OK when got equals want, else VIGIL_EMISMATCH with both layouts in the message. */
int vigil__layout_mismatch(const char *const *want, size_t nwant, const char *const *got,
                           size_t ngot);

/* Default selection of a row's columns (indices into names, ascending) by the column tables.
 * shaft_known: the row's envelope columns were computed at a configured shaft rate (bearing-aware
 * defaults: the defect-line amplitudes join the selection). */
void vigil__default_selection(const char *const *names, size_t n, int shaft_known, size_t *idx,
                              size_t *count);

/* Settings of a monitor the pipeline reads back. */
typedef struct vigil__monitor_settings {
    uint64_t seed;
    double quantile, alpha, clear, gap, rel_floor;
    int thr_mode, gap_policy;
    size_t k, n, k_warn, relearn;
    /* issue 16: the alarm rule and the onset test */
    int alarm_rule;
    double p1, fa_frames, confirm_s;
    size_t confirm;
} vigil__monitor_settings;
void vigil__monitor_get_settings(const vigil_monitor *m, vigil__monitor_settings *s);
const char *vigil__monitor_column_name(const vigil_monitor *m, size_t i);

/* Set the monitor.* keys of p from m. VIGIL_OK, VIGIL_ENOMEM, VIGIL_ESPACE. */
int vigil__pipeline_sync_monitor(vigil_pipeline *p, const vigil_monitor *m);
/* Apply the monitor.alarm / onset_p1 / false_alarm / confirm / confirm_time keys of p to m
 * (issue 16). VIGIL_OK or a status with the key's name. */
int vigil__pipeline_apply_alarm(const vigil_pipeline *p, vigil_monitor *m);
/* Keep a copy of p in m (replacing any), after checking that p's sample rows are m's columns. */
int vigil__monitor_attach_pipeline(vigil_monitor *m, const vigil_pipeline *p);

/* A pipeline from the free-text note of a version-1 model file (the notes the command, the
 * gateway and Python wrote). Returns 1 with *out set when the note is one of them, 0 when it is
 * not (*out NULL), VIGIL_EFORMAT when it is one but lacks what rebuilds the rows, VIGIL_ENOMEM. */
int vigil__pipeline_from_note(const char *note, vigil_pipeline **out);

#endif
