/* Internal: optional groups of columns appended to an extractor's row (envelope, shaft orders,
 * severity, ...). A new group is one implementation of this small interface plus one public
 * setter that calls vigil__extractor_add_group(); the extractor does the framing, the FFT and the
 * bookkeeping of names, memory and the row queue. */
#ifndef VIGIL_LIB_FEATURE_GROUP_H
#define VIGIL_LIB_FEATURE_GROUP_H

#include "vigil/common_mode.h"
#include "vigil/extractor.h"
#include "vigil/monitor.h"

#include <stddef.h>

/* Everything a group may read about the current frame. All arrays are owned by the extractor
 * and valid only during compute(). */
typedef struct vigil__frame {
    const double *x;      /* the N raw samples of the frame */
    size_t n;             /* N */
    double rate;          /* Hz */
    double mean;          /* mean of x */
    const double *spec;   /* r2c FFT of (x - mean) * hann, interleaved (re, im), n/2+1 bins */
    const double *psd;    /* one-sided PSD (FEATURES.md), n/2+1 bins, units^2/Hz */
    size_t nbins;         /* n/2 + 1 */
    double df;            /* rate / n */
    double s1, s2;        /* sum of the Hann window, sum of its squares */
} vigil__frame;

typedef struct vigil__group_ops {
    /* Write the group's columns for one frame into out[0..width). Must not allocate. */
    void (*compute)(void *self, const vigil__frame *f, double *out);
    /* Optional: clear stream state (called by vigil_extractor_reset). */
    void (*reset)(void *self);
    /* Free self (called by vigil_extractor_destroy, or on a failed add). */
    void (*destroy)(void *self);
    /* Optional: heap bytes owned by self. */
    size_t (*memory)(const void *self);
} vigil__group_ops;

/* Facts about one column, declared once in the table of the group that computes it (see
 * vigil_column_facts()): fault direction (VIGIL_DIR_*), common-mode kind (VIGIL_COMMON_*),
 * whether the monitor selects it by default, and its unit ("" dimensionless; "signal" is the
 * unit of the samples). */
typedef struct vigil__column {
    const char *name;
    int direction;
    int common;
    int selected; /* 0, 1, or VIGIL__SEL_SHAFT_KNOWN */
    const char *unit;
} vigil__column;

/* selected: only when the shaft rate is configured, not estimated per frame (a line amplitude
 * at a defect frequency is a health measure only when the line is looked for at the right
 * frequency; see vigil__default_selection). */
#define VIGIL__SEL_SHAFT_KNOWN 2

/* The tables (columns.c holds the base row's and lists every group's). */
#define VIGIL__BASE_COLUMNS 21
extern const vigil__column vigil__base_columns[VIGIL__BASE_COLUMNS];
extern const vigil__column vigil__envelope_columns[];
extern const vigil__column vigil__orders_columns[];
extern const vigil__column vigil__severity_columns[];

/* Append a group of `width` columns described by cols[0..width). The extractor takes ownership of
 * self (destroying it through ops->destroy on failure too). Only before the first push:
 * VIGIL_ESTATE otherwise. At most VIGIL__GROUPS_MAX groups. */
#define VIGIL__GROUPS_MAX 8
int vigil__extractor_add_group(vigil_extractor *ex, const vigil__group_ops *ops, void *self,
                               size_t width, const vigil__column *cols);

/* Facts about the machine that several groups read (bearing geometry, shaft rate). Owned by the
 * extractor, so that the public setters may be called before or after the groups are enabled;
 * groups keep the pointer (valid for the extractor's life) and read it in compute(). */
typedef struct vigil__machine {
    int has_bearing;            /* set_bearing called */
    double balls, d, pitch, angle_deg;
    double shaft_hz;            /* 0: estimate from each frame's spectrum */
    double shaft_lo, shaft_hi;  /* range of the estimate, Hz; 0, 0: the default range */
} vigil__machine;
vigil__machine *vigil__extractor_machine(vigil_extractor *ex);

/* Does the extractor compute the envelope group at a configured (not estimated) shaft rate? */
int vigil__extractor_shaft_known(const vigil_extractor *ex);
/* VIGIL_OK, or VIGIL_EINVAL / VIGIL_ESTATE (with message) as the public setters report. */
int vigil__extractor_configurable(const vigil_extractor *ex);
/* Make the extractor a framer for its groups only: each completed frame is computed into one
 * scratch row (the groups see it as usual) but never queued, so a push is never limited by the
 * queue. For stages that keep their own state per recording (the diagnosis' averages). */
void vigil__extractor_rowless(vigil_extractor *ex);

#endif
