/* Per-recording diagnosis: an averaging stage on an extractor's framer (half-overlapping frames
 * by default) that sums envelope spectra, amplitude spectra and velocity power, then estimates
 * the shaft rate and names the fault by the documented rules (docs/DIAGNOSTICS.md). */
#include "vigil/diagnose.h"

#include "vigil/bearing.h"
#include "vigil/extractor.h"
#include "vigil/severity.h"
#include "bearing.h"
#include "envelope.h"
#include "evidence.h"
#include "feature_group.h"
#include "frame_features.h"
#include "orders.h"
#include "severity.h"
#include "spectrum.h"
#include "status.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The averaging stage: a group of no columns on the diagnosis' own extractor, which does the
 * framing, validation, window and FFT. Per frame it adds the envelope spectrum, the amplitude
 * spectrum and the velocity power to the recording's sums. */
typedef struct averager {
    vigil__env *envelope;
    size_t n, nbins;
    double *env;               /* this frame's envelope spectrum */
    double *env_sum, *amp_sum; /* sums of the frames' envelope and amplitude spectra */
    double scale;              /* m/s^2 per unit; 0: no severity */
    size_t frames;
    double v2_sum, last_lo, last_hi;
    double s1; /* sum of the frames' window (for amplitudes read back from amp_sum) */
    /* each frame's own shaft-rate estimate, as votes in log-spaced bins from vote_lo */
    const vigil__machine *machine;
    double vote_lo, vote_step; /* Hz, natural-log bin width; set at the first frame */
    unsigned *votes;           /* VOTE_BINS */
} averager;

/* Bins of the shaft-rate vote: 0.25 % wide over the default 5-100 Hz range (1200 bins); wider
 * ranges get wider bins. */
#define VOTE_BINS 2048
/* Decoys of a supporting line: 400 frequencies 0.5-1.5 x its own (numpy-style linear quantile
 * over those that stay clear of every evidence line and shaft harmonic, at least DECOY_MIN). */
#define DECOY_COUNT 400
#define DECOY_STEP 0.0025
#define DECOY_MIN 20
#define VOTE_STEP 0.0025

static void avg_compute(void *self, const vigil__frame *f, double *out)
{
    (void)out; /* no columns */
    averager *a = self;
    vigil__env_spectrum(a->envelope, f->spec, a->env, &a->last_lo, &a->last_hi);
    for (size_t k = 0; k < a->nbins; k++) {
        a->env_sum[k] += a->env[k];
        a->amp_sum[k] += vigil__amplitude(f->spec, k, f->n, f->s1);
    }
    if (a->scale > 0.0)
        a->v2_sum += vigil__velocity_ms2(f->psd, f->nbins, f->df, a->scale);
    const vigil__machine *m = a->machine;
    if (m->shaft_hz == 0.0) {
        if (a->frames == 0) {
            double lo = m->shaft_lo, hi = m->shaft_hi;
            if (!(hi > 0.0)) {
                lo = VIGIL_SHAFT_MIN_HZ;
                hi = VIGIL_SHAFT_MAX_HZ;
            }
            const double need = log(hi / lo) / (double)(VOTE_BINS - 1);
            a->vote_lo = lo;
            a->vote_step = need > VOTE_STEP ? need : VOTE_STEP;
        }
        const vigil__amps amps = vigil__frame_amps(f);
        const double fr = vigil__shaft_estimate(&amps, m->shaft_lo, m->shaft_hi, 1.0);
        double k = floor(log(fr / a->vote_lo) / a->vote_step + 0.5);
        k = k < 0.0 ? 0.0 : k > (double)(VOTE_BINS - 1) ? (double)(VOTE_BINS - 1) : k;
        a->votes[(size_t)k]++;
    }
    a->s1 = f->s1;
    a->frames++;
}

static void avg_reset(void *self)
{
    averager *a = self;
    a->frames = 0;
    memset(a->env_sum, 0, a->nbins * sizeof *a->env_sum);
    memset(a->amp_sum, 0, a->nbins * sizeof *a->amp_sum);
    a->v2_sum = 0.0;
    memset(a->votes, 0, VOTE_BINS * sizeof *a->votes);
}

static void avg_destroy(void *self)
{
    averager *a = self;
    if (!a)
        return;
    vigil__env_destroy(a->envelope);
    free(a->env);
    free(a->env_sum);
    free(a->amp_sum);
    free(a->votes);
    free(a);
}

static size_t avg_memory(const void *self)
{
    const averager *a = self;
    return sizeof *a + vigil__env_memory(a->envelope) + 3 * a->nbins * sizeof(double) +
           VOTE_BINS * sizeof *a->votes;
}

static const vigil__group_ops avg_ops = {avg_compute, avg_reset, avg_destroy, avg_memory};

struct vigil_diagnosis {
    vigil_extractor *ex;           /* the framer (row-less), owns avg */
    averager *avg;
    const vigil__machine *machine; /* bearing, shaft rate and range: the extractor's setters */
    double rate;
    size_t n, nbins;
    int machine_class;
    double *amp, *env, *scratch;   /* mean spectra at decide; line-floor scratch */
    double *decoys;                /* DECOY_COUNT prominences at decoy frequencies */
    /* decision */
    int decided;
    double values[VIGIL_DIAG_VALUE_COUNT];
    double line_f[VIGIL_DEFECT_COUNT][3], line_a[VIGIL_DEFECT_COUNT][3],
        line_p[VIGIL_DEFECT_COUNT][3];
    /* evidence lines of the 4 bearing faults (order of evidence[]): frequency, prominence,
     * threshold; supports above noise; shaft harmonic the primary sits on (0: none) */
    double ev_f[4][VIGIL_DIAG_EVIDENCE_MAX], ev_p[4][VIGIL_DIAG_EVIDENCE_MAX],
        ev_t[4][VIGIL_DIAG_EVIDENCE_MAX];
    int ev_support[4], ev_shaft_k[4];
    char reason[1024];
};

const char *vigil_fault_name(int fault)
{
    static const char *const names[VIGIL_FAULT_COUNT] = {
        "normal", "outer_race", "inner_race", "ball", "cage", "imbalance", "inconclusive"};
    return fault >= 0 && fault < VIGIL_FAULT_COUNT ? names[fault] : NULL;
}

void vigil_diagnosis_destroy(vigil_diagnosis *d)
{
    if (!d)
        return;
    vigil_extractor_destroy(d->ex);
    free(d->amp);
    free(d->env);
    free(d->scratch);
    free(d->decoys);
    free(d);
}

/* The ISO zone's letter; '?' for anything but zones 1..4 (never an index from a status). */
static char zone_letter(double zone) { return zone >= 1.0 && zone <= 4.0 ? "ABCD"[(int)zone - 1] : '?'; }

int vigil_diagnosis_create(double rate, size_t frame, vigil_diagnosis **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!(rate >= VIGIL_RATE_MIN && rate <= VIGIL_RATE_MAX))
        return vigil__fail(VIGIL_EINVAL, "sample rate must be %g..%g Hz (got %g)", VIGIL_RATE_MIN,
                           VIGIL_RATE_MAX, rate);
    if (frame < VIGIL_DIAGNOSIS_FRAME_MIN || frame > VIGIL_FRAME_MAX)
        return vigil__fail(VIGIL_EINVAL, "frame length must be %d..%d (got %zu)",
                           VIGIL_DIAGNOSIS_FRAME_MIN, VIGIL_FRAME_MAX, frame);
    vigil_diagnosis *d = calloc(1, sizeof *d);
    if (!d)
        return vigil__status(VIGIL_ENOMEM);
    d->rate = rate;
    d->n = frame;
    d->nbins = frame / 2 + 1;
    const size_t nb = d->nbins;
    d->amp = malloc(nb * sizeof *d->amp);
    d->env = malloc(nb * sizeof *d->env);
    d->scratch = malloc(nb * sizeof *d->scratch);
    d->decoys = malloc(DECOY_COUNT * sizeof *d->decoys);
    averager *a = calloc(1, sizeof *a);
    int rc = VIGIL_ENOMEM;
    if (a) {
        a->n = frame;
        a->nbins = nb;
        a->env = malloc(nb * sizeof *a->env);
        a->env_sum = calloc(nb, sizeof *a->env_sum);
        a->amp_sum = calloc(nb, sizeof *a->amp_sum);
        a->votes = calloc(VOTE_BINS, sizeof *a->votes);
        if (a->env && a->env_sum && a->amp_sum && a->votes)
            /* default band: from bin 1 to past rate/2, the whole spectrum */
            rc = vigil__env_create(rate, frame, 0.0, rate, 1, &a->envelope);
    }
    if (rc == VIGIL_OK && !(d->amp && d->env && d->scratch && d->decoys))
        rc = VIGIL_ENOMEM;
    if (rc == VIGIL_OK)
        rc = vigil_extractor_create(rate, frame, &d->ex);
    if (rc == VIGIL_OK)
        rc = vigil_extractor_set_hop(d->ex, frame / 2);
    if (rc == VIGIL_OK)
        rc = vigil_extractor_set_queue(d->ex, 1);
    if (rc == VIGIL_OK) {
        vigil__extractor_rowless(d->ex);
        d->avg = a;
        rc = vigil__extractor_add_group(d->ex, &avg_ops, a, 0, NULL); /* owns a, even on failure */
        a = NULL;
    }
    if (rc != VIGIL_OK) {
        avg_destroy(a);
        vigil_diagnosis_destroy(d);
        return vigil__status(rc);
    }
    d->machine = vigil__extractor_machine(d->ex);
    d->avg->machine = d->machine;
    *out = d;
    return VIGIL_OK;
}

int vigil_diagnosis_set_bearing(vigil_diagnosis *d, double balls, double ball_d, double pitch,
                                double angle_deg)
{
    return d ? vigil_extractor_set_bearing(d->ex, balls, ball_d, pitch, angle_deg)
             : vigil__status(VIGIL_EINVAL);
}

int vigil_diagnosis_set_shaft_hz(vigil_diagnosis *d, double shaft_hz)
{
    return d ? vigil_extractor_set_shaft_hz(d->ex, shaft_hz) : vigil__status(VIGIL_EINVAL);
}

int vigil_diagnosis_set_shaft_range(vigil_diagnosis *d, double lo_hz, double hi_hz)
{
    return d ? vigil_extractor_set_shaft_range(d->ex, lo_hz, hi_hz) : vigil__status(VIGIL_EINVAL);
}

int vigil_diagnosis_set_hop(vigil_diagnosis *d, size_t hop)
{
    return d ? vigil_extractor_set_hop(d->ex, hop) : vigil__status(VIGIL_EINVAL);
}

int vigil_diagnosis_set_band(vigil_diagnosis *d, double lo_hz, double hi_hz)
{
    int rc = d ? vigil__extractor_configurable(d->ex) : vigil__status(VIGIL_EINVAL);
    if (rc == VIGIL_OK)
        rc = vigil__env_band_check(d->rate, d->n, lo_hz, hi_hz);
    if (rc)
        return rc;
    vigil__env *e = NULL;
    rc = vigil__env_create(d->rate, d->n, lo_hz, hi_hz, 1, &e);
    if (rc)
        return vigil__status(rc);
    vigil__env_destroy(d->avg->envelope);
    d->avg->envelope = e;
    return VIGIL_OK;
}

int vigil_diagnosis_set_severity(vigil_diagnosis *d, int units, int machine_class)
{
    int rc = d ? vigil__extractor_configurable(d->ex) : vigil__status(VIGIL_EINVAL);
    if (rc == VIGIL_OK)
        rc = vigil__severity_check(d->rate, units, machine_class);
    if (rc)
        return rc;
    d->avg->scale = vigil__units_scale(units);
    d->machine_class = machine_class;
    return VIGIL_OK;
}

int vigil_diagnosis_reset(vigil_diagnosis *d)
{
    if (!d)
        return vigil__status(VIGIL_EINVAL);
    vigil_extractor_reset(d->ex); /* resets the averager too */
    d->decided = 0;
    d->reason[0] = '\0';
    return VIGIL_OK;
}

static int ready_to_push(const vigil_diagnosis *d)
{
    if (!d)
        return vigil__status(VIGIL_EINVAL);
    if (!d->machine->has_bearing)
        return vigil__fail(VIGIL_ESTATE, "set the bearing (vigil_diagnosis_set_bearing) first");
    return VIGIL_OK;
}

int vigil_diagnosis_push(vigil_diagnosis *d, const double *x, size_t n)
{
    int rc = ready_to_push(d);
    return rc ? rc : vigil_extractor_push(d->ex, x, n, NULL);
}

int vigil_diagnosis_push_f32(vigil_diagnosis *d, const float *x, size_t n)
{
    int rc = ready_to_push(d);
    return rc ? rc : vigil_extractor_push_f32(d->ex, x, n, NULL);
}

int vigil_diagnosis_envelope_spectrum(const vigil_diagnosis *d, double *amp, size_t cap,
                                      size_t *written, double *df_hz)
{
    if (written)
        *written = 0;
    if (!d || (cap > 0 && !amp))
        return vigil__status(VIGIL_EINVAL);
    const averager *a = d->avg;
    if (a->frames == 0)
        return vigil__fail(VIGIL_ENODATA, "no complete frame of %zu samples yet", d->n);
    if (df_hz)
        *df_hz = d->rate / (double)d->n;
    if (cap < a->nbins) {
        if (written)
            *written = a->nbins;
        return vigil__fail(VIGIL_ESPACE, "the envelope spectrum has %zu bins, the buffer holds %zu",
                           a->nbins, cap);
    }
    for (size_t k = 0; k < a->nbins; k++)
        amp[k] = a->env_sum[k] / (double)a->frames;
    if (written)
        *written = a->nbins;
    return VIGIL_OK;
}

/* Frames counted as if they overlapped by half, for the noise models of evidence.h and orders.h
 * (which count (M + 1) / 2 independent frames out of M half-overlapping ones): M frames at hop
 * h span 1 + (M - 1) h / N frame lengths, counted the same way. */
static double half_overlap_frames(const vigil_diagnosis *d, double frames)
{
    const double h = (double)vigil_extractor_hop(d->ex) / (double)d->n;
    return 1.0 + 2.0 * (frames - 1.0) * h;
}

/* The evidence lines of each bearing fault, as multiples of the shaft rate: h x the defect's
 * order, plus side_fr x 1 and side_ftf x FTF (sidebands). Line 0 is the primary. */
typedef struct evline {
    const char *name;
    int defect;
    double h, side_fr, side_ftf;
} evline;

/* min_support: supports a fault needs besides its primary (VIGIL_DIAG_CAGE_SUPPORT for the cage,
 * 1 otherwise). */
static const struct {
    int fault;
    int nlines, min_support;
    evline line[VIGIL_DIAG_EVIDENCE_MAX];
} evidence[4] = {
    {VIGIL_FAULT_OUTER_RACE, 3, 1,
     {{"BPFO", VIGIL_DEFECT_BPFO, 1, 0, 0}, {"2xBPFO", VIGIL_DEFECT_BPFO, 2, 0, 0},
      {"3xBPFO", VIGIL_DEFECT_BPFO, 3, 0, 0}}},
    {VIGIL_FAULT_INNER_RACE, 5, 1,
     {{"BPFI", VIGIL_DEFECT_BPFI, 1, 0, 0}, {"2xBPFI", VIGIL_DEFECT_BPFI, 2, 0, 0},
      {"3xBPFI", VIGIL_DEFECT_BPFI, 3, 0, 0}, {"BPFI-1x", VIGIL_DEFECT_BPFI, 1, -1, 0},
      {"BPFI+1x", VIGIL_DEFECT_BPFI, 1, 1, 0}}},
    {VIGIL_FAULT_BALL, 4, 1,
     {{"2xBSF", VIGIL_DEFECT_BSF, 2, 0, 0}, {"4xBSF", VIGIL_DEFECT_BSF, 4, 0, 0},
      {"2xBSF-FTF", VIGIL_DEFECT_BSF, 2, 0, -1}, {"2xBSF+FTF", VIGIL_DEFECT_BSF, 2, 0, 1}}},
    {VIGIL_FAULT_CAGE, 4, VIGIL_DIAG_CAGE_SUPPORT,
     {{"FTF", VIGIL_DEFECT_FTF, 1, 0, 0}, {"2xFTF", VIGIL_DEFECT_FTF, 2, 0, 0},
      {"3xFTF", VIGIL_DEFECT_FTF, 3, 0, 0}, {"4xFTF", VIGIL_DEFECT_FTF, 4, 0, 0}}},
};

static void append(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

const char *vigil_line_kind_name(int kind)
{
    static const char *const names[] = {"none", "shaft", "mains", "other"};
    return kind >= 0 && kind <= VIGIL_LINE_OTHER ? names[kind] : NULL;
}

/* |f - k g| within max(tol f, df) for some whole k >= 1: which k (0 if none). */
static int multiple_of(double f, double g, double tol, double df)
{
    if (!(g > 0.0) || !(f > 0.0))
        return 0;
    const double k = floor(f / g + 0.5);
    const double slack = tol * f > df ? tol * f : df;
    return k >= 1.0 && fabs(f - k * g) <= slack ? (int)k : 0;
}

/* Shaft harmonics are named up to k = 1 / (8 x 1 %) = 12: beyond, the +-1 % windows cover more
 * than a quarter of the spacing between harmonics and a line anywhere would often be "a
 * harmonic". The same rule at 0.5 % for the mains (50 Hz, 60 Hz; k <= 25). */
static int line_kind(double f, double fr, double df)
{
    const int k = multiple_of(f, fr, VIGIL__LINE_TOL, df);
    if (k && k <= 12)
        return VIGIL_LINE_SHAFT;
    const int k50 = multiple_of(f, 50.0, 0.005, df), k60 = multiple_of(f, 60.0, 0.005, df);
    if ((k50 && k50 <= 25) || (k60 && k60 <= 25))
        return VIGIL_LINE_MAINS;
    return VIGIL_LINE_OTHER;
}

/* The strongest local maximum of e[k0..k1] whose prominence (value / median of the
 * VIGIL__FLOOR_MIN_BINS.. bins each side, as vigil__line) is >= min_prom and which lies outside
 * every window of skip[0..nskip) (Hz, +-tol). Returns its bin (0: none), its prominence in *prom. */
static size_t strongest_line(const double *e, size_t nbins, double df, size_t k0, size_t k1,
                             const double *skip, size_t nskip, double tol, double min_prom,
                             int by_amplitude, double *scratch, double *prom)
{
    size_t best = 0;
    double best_key = 0.0;
    *prom = 0.0;
    if (k0 < 2)
        k0 = 2;
    if (k1 > nbins - 2)
        k1 = nbins - 2;
    for (size_t k = k0; k <= k1; k++) {
        if (!(e[k] > e[k - 1] && e[k] >= e[k + 1]))
            continue;
        if (by_amplitude && e[k] <= best_key)
            continue;
        const double f = (double)k * df;
        int skipped = 0;
        for (size_t i = 0; i < nskip && !skipped; i++)
            skipped = skip[i] > 0.0 && fabs(f - skip[i]) <= tol * skip[i] + df;
        if (skipped)
            continue;
        double amp, fl, fq;
        vigil__line(e, nbins, df, f, 1.0 / (double)k, scratch, &amp, &fl, &fq);
        const double p = vigil__prominence(e[k], fl);
        const double key = by_amplitude ? e[k] : p;
        if (p >= min_prom && key > best_key) {
            best_key = key;
            best = k;
            *prom = p;
        }
    }
    return best;
}

/* Share of the frames' own shaft estimates within 2 % of f. */
static double vote_share(const averager *a, double f)
{
    if (a->frames == 0 || !(f > 0.0) || a->vote_step <= 0.0)
        return 0.0;
    const double c = log(f / a->vote_lo) / a->vote_step, w = log(1.02) / a->vote_step;
    double lo = ceil(c - w), hi = floor(c + w);
    if (lo < 0.0)
        lo = 0.0;
    if (hi > (double)(VOTE_BINS - 1))
        hi = (double)(VOTE_BINS - 1);
    size_t n = 0;
    for (double k = lo; k <= hi; k++)
        n += a->votes[(size_t)k];
    return (double)n / (double)a->frames;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The (1 - VIGIL_DIAG_SUPPORT_FALSE_ALARM) quantile of the prominence measured at decoy
 * frequencies r f, r = 0.5 .. 1.5 in steps of DECOY_STEP, that lie more than 2 % (+ 2 bins) from
 * every evidence line skip[0..nskip) and every shaft harmonic; 0 with fewer than DECOY_MIN decoys. */
static double decoy_quantile(vigil_diagnosis *d, double df, double fr, double f, const double *skip,
                             size_t nskip)
{
    size_t n = 0;
    for (size_t j = 0; j < DECOY_COUNT; j++) {
        const double h = f * (0.5 + DECOY_STEP * (double)j);
        if (h * (1.0 + VIGIL__LINE_TOL) / df >= (double)(d->nbins - 1))
            break;
        int near = 0;
        for (size_t i = 0; i < nskip && !near; i++)
            near = fabs(h - skip[i]) < 0.02 * skip[i] + 2.0 * df;
        const double k = floor(h / fr + 0.5);
        if (!near && k >= 1.0)
            near = fabs(h - k * fr) < 0.02 * k * fr + 2.0 * df;
        if (near)
            continue;
        double amp, fl, fq;
        vigil__line(d->env, d->nbins, df, h, VIGIL__LINE_TOL, d->scratch, &amp, &fl, &fq);
        d->decoys[n++] = vigil__prominence(amp, fl);
    }
    if (n < DECOY_MIN)
        return 0.0;
    qsort(d->decoys, n, sizeof *d->decoys, cmp_double);
    const double pos = (1.0 - VIGIL_DIAG_SUPPORT_FALSE_ALARM) * (double)(n - 1);
    const size_t lo = (size_t)floor(pos);
    const double frac = pos - (double)lo;
    return lo + 1 < n ? d->decoys[lo] + frac * (d->decoys[lo + 1] - d->decoys[lo]) : d->decoys[lo];
}

int vigil_diagnosis_decide(vigil_diagnosis *d)
{
    if (!d)
        return vigil__status(VIGIL_EINVAL);
    const averager *a = d->avg;
    if (a->frames == 0)
        return vigil__fail(VIGIL_ENODATA, "no complete frame of %zu samples yet", d->n);
    const double nf = (double)a->frames;
    const double nf_half = half_overlap_frames(d, nf); /* for the noise models */
    const double df = d->rate / (double)d->n;
    for (size_t k = 0; k < d->nbins; k++) {
        d->env[k] = a->env_sum[k] / nf;
        d->amp[k] = a->amp_sum[k] / nf;
    }
    const vigil__machine *m = d->machine;
    /* The shaft rate and its orders from the mean amplitude spectrum: its lines stand out of
     * the averaged noise, so one estimate per recording is steadier than a mean of per-frame
     * estimates that jump between 1x, 2x and 3x. The frames' own estimates vote on it. */
    const vigil__amps amps = {d->amp, NULL, d->n, d->nbins, a->s1, df};
    const int given = m->shaft_hz > 0.0;
    const double fr =
        given ? m->shaft_hz : vigil__shaft_estimate(&amps, m->shaft_lo, m->shaft_hi, nf_half);
    double *v = d->values;
    memset(v, 0, sizeof d->values);
    v[VIGIL_DIAG_SHAFT_CONFIDENCE] = 1.0;
    if (!given) {
        static const double alt[3] = {0.5, 2.0, 3.0};
        v[VIGIL_DIAG_SHAFT_CONFIDENCE] = vote_share(a, fr);
        for (int i = 0; i < 3; i++) {
            const double share = vote_share(a, alt[i] * fr);
            if (share > v[VIGIL_DIAG_SHAFT_ALT_SHARE]) {
                v[VIGIL_DIAG_SHAFT_ALT] = alt[i];
                v[VIGIL_DIAG_SHAFT_ALT_SHARE] = share;
            }
        }
    }
    double orders[VIGIL_DEFECT_COUNT];
    vigil__bearing_orders(m->balls, m->d, m->pitch, m->angle_deg, orders);
    for (int q = 0; q < VIGIL_DEFECT_COUNT; q++)
        for (int h = 0; h < 3; h++) {
            double amp, fl, fq;
            const double f = (h + 1) * orders[q] * fr;
            vigil__line(d->env, d->nbins, df, f, VIGIL__LINE_TOL, d->scratch, &amp, &fl, &fq);
            d->line_f[q][h] = f;
            d->line_a[q][h] = amp;
            d->line_p[q][h] = vigil__prominence(amp, fl);
        }
    v[VIGIL_DIAG_FRAMES] = nf;
    v[VIGIL_DIAG_SHAFT_HZ] = fr;
    for (int h = 0; h < 3; h++)
        v[VIGIL_DIAG_ORDER_1X + h] = vigil__order_amplitude(&amps, (h + 1) * fr);
    v[VIGIL_DIAG_BAND_LO] = a->last_lo;
    v[VIGIL_DIAG_BAND_HI] = a->last_hi;
    const double two_pi = 6.28318530717958647692;
    if (a->scale > 0.0) {
        v[VIGIL_DIAG_VELOCITY_RMS] = sqrt(a->v2_sum / nf);
        v[VIGIL_DIAG_ISO_ZONE] = vigil_severity_zone(v[VIGIL_DIAG_VELOCITY_RMS], d->machine_class);
        if (fr > 0.0)
            v[VIGIL_DIAG_ORDER_1X_VELOCITY] =
                v[VIGIL_DIAG_ORDER_1X] * a->scale / (two_pi * fr) / sqrt(2.0) * 1000.0;
    }

    /* Every evidence line: frequency, prominence, threshold. Primary: the naming threshold
     * max(T, noise at VIGIL_DIAG_FALSE_ALARM / 4); its noise threshold alone
     * decides between normal and inconclusive. Supports: noise at VIGIL_DIAG_SUPPORT_FALSE_ALARM. */
    double noise0[4], skip[4 * VIGIL_DIAG_EVIDENCE_MAX];
    size_t nskip = 0;
    for (int e = 0; e < 4; e++) {
        d->ev_support[e] = 0;
        for (int i = 0; i < evidence[e].nlines; i++) {
            const evline *l = &evidence[e].line[i];
            const double f = (l->h * orders[l->defect] + l->side_fr +
                              l->side_ftf * orders[VIGIL_DEFECT_FTF]) * fr;
            double amp, fl, fq;
            vigil__line(d->env, d->nbins, df, f, VIGIL__LINE_TOL, d->scratch, &amp, &fl, &fq);
            const size_t w = vigil__line_bins(d->nbins, df, f, VIGIL__LINE_TOL);
            d->ev_f[e][i] = f;
            d->ev_p[e][i] = vigil__prominence(amp, fl);
            skip[nskip++] = f;
            if (i == 0) {
                noise0[e] = vigil__noise_threshold(nf_half, w, VIGIL_DIAG_FALSE_ALARM / 4.0);
                d->ev_t[e][0] = noise0[e] > VIGIL_DIAG_PROMINENCE ? noise0[e]
                                                                   : VIGIL_DIAG_PROMINENCE;
            } else {
                d->ev_t[e][i] = vigil__noise_threshold(nf_half, w, VIGIL_DIAG_SUPPORT_FALSE_ALARM);
            }
        }
    }
    /* A support must also beat the record's own lines: the 1 - VIGIL_DIAG_SUPPORT_FALSE_ALARM
     * quantile of the same measurement at decoy frequencies 0.5-1.5 x its own (0.25 % steps)
     * away from every evidence line and shaft harmonic. Gaussian noise alone underestimates what
     * a real spectrum's other line families reach, more so when many frames are averaged. */
    for (int e = 0; e < 4; e++) {
        d->ev_support[e] = 0;
        for (int i = 1; i < evidence[e].nlines; i++) {
            const double q = decoy_quantile(d, df, fr, d->ev_f[e][i], skip, nskip);
            if (q > d->ev_t[e][i])
                d->ev_t[e][i] = q;
            if (d->ev_p[e][i] >= d->ev_t[e][i])
                d->ev_support[e]++;
        }
    }
    for (int e = 0; e < 4; e++) {
        /* A primary line on a shaft harmonic k x fr is no bearing evidence when the shaft's
         * family is in the envelope: two other harmonics of 1..max(3, k+1) above their noise. */
        d->ev_shaft_k[e] = multiple_of(d->ev_f[e][0], fr, VIGIL__LINE_TOL, df);
        if (d->ev_shaft_k[e]) {
            int family = 0;
            const int top = d->ev_shaft_k[e] + 1 > 3 ? d->ev_shaft_k[e] + 1 : 3;
            for (int j = 1; j <= top; j++) {
                if (j == d->ev_shaft_k[e])
                    continue;
                double amp, fl, fq;
                vigil__line(d->env, d->nbins, df, j * fr, VIGIL__LINE_TOL, d->scratch, &amp, &fl,
                            &fq);
                const size_t w = vigil__line_bins(d->nbins, df, j * fr, VIGIL__LINE_TOL);
                if (vigil__prominence(amp, fl) >=
                    vigil__noise_threshold(nf_half, w, VIGIL_DIAG_SUPPORT_FALSE_ALARM))
                    family++;
            }
            if (family < 2)
                d->ev_shaft_k[e] = 0;
        }
    }
    /* Qualified faults and the strongest candidate, by strength = primary / naming threshold. */
    int named = -1, rival = -1, cand = -1;
    double named_s = 0.0, rival_s = 0.0, cand_s = 0.0;
    for (int e = 0; e < 4; e++) {
        const double p = d->ev_p[e][0], s = p / d->ev_t[e][0];
        if (p >= noise0[e] && !d->ev_shaft_k[e] && (cand < 0 || s > cand_s)) {
            cand = e;
            cand_s = s;
        }
        if (s >= 1.0 && d->ev_support[e] >= evidence[e].min_support && !d->ev_shaft_k[e]) {
            if (named < 0 || s > named_s) {
                rival = named;
                rival_s = named_s;
                named = e;
                named_s = s;
            } else if (rival < 0 || s > rival_s) {
                rival = e;
                rival_s = s;
            }
        }
    }
    if (named >= 0)
        cand = named, cand_s = named_s;
    v[VIGIL_DIAG_CANDIDATE] = cand >= 0 ? evidence[cand].fault : 0;
    v[VIGIL_DIAG_STRENGTH] = cand >= 0 ? cand_s : 0.0;
    v[VIGIL_DIAG_SUPPORT] = cand >= 0 ? d->ev_support[cand] : 0;

    /* Lines that are not bearing lines, reported and classified, never a fault: the strongest
     * envelope line outside every evidence window up to 3.5 x the highest primary, and the
     * largest real line (>= 3x its neighbours) of the amplitude spectrum. */
    double top_f = 0.0;
    for (int e = 0; e < 4; e++)
        top_f = d->ev_f[e][0] > top_f ? d->ev_f[e][0] : top_f;
    const double other_t = vigil__noise_threshold(nf_half, 1, VIGIL_DIAG_SUPPORT_FALSE_ALARM);
    double op = 0.0;
    const size_t ko = strongest_line(d->env, d->nbins, df, (size_t)(0.2 * fr / df),
                                     (size_t)(3.5 * top_f / df), skip, nskip, VIGIL__LINE_TOL,
                                     other_t > VIGIL_DIAG_PROMINENCE ? other_t
                                                                     : VIGIL_DIAG_PROMINENCE,
                                     0, d->scratch, &op);
    if (ko) {
        v[VIGIL_DIAG_OTHER_HZ] = (double)ko * df;
        v[VIGIL_DIAG_OTHER_PROM] = op;
        v[VIGIL_DIAG_OTHER_KIND] = line_kind((double)ko * df, fr, df);
    }
    double sp = 0.0;
    const size_t ks = strongest_line(d->amp, d->nbins, df, 1, d->nbins, NULL, 0, 0.0,
                                     VIGIL_DIAG_PROMINENCE, 1, d->scratch, &sp);
    if (ks) {
        v[VIGIL_DIAG_SPECTRUM_HZ] = (double)ks * df;
        v[VIGIL_DIAG_SPECTRUM_PROM] = sp;
        v[VIGIL_DIAG_SPECTRUM_KIND] = line_kind((double)ks * df, fr, df);
    }

    int fault = VIGIL_FAULT_NORMAL;
    char *r = d->reason;
    const size_t cap = sizeof d->reason;
    r[0] = '\0';
    /* Every line was looked for at multiples of fr: say when fr is only an estimate. */
    const char *const estimated = given ? "" : " estimated";
    /* An estimated shaft rate that most frames do not find on their own may be a wrong line:
     * every defect line would then be sought in the wrong place. */
    const int shaft_doubtful = !given && v[VIGIL_DIAG_SHAFT_CONFIDENCE] <= VIGIL_DIAG_SHAFT_MAJORITY;
    if (named >= 0 && shaft_doubtful) {
        fault = VIGIL_FAULT_INCONCLUSIVE;
        append(r, cap, "inconclusive: %s would be named (%s %.1fx, threshold %.3g) but only "
                       "%.0f%% of the frames find the estimated shaft rate %.2f Hz on their own",
               vigil_fault_name(evidence[named].fault), evidence[named].line[0].name,
               d->ev_p[named][0], d->ev_t[named][0], 100.0 * v[VIGIL_DIAG_SHAFT_CONFIDENCE], fr);
    } else if (named >= 0 && !(rival >= 0 && rival_s >= VIGIL_DIAG_RIVAL_SHARE * named_s)) {
        fault = evidence[named].fault;
        append(r, cap, "%s: %s line at %.1f Hz (%.4g x shaft %.2f Hz%s) is %.1fx its local floor "
                       "(threshold %.3g)",
               vigil_fault_name(fault), evidence[named].line[0].name, d->ev_f[named][0],
               d->ev_f[named][0] / fr, fr, estimated, d->ev_p[named][0], d->ev_t[named][0]);
    } else if (named >= 0) {
        fault = VIGIL_FAULT_INCONCLUSIVE;
        append(r, cap, "inconclusive: two parts qualify, %s (%s %.1fx, %.2f of its threshold) and "
                       "%s (%s %.1fx, %.2f)",
               vigil_fault_name(evidence[named].fault), evidence[named].line[0].name,
               d->ev_p[named][0], named_s, vigil_fault_name(evidence[rival].fault),
               evidence[rival].line[0].name, d->ev_p[rival][0], rival_s);
    } else if (cand >= 0) {
        fault = VIGIL_FAULT_INCONCLUSIVE;
        const int e = cand;
        append(r, cap, "inconclusive: strongest candidate %s, %s line at %.1f Hz (shaft %.2f Hz%s) "
                       "is %.1fx its floor, above noise (%.3g) but ",
               vigil_fault_name(evidence[e].fault), evidence[e].line[0].name, d->ev_f[e][0], fr,
               estimated, d->ev_p[e][0], noise0[e]);
        if (d->ev_p[e][0] < d->ev_t[e][0])
            append(r, cap, "below the %.3g needed to name it", d->ev_t[e][0]);
        else if (d->ev_shaft_k[e])
            append(r, cap, "on shaft harmonic %dx, whose family is in the spectrum",
                   d->ev_shaft_k[e]);
        else
            append(r, cap, "with %d of the %d supporting harmonics or sidebands it needs",
                   d->ev_support[e], evidence[e].min_support);
    } else {
        const double p1 = v[VIGIL_DIAG_ORDER_1X_VELOCITY];
        const double vr = v[VIGIL_DIAG_VELOCITY_RMS];
        if (a->scale > 0.0 && v[VIGIL_DIAG_ISO_ZONE] >= 3 && p1 * p1 >= 0.5 * vr * vr) {
            fault = VIGIL_FAULT_IMBALANCE;
            append(r, cap, "imbalance: no bearing line stands above the noise; vibration is in "
                           "zone %c and the 1x line (shaft %.2f Hz%s, %.2f mm/s) carries %.0f%% "
                           "of the velocity power",
                   zone_letter(v[VIGIL_DIAG_ISO_ZONE]), fr, estimated, p1,
                   100.0 * p1 * p1 / (vr * vr));
        } else {
            int best = -1;
            for (int e = 0; e < 4; e++)
                if (!d->ev_shaft_k[e] &&
                    (best < 0 || d->ev_p[e][0] / noise0[e] > d->ev_p[best][0] / noise0[best]))
                    best = e;
            if (best >= 0)
                append(r, cap, "normal: no bearing line stands above the noise (strongest: %s "
                               "%.1fx, noise threshold %.3g)",
                       evidence[best].line[0].name, d->ev_p[best][0], noise0[best]);
            else
                append(r, cap, "normal: no bearing line apart from shaft harmonics");
            for (int e = 0; e < 4; e++)
                if (d->ev_shaft_k[e] && d->ev_p[e][0] >= noise0[e])
                    append(r, cap, "; the %s line (%.1fx) is shaft harmonic %dx, whose family is "
                                   "in the envelope: not bearing evidence",
                           evidence[e].line[0].name, d->ev_p[e][0], d->ev_shaft_k[e]);
            if (*estimated)
                append(r, cap, "; lines sought at shaft %.2f Hz estimated", fr);
            if (a->scale > 0.0)
                append(r, cap, "; 1x line %.2f mm/s of %.2f mm/s", p1, vr);
        }
    }
    /* The evidence of the fault named or pointed to: every line with its prominence. */
    const int show = fault == VIGIL_FAULT_INCONCLUSIVE || (fault >= VIGIL_FAULT_OUTER_RACE &&
                                                           fault <= VIGIL_FAULT_CAGE)
                         ? cand
                         : -1;
    if (show >= 0) {
        append(r, cap, "; evidence");
        for (int i = 0; i < evidence[show].nlines; i++)
            append(r, cap, "%s %s %.1fx%s", i ? "," : "", evidence[show].line[i].name,
                   d->ev_p[show][i], i && d->ev_p[show][i] >= d->ev_t[show][i] ? "*" : "");
        append(r, cap, " (* above noise)");
        for (int e = 0; e < 4; e++)
            if (e != show && d->ev_p[e][0] >= noise0[e])
                append(r, cap, "; also %s %s %.1fx", vigil_fault_name(evidence[e].fault),
                       evidence[e].line[0].name, d->ev_p[e][0]);
    }
    if (!given) {
        append(r, cap, "; shaft rate: %.0f%% of frames agree", 100.0 * v[VIGIL_DIAG_SHAFT_CONFIDENCE]);
        if (v[VIGIL_DIAG_SHAFT_ALT_SHARE] > 0.0)
            append(r, cap, " (%gx that rate: %.0f%%)", v[VIGIL_DIAG_SHAFT_ALT],
                   100.0 * v[VIGIL_DIAG_SHAFT_ALT_SHARE]);
    }
    if (ko)
        append(r, cap, "; strongest non-bearing envelope line %.1f Hz (%.2f x shaft, %s) %.1fx",
               v[VIGIL_DIAG_OTHER_HZ], v[VIGIL_DIAG_OTHER_HZ] / fr,
               vigil_line_kind_name((int)v[VIGIL_DIAG_OTHER_KIND]), op);
    if (ks)
        append(r, cap, "; largest spectrum line %.1f Hz (%.2f x shaft, %s)", v[VIGIL_DIAG_SPECTRUM_HZ],
               v[VIGIL_DIAG_SPECTRUM_HZ] / fr,
               vigil_line_kind_name((int)v[VIGIL_DIAG_SPECTRUM_KIND]));
    if (a->scale > 0.0)
        append(r, cap, "; severity %.2f mm/s RMS 10-1000 Hz, ISO 10816-3 zone %c",
               v[VIGIL_DIAG_VELOCITY_RMS], zone_letter(v[VIGIL_DIAG_ISO_ZONE]));
    append(r, cap, "; band %.0f-%.0f Hz (%zu frames)", a->last_lo, a->last_hi, a->frames);

    /* Confidence: share of the verdict's evidence lines above their thresholds (normal and
     * imbalance: share of the four primaries below their noise thresholds). */
    if (fault >= VIGIL_FAULT_OUTER_RACE && fault <= VIGIL_FAULT_CAGE) {
        v[VIGIL_DIAG_CONFIDENCE] =
            (1.0 + d->ev_support[named]) / (double)evidence[named].nlines;
    } else if (fault == VIGIL_FAULT_INCONCLUSIVE) {
        int above = d->ev_p[cand][0] >= d->ev_t[cand][0];
        v[VIGIL_DIAG_CONFIDENCE] = (above + d->ev_support[cand]) /
                                   (double)evidence[cand].nlines * 0.5;
    } else {
        int below = 0;
        for (int e = 0; e < 4; e++)
            below += d->ev_p[e][0] < noise0[e];
        v[VIGIL_DIAG_CONFIDENCE] = below / 4.0;
    }
    d->decided = 1;
    return fault;
}

int vigil_diagnosis_evidence(const vigil_diagnosis *d, int fault, size_t index, double *freq,
                             double *prom, double *threshold, const char **name)
{
    if (!d || fault < VIGIL_FAULT_OUTER_RACE || fault > VIGIL_FAULT_CAGE ||
        index >= VIGIL_DIAG_EVIDENCE_MAX)
        return vigil__status(VIGIL_EINVAL);
    if (!d->decided)
        return vigil__fail(VIGIL_ESTATE, "call vigil_diagnosis_decide first");
    int e = 0;
    while (evidence[e].fault != fault)
        e++;
    if ((int)index >= evidence[e].nlines)
        return vigil__fail(VIGIL_ENOTFOUND, "%s has %d evidence lines", vigil_fault_name(fault),
                           evidence[e].nlines);
    if (freq)
        *freq = d->ev_f[e][index];
    if (prom)
        *prom = d->ev_p[e][index];
    if (threshold)
        *threshold = d->ev_t[e][index];
    if (name)
        *name = evidence[e].line[index].name;
    return evidence[e].nlines;
}

int vigil_diagnosis_line(const vigil_diagnosis *d, int defect, int harmonic, double *freq,
                         double *amp, double *prom)
{
    if (!d || defect < 0 || defect >= VIGIL_DEFECT_COUNT || harmonic < 1 || harmonic > 3)
        return vigil__status(VIGIL_EINVAL);
    if (!d->decided)
        return vigil__fail(VIGIL_ESTATE, "call vigil_diagnosis_decide first");
    if (freq)
        *freq = d->line_f[defect][harmonic - 1];
    if (amp)
        *amp = d->line_a[defect][harmonic - 1];
    if (prom)
        *prom = d->line_p[defect][harmonic - 1];
    return VIGIL_OK;
}

double vigil_diagnosis_value(const vigil_diagnosis *d, int key)
{
    if (!d || !d->decided || key < 0 || key >= VIGIL_DIAG_VALUE_COUNT)
        return 0.0;
    return d->values[key];
}

const char *vigil_diagnosis_reason(const vigil_diagnosis *d)
{
    return d ? d->reason : "";
}
