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
} averager;

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
    free(a);
}

static size_t avg_memory(const void *self)
{
    const averager *a = self;
    return sizeof *a + vigil__env_memory(a->envelope) + 3 * a->nbins * sizeof(double);
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
    /* decision */
    int decided;
    double values[VIGIL_DIAG_VALUE_COUNT];
    double line_f[VIGIL_DEFECT_COUNT][3], line_a[VIGIL_DEFECT_COUNT][3],
        line_p[VIGIL_DEFECT_COUNT][3];
    double evid_t[4]; /* threshold of each evidence line: max(VIGIL_DIAG_PROMINENCE, noise) */
    char reason[768];
};

const char *vigil_fault_name(int fault)
{
    static const char *const names[VIGIL_FAULT_COUNT] = {"normal", "outer_race", "inner_race",
                                                         "ball",   "cage",       "imbalance"};
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
    averager *a = calloc(1, sizeof *a);
    int rc = VIGIL_ENOMEM;
    if (a) {
        a->n = frame;
        a->nbins = nb;
        a->env = malloc(nb * sizeof *a->env);
        a->env_sum = calloc(nb, sizeof *a->env_sum);
        a->amp_sum = calloc(nb, sizeof *a->amp_sum);
        if (a->env && a->env_sum && a->amp_sum)
            /* default band: from bin 1 to past rate/2, the whole spectrum */
            rc = vigil__env_create(rate, frame, 0.0, rate, 1, &a->envelope);
    }
    if (rc == VIGIL_OK && !(d->amp && d->env && d->scratch))
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

static const char *const upper_names[VIGIL_DEFECT_COUNT] = {"FTF", "BPFO", "BPFI", "BSF"};

/* The evidence line of each bearing fault: (defect, harmonic index 0-based). */
static const struct {
    int fault, defect, harmonic;
} evidence[4] = {
    {VIGIL_FAULT_OUTER_RACE, VIGIL_DEFECT_BPFO, 0},
    {VIGIL_FAULT_INNER_RACE, VIGIL_DEFECT_BPFI, 0},
    {VIGIL_FAULT_BALL, VIGIL_DEFECT_BSF, 1},
    {VIGIL_FAULT_CAGE, VIGIL_DEFECT_FTF, 0},
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
     * estimates that jump between 1x, 2x and 3x. */
    const vigil__amps amps = {d->amp, NULL, d->n, d->nbins, a->s1, df};
    const double fr =
        m->shaft_hz > 0.0 ? m->shaft_hz : vigil__shaft_estimate(&amps, m->shaft_lo, m->shaft_hi, nf_half);
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
    double *v = d->values;
    memset(v, 0, sizeof d->values);
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

    /* Rule 1: the most prominent bearing evidence at or above its threshold. The threshold is
     * VIGIL_DIAG_PROMINENCE, raised to the noise-only level when few frames are averaged (that
     * level falls below 3 from about 4 frames on; docs/DIAGNOSTICS.md). */
    int fault = VIGIL_FAULT_NORMAL, best = -1;
    double best_p = 0.0;
    for (int e = 0; e < 4; e++) {
        const double p = d->line_p[evidence[e].defect][evidence[e].harmonic];
        const size_t w = vigil__line_bins(d->nbins, df,
                                          d->line_f[evidence[e].defect][evidence[e].harmonic],
                                          VIGIL__LINE_TOL);
        const double t = vigil__noise_threshold(nf_half, w, VIGIL_DIAG_FALSE_ALARM / 4.0);
        d->evid_t[e] = t > VIGIL_DIAG_PROMINENCE ? t : VIGIL_DIAG_PROMINENCE;
        if (p > best_p) {
            best_p = p;
            best = e;
        }
    }
    char *r = d->reason;
    const size_t cap = sizeof d->reason;
    r[0] = '\0';
    /* Every line was looked for at multiples of fr: say when fr is only an estimate. */
    const char *const estimated = m->shaft_hz > 0.0 ? "" : " estimated";
    if (best >= 0 && best_p >= d->evid_t[best]) {
        const int q = evidence[best].defect, h = evidence[best].harmonic;
        fault = evidence[best].fault;
        append(r, cap, "%s: %s%s line at %.1f Hz (%.4g x shaft %.2f Hz%s) is %.1fx its local floor "
                       "(threshold %.3g); harmonics 1-3: %.1fx %.1fx %.1fx",
               vigil_fault_name(fault), h ? "2x" : "", upper_names[q], d->line_f[q][h],
               (h + 1) * orders[q], fr, estimated, best_p, d->evid_t[best], d->line_p[q][0],
               d->line_p[q][1], d->line_p[q][2]);
        for (int e = 0; e < 4; e++) {
            const double p = d->line_p[evidence[e].defect][evidence[e].harmonic];
            if (e != best && p >= d->evid_t[e])
                append(r, cap, "; also %s evidence %.1fx", vigil_fault_name(evidence[e].fault), p);
        }
    } else {
        const double p1 = v[VIGIL_DIAG_ORDER_1X_VELOCITY];
        const double vr = v[VIGIL_DIAG_VELOCITY_RMS];
        if (a->scale > 0.0 && v[VIGIL_DIAG_ISO_ZONE] >= 3 && p1 * p1 >= 0.5 * vr * vr) {
            fault = VIGIL_FAULT_IMBALANCE;
            append(r, cap, "imbalance: no bearing line reaches %gx its floor; vibration is in "
                           "zone %c and the 1x line (shaft %.2f Hz%s, %.2f mm/s) carries %.0f%% "
                           "of the velocity power",
                   VIGIL_DIAG_PROMINENCE, zone_letter(v[VIGIL_DIAG_ISO_ZONE]), fr, estimated,
                   p1, 100.0 * p1 * p1 / (vr * vr));
        } else {
            append(r, cap, "normal: no bearing line reaches %.3gx its local floor (strongest: %s%s "
                           "%.1fx)",
                   best >= 0 ? d->evid_t[best] : VIGIL_DIAG_PROMINENCE,
                   best >= 0 && evidence[best].harmonic ? "2x" : "",
                   best >= 0 ? upper_names[evidence[best].defect] : "none", best_p);
            if (*estimated)
                append(r, cap, "; lines sought at shaft %.2f Hz estimated", fr);
            if (a->scale > 0.0)
                append(r, cap, "; 1x line %.2f mm/s of %.2f mm/s", p1, vr);
        }
    }
    if (a->scale > 0.0)
        append(r, cap, "; severity %.2f mm/s RMS 10-1000 Hz, ISO 10816-3 zone %c",
               v[VIGIL_DIAG_VELOCITY_RMS], zone_letter(v[VIGIL_DIAG_ISO_ZONE]));
    append(r, cap, " (%zu frames)", a->frames);
    d->decided = 1;
    return fault;
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
