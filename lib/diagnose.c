/* Per-recording diagnosis: average envelope spectra, amplitude spectra and velocity power over
 * 50 % overlapping frames, then estimate the shaft rate and name the fault by the documented
 * rules (docs/DIAGNOSTICS.md). */
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

struct vigil_diagnosis {
    double rate;
    size_t n, hop, nbins;
    int started;
    /* configuration */
    int has_bearing;
    double balls, bd, pitch, angle;
    double shaft_hz;
    double shaft_lo, shaft_hi; /* range of the estimate; 0,0 the default */
    double band_lo, band_hi;   /* 0,0 auto; default 0, rate (whole spectrum) */
    double scale;              /* m/s^2 per unit; 0: no severity */
    int machine_class;
    /* per-frame machinery */
    double *buf, *window, *psd, *env, *scratch;
    double s1, s2;
    vigil__fft *fft;
    vigil__env *envelope;
    size_t fill;
    /* accumulators */
    size_t frames;
    double *env_sum, *amp_sum; /* sums of the frames' envelope and amplitude spectra */
    double *amp;               /* their mean amplitude spectrum, at decide */
    double v2_sum, last_lo, last_hi;
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
    free(d->buf);
    free(d->window);
    free(d->psd);
    free(d->env);
    free(d->scratch);
    free(d->env_sum);
    free(d->amp_sum);
    free(d->amp);
    vigil__fft_destroy(d->fft);
    vigil__env_destroy(d->envelope);
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
    d->hop = frame / 2;
    d->nbins = frame / 2 + 1;
    d->band_lo = 0.0;
    d->band_hi = rate; /* past rate/2: every bin from 1 up */
    const size_t nb = d->nbins;
    d->buf = malloc(frame * sizeof *d->buf);
    d->window = malloc(frame * sizeof *d->window);
    d->psd = malloc(nb * sizeof *d->psd);
    d->env = malloc(nb * sizeof *d->env);
    d->scratch = malloc(nb * sizeof *d->scratch);
    d->env_sum = calloc(nb, sizeof *d->env_sum);
    d->amp_sum = calloc(nb, sizeof *d->amp_sum);
    d->amp = malloc(nb * sizeof *d->amp);
    int rc = VIGIL_ENOMEM;
    if (d->buf && d->window && d->psd && d->env && d->scratch && d->env_sum && d->amp_sum &&
        d->amp)
        rc = vigil__fft_create(frame, &d->fft);
    if (rc == VIGIL_OK)
        rc = vigil__env_create(rate, frame, d->band_lo, d->band_hi, 1, &d->envelope);
    if (rc != VIGIL_OK) {
        vigil_diagnosis_destroy(d);
        return vigil__status(rc);
    }
    vigil__hann(d->window, frame, &d->s1, &d->s2);
    *out = d;
    return VIGIL_OK;
}

static int configurable(const vigil_diagnosis *d)
{
    if (!d)
        return vigil__status(VIGIL_EINVAL);
    if (d->started)
        return vigil__fail(VIGIL_ESTATE, "configuration is frozen once samples are pushed: reset first");
    return VIGIL_OK;
}

int vigil_diagnosis_set_bearing(vigil_diagnosis *d, double balls, double ball_d, double pitch,
                                double angle_deg)
{
    int rc = configurable(d);
    if (rc == VIGIL_OK)
        rc = vigil__bearing_check(balls, ball_d, pitch, angle_deg);
    if (rc)
        return rc;
    d->has_bearing = 1;
    d->balls = balls;
    d->bd = ball_d;
    d->pitch = pitch;
    d->angle = angle_deg;
    return VIGIL_OK;
}

int vigil_diagnosis_set_shaft_hz(vigil_diagnosis *d, double shaft_hz)
{
    int rc = configurable(d);
    if (rc)
        return rc;
    rc = vigil__shaft_check(d->rate, shaft_hz);
    if (rc)
        return rc;
    d->shaft_hz = shaft_hz;
    return VIGIL_OK;
}

int vigil_diagnosis_set_shaft_range(vigil_diagnosis *d, double lo_hz, double hi_hz)
{
    int rc = configurable(d);
    if (rc)
        return rc;
    rc = vigil__shaft_range_check(d->rate, lo_hz, hi_hz);
    if (rc)
        return rc;
    d->shaft_lo = lo_hz;
    d->shaft_hi = hi_hz;
    return VIGIL_OK;
}

int vigil_diagnosis_set_band(vigil_diagnosis *d, double lo_hz, double hi_hz)
{
    int rc = configurable(d);
    if (rc)
        return rc;
    const int automatic = lo_hz == 0.0 && hi_hz == 0.0;
    const double df = d->rate / (double)d->n;
    if (!automatic && (!isfinite(lo_hz) || !isfinite(hi_hz) || lo_hz < 0.0 || lo_hz >= hi_hz ||
                       lo_hz >= d->rate / 2.0 || hi_hz - lo_hz < 2.0 * df))
        return vigil__fail(VIGIL_EINVAL,
                           "envelope band must be 0,0 (automatic) or 0 <= lo < hi, lo < %g Hz, "
                           "at least 2 bins wide (got %g-%g)", d->rate / 2.0, lo_hz, hi_hz);
    vigil__env *e = NULL;
    rc = vigil__env_create(d->rate, d->n, lo_hz, hi_hz, 1, &e);
    if (rc)
        return vigil__status(rc);
    vigil__env_destroy(d->envelope);
    d->envelope = e;
    d->band_lo = lo_hz;
    d->band_hi = hi_hz;
    return VIGIL_OK;
}

int vigil_diagnosis_set_severity(vigil_diagnosis *d, int units, int machine_class)
{
    int rc = configurable(d);
    if (rc)
        return rc;
    if (vigil__units_scale(units) == 0.0)
        return vigil__fail(VIGIL_EINVAL, "unknown units %d", units);
    if (vigil_severity_zone(0.0, machine_class) < 0)
        return vigil__fail(VIGIL_EINVAL, "unknown machine class %d", machine_class);
    d->scale = vigil__units_scale(units);
    d->machine_class = machine_class;
    return VIGIL_OK;
}

int vigil_diagnosis_reset(vigil_diagnosis *d)
{
    if (!d)
        return vigil__status(VIGIL_EINVAL);
    d->started = 0;
    d->fill = 0;
    d->frames = 0;
    memset(d->env_sum, 0, d->nbins * sizeof *d->env_sum);
    memset(d->amp_sum, 0, d->nbins * sizeof *d->amp_sum);
    d->v2_sum = 0.0;
    d->decided = 0;
    d->reason[0] = '\0';
    return VIGIL_OK;
}

/* Process the complete frame in d->buf. */
static void process_frame(vigil_diagnosis *d)
{
    const size_t n = d->n;
    double *y = vigil__fft_input(d->fft);
    double mean = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += d->buf[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        y[i] = (d->buf[i] - mean) * d->window[i];
    vigil__fft_execute(d->fft);
    const double *spec = vigil__fft_output(d->fft);
    vigil__psd(spec, n, d->rate, d->s2, d->psd);
    vigil__env_spectrum(d->envelope, spec, d->env, &d->last_lo, &d->last_hi);
    for (size_t k = 0; k < d->nbins; k++) {
        d->env_sum[k] += d->env[k];
        d->amp_sum[k] += vigil__amplitude(spec, k, n, d->s1);
    }
    if (d->scale > 0.0)
        d->v2_sum += vigil__velocity_ms2(d->psd, d->nbins, d->rate / (double)n, d->scale);
    d->frames++;
}

int vigil_diagnosis_push(vigil_diagnosis *d, const double *x, size_t n)
{
    if (!d || (n > 0 && !x))
        return vigil__status(VIGIL_EINVAL);
    if (!d->has_bearing)
        return vigil__fail(VIGIL_ESTATE, "set the bearing (vigil_diagnosis_set_bearing) first");
    for (size_t i = 0; i < n; i++)
        if (!(fabs(x[i]) <= VIGIL_SAMPLE_MAX))
            return vigil__fail(VIGIL_ENONFINITE, "sample %zu of the chunk is %s; chunk rejected",
                               i, vigil__sample_problem(x[i]));
    d->started = 1;
    size_t i = 0;
    while (i < n) {
        size_t c = d->n - d->fill;
        if (c > n - i)
            c = n - i;
        memcpy(d->buf + d->fill, x + i, c * sizeof *x);
        d->fill += c;
        i += c;
        if (d->fill == d->n) {
            process_frame(d);
            memmove(d->buf, d->buf + d->hop, (d->n - d->hop) * sizeof *d->buf);
            d->fill = d->n - d->hop;
        }
    }
    return VIGIL_OK;
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
    if (d->frames == 0)
        return vigil__fail(VIGIL_ENODATA, "no complete frame of %zu samples yet", d->n);
    const double nf = (double)d->frames;
    const double df = d->rate / (double)d->n;
    for (size_t k = 0; k < d->nbins; k++) {
        d->env[k] = d->env_sum[k] / nf;
        d->amp[k] = d->amp_sum[k] / nf;
    }
    /* The shaft rate and its orders from the mean amplitude spectrum: its lines stand out of
     * the averaged noise, so one estimate per recording is steadier than a mean of per-frame
     * estimates that jump between 1x, 2x and 3x. */
    const vigil__amps amps = {d->amp, NULL, d->n, d->nbins, d->s1, df};
    const double fr =
        d->shaft_hz > 0.0 ? d->shaft_hz
                          : vigil__shaft_estimate(&amps, d->shaft_lo, d->shaft_hi, nf);
    double orders[VIGIL_DEFECT_COUNT];
    vigil__bearing_orders(d->balls, d->bd, d->pitch, d->angle, orders);
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
    v[VIGIL_DIAG_BAND_LO] = d->last_lo;
    v[VIGIL_DIAG_BAND_HI] = d->last_hi;
    const double two_pi = 6.28318530717958647692;
    if (d->scale > 0.0) {
        v[VIGIL_DIAG_VELOCITY_RMS] = sqrt(d->v2_sum / nf);
        v[VIGIL_DIAG_ISO_ZONE] = vigil_severity_zone(v[VIGIL_DIAG_VELOCITY_RMS], d->machine_class);
        if (fr > 0.0)
            v[VIGIL_DIAG_ORDER_1X_VELOCITY] =
                v[VIGIL_DIAG_ORDER_1X] * d->scale / (two_pi * fr) / sqrt(2.0) * 1000.0;
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
        const double t = vigil__noise_threshold(nf, w, VIGIL_DIAG_FALSE_ALARM / 4.0);
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
    const char *const estimated = d->shaft_hz > 0.0 ? "" : " estimated";
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
        if (d->scale > 0.0 && v[VIGIL_DIAG_ISO_ZONE] >= 3 && p1 * p1 >= 0.5 * vr * vr) {
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
            if (d->scale > 0.0)
                append(r, cap, "; 1x line %.2f mm/s of %.2f mm/s", p1, vr);
        }
    }
    if (d->scale > 0.0)
        append(r, cap, "; severity %.2f mm/s RMS 10-1000 Hz, ISO 10816-3 zone %c",
               v[VIGIL_DIAG_VELOCITY_RMS], zone_letter(v[VIGIL_DIAG_ISO_ZONE]));
    append(r, cap, " (%zu frames)", d->frames);
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
