/* Envelope analysis: band-pass in the frequency domain, analytic signal by inverse FFT, envelope
 * spectrum; the automatic band by spectral kurtosis over dyadic bands (a simplified fast
 * kurtogram); and the extractor group env_*. Definitions and rationale: docs/DIAGNOSTICS.md. */
#include "vigil/envelope.h"

#include "vigil/bearing.h"
#include "bearing.h"
#include "envelope.h"
#include "feature_group.h"
#include "orders.h"
#include "spectrum.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vigil__env {
    double rate;
    size_t n, nbins;
    int whiten;
    int automatic;
    size_t k0, k1;      /* fixed band, bins [k0, k1) */
    vigil__cfft *inv;   /* analytic signal */
    vigil__fft *fwd;    /* envelope spectrum */
    double *w;          /* periodic Hann */
    double s1;
};

static size_t bin_at_or_above(double f, double rate, size_t n, size_t nbins)
{
    /* the first k with k*rate/n >= f, by the same expression as FEATURES.md's f_k */
    double kf = ceil(f * (double)n / rate);
    size_t k = kf < 0.0 ? 0 : kf > (double)nbins ? nbins : (size_t)kf;
    while (k > 0 && (double)(k - 1) * rate / (double)n >= f)
        k--;
    while (k < nbins && (double)k * rate / (double)n < f)
        k++;
    return k;
}

int vigil__env_create(double rate, size_t n, double lo, double hi, int whiten, vigil__env **out)
{
    *out = NULL;
    vigil__env *e = calloc(1, sizeof *e);
    if (!e)
        return VIGIL_ENOMEM;
    e->rate = rate;
    e->n = n;
    e->nbins = n / 2 + 1;
    e->whiten = whiten;
    e->automatic = lo == 0.0 && hi == 0.0;
    if (!e->automatic) {
        e->k0 = bin_at_or_above(lo, rate, n, e->nbins);
        e->k1 = bin_at_or_above(hi, rate, n, e->nbins);
        if (e->k0 < 1)
            e->k0 = 1;
    }
    e->w = malloc(n * sizeof *e->w);
    int rc = e->w ? vigil__cfft_create(n, 1, &e->inv) : VIGIL_ENOMEM;
    if (rc == VIGIL_OK)
        rc = vigil__fft_create(n, &e->fwd);
    if (rc != VIGIL_OK) {
        vigil__env_destroy(e);
        return rc;
    }
    const double pi = 3.14159265358979323846;
    e->s1 = 0.0;
    for (size_t i = 0; i < n; i++) {
        e->w[i] = 0.5 - 0.5 * cos(2.0 * pi * (double)i / (double)n);
        e->s1 += e->w[i];
    }
    *out = e;
    return VIGIL_OK;
}

void vigil__env_destroy(vigil__env *e)
{
    if (!e)
        return;
    vigil__cfft_destroy(e->inv);
    vigil__fft_destroy(e->fwd);
    free(e->w);
    free(e);
}

size_t vigil__env_memory(const vigil__env *e)
{
    return sizeof *e + e->n * sizeof(double) + vigil__cfft_memory(e->inv) +
           vigil__fft_memory(e->fwd);
}

/* Fill the inverse-FFT input with the one-sided band [k0, k1) of spec (x2, Nyquist x1, so that
 * the output is the analytic signal times n) and run it. */
static void analytic(vigil__env *e, const double *spec, size_t k0, size_t k1, int whiten)
{
    double *c = vigil__cfft_input(e->inv);
    memset(c, 0, 2 * e->n * sizeof *c);
    for (size_t k = k0; k < k1; k++) {
        double re = spec[2 * k], im = spec[2 * k + 1];
        if (whiten) {
            const double m = hypot(re, im);
            if (m > 0.0) {
                re /= m;
                im /= m;
            }
        }
        const double g = (2 * k == e->n) ? 1.0 : 2.0;
        c[2 * k] = g * re;
        c[2 * k + 1] = g * im;
    }
    vigil__cfft_execute(e->inv);
}

/* Spectral kurtosis of a band: kurtosis of the complex envelope over the middle half of the
 * frame (where the Hann window is >= 0.5, so the window's own taper does not look impulsive):
 * mean(|c|^4) / mean(|c|^2)^2 - 2 (0 for Gaussian noise, > 0 for impulses). */
static double band_kurtosis(vigil__env *e, const double *spec, size_t k0, size_t k1)
{
    if (k1 <= k0)
        return -INFINITY;
    analytic(e, spec, k0, k1, 0);
    const double *c = vigil__cfft_output(e->inv);
    double s2 = 0.0, s4 = 0.0;
    for (size_t i = e->n / 4; i < 3 * e->n / 4; i++) {
        const double p = c[2 * i] * c[2 * i] + c[2 * i + 1] * c[2 * i + 1];
        s2 += p;
        s4 += p * p;
    }
    const double m = (double)(3 * e->n / 4 - e->n / 4);
    if (s2 <= 0.0)
        return -INFINITY;
    return (s4 / m) / ((s2 / m) * (s2 / m)) - 2.0;
}

void vigil__env_spectrum(vigil__env *e, const double *spec, double *env, double *band_lo,
                         double *band_hi)
{
    size_t k0 = e->k0, k1 = e->k1;
    if (e->automatic) {
        /* Dyadic bands of level L: [b, b+1) * (rate/2) / 2^L. Ties keep the first (widest,
         * lowest) band, so the choice is deterministic. */
        double best = -INFINITY;
        k0 = 1;
        k1 = e->nbins;
        for (int level = 1; level <= VIGIL__SK_LEVELS; level++) {
            const size_t nb = (size_t)1 << level;
            const double bw = e->rate / 2.0 / (double)nb;
            for (size_t b = 0; b < nb; b++) {
                size_t a0 = bin_at_or_above((double)b * bw, e->rate, e->n, e->nbins);
                size_t a1 = bin_at_or_above((double)(b + 1) * bw, e->rate, e->n, e->nbins);
                if (b + 1 == nb)
                    a1 = e->nbins; /* the top band includes the Nyquist bin */
                if (a0 < 1)
                    a0 = 1;
                const double kurt = band_kurtosis(e, spec, a0, a1);
                if (kurt > best) {
                    best = kurt;
                    k0 = a0;
                    k1 = a1;
                }
            }
        }
    }
    *band_lo = (double)k0 * e->rate / (double)e->n;
    *band_hi = (double)k1 * e->rate / (double)e->n;
    analytic(e, spec, k0, k1, e->whiten);
    const double *c = vigil__cfft_output(e->inv);
    double *y = vigil__fft_input(e->fwd);
    double sum = 0.0;
    for (size_t i = 0; i < e->n; i++) {
        y[i] = hypot(c[2 * i], c[2 * i + 1]) / (double)e->n;
        sum += y[i];
    }
    /* The input frame was Hann-windowed, so the envelope is (very nearly) the window times the
     * envelope of the raw frame: removing mean*window leaves a windowed, mean-free envelope. */
    const double m = sum / e->s1;
    for (size_t i = 0; i < e->n; i++)
        y[i] -= m * e->w[i];
    vigil__fft_execute(e->fwd);
    const double *z = vigil__fft_output(e->fwd);
    for (size_t k = 0; k < e->nbins; k++) {
        const double ck = (k == 0 || 2 * k == e->n) ? 1.0 : 2.0;
        env[k] = ck * hypot(z[2 * k], z[2 * k + 1]) / e->s1;
    }
}

/* k-th smallest of a[0..n) (0-based), reordering a (Hoare's selection). */
static double select_kth(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        const double pivot = a[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                const double t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];
    }
    return a[k];
}

static double median(double *a, size_t n)
{
    if (n == 0)
        return 0.0;
    const double hi = select_kth(a, n, n / 2);
    if (n % 2)
        return hi;
    const double lo = select_kth(a, n, n / 2 - 1);
    return 0.5 * (lo + hi);
}

void vigil__line(const double *a, size_t nbins, double df, double f, double tol, double *scratch,
                 double *amp, double *floor_, double *freq)
{
    *amp = *floor_ = *freq = 0.0;
    if (!(f > 0.0) || nbins < 2)
        return;
    const double lo = floor(f * (1.0 - tol) / df), hi = ceil(f * (1.0 + tol) / df);
    if (lo > (double)(nbins - 1))
        return;
    size_t k0 = lo < 1.0 ? 1 : (size_t)lo;
    size_t k1 = hi > (double)(nbins - 1) ? nbins - 1 : (size_t)hi;
    size_t kmax = k0;
    for (size_t k = k0; k <= k1; k++)
        if (a[k] > a[kmax])
            kmax = k;
    *amp = a[kmax];
    *freq = (double)kmax * df;
    double wf = ceil(VIGIL__FLOOR_FRACTION * f / df);
    size_t w = wf < VIGIL__FLOOR_MIN_BINS ? VIGIL__FLOOR_MIN_BINS : wf > (double)nbins ? nbins : (size_t)wf;
    size_t m = 0;
    for (size_t k = k0 > w ? k0 - w : 1; k < k0; k++)
        scratch[m++] = a[k];
    for (size_t k = k1 + 1; k <= k1 + w && k < nbins; k++)
        scratch[m++] = a[k];
    *floor_ = median(scratch, m);
}

double vigil__prominence(double amp, double floor_)
{
    return floor_ > 0.0 ? amp / floor_ : 0.0;
}

int vigil__env_band_check(double rate, size_t n, double lo_hz, double hi_hz)
{
    const int automatic = lo_hz == 0.0 && hi_hz == 0.0;
    if (!automatic && (!isfinite(lo_hz) || !isfinite(hi_hz) || lo_hz < 0.0 || lo_hz >= hi_hz ||
                       lo_hz >= rate / 2.0))
        return vigil__fail(VIGIL_EINVAL,
                           "envelope band must be 0,0 (automatic) or 0 <= lo < hi, lo < %g Hz "
                           "(got %g-%g)", rate / 2.0, lo_hz, hi_hz);
    if (!automatic && (double)(bin_at_or_above(hi_hz, rate, n, n / 2 + 1)) -
                          (double)bin_at_or_above(lo_hz, rate, n, n / 2 + 1) < 2.0)
        return vigil__fail(VIGIL_EINVAL, "envelope band %g-%g Hz holds fewer than 2 bins of %g Hz",
                           lo_hz, hi_hz, rate / (double)n);
    return VIGIL_OK;
}

/* ---- the extractor group ------------------------------------------------------------------ */

/* Line amplitudes grow with a defect and scale with the signal; prominences (line over the
 * local floor) are ratios already; the band edges are settings, not health.
 * Bearing-aware defaults (issue 16): the amplitudes at BPFO, BPFI and BSF join the monitor's
 * default selection when the shaft rate is configured. A localised race or rolling-element
 * defect strikes the resonances of the structure at the defect frequency; the envelope of the
 * signal then carries lines there while the impacts' energy is still far below the overall
 * RMS (R. B. Randall, J. Antoni, "Rolling element bearing diagnostics - a tutorial", MSSP 25
 * (2011) 485-520, sections 3-4). With a shaft rate estimated per frame the line is looked for
 * wherever the estimate lands, and its amplitude varies with the estimate rather than with
 * health. The cage (FTF) line is left out: it lies at 0.4 x shaft, among the shaft's own
 * modulations, and a cage fault shows as sidebands rather than a line of its own (ibid. 3.1).
 * Prominences stay out: the line over the local floor is a ratio of two noisy estimates whose
 * healthy spread is wide; the amplitude already grows with the defect. */
const vigil__column vigil__envelope_columns[VIGIL_ENVELOPE_COLS] = {
    {"env_ftf", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, 0, "signal"},
    {"env_bpfo", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, VIGIL__SEL_SHAFT_KNOWN, "signal"},
    {"env_bpfi", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, VIGIL__SEL_SHAFT_KNOWN, "signal"},
    {"env_bsf", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, VIGIL__SEL_SHAFT_KNOWN, "signal"},
    {"env_ftf_prom", VIGIL_DIR_UP, VIGIL_COMMON_DIFF, 0, ""},
    {"env_bpfo_prom", VIGIL_DIR_UP, VIGIL_COMMON_DIFF, 0, ""},
    {"env_bpfi_prom", VIGIL_DIR_UP, VIGIL_COMMON_DIFF, 0, ""},
    {"env_bsf_prom", VIGIL_DIR_UP, VIGIL_COMMON_DIFF, 0, ""},
    {"env_band_lo", VIGIL_DIR_BOTH, VIGIL_COMMON_NONE, 0, "Hz"},
    {"env_band_hi", VIGIL_DIR_BOTH, VIGIL_COMMON_NONE, 0, "Hz"},
};

typedef struct env_group {
    vigil__env *env;
    const vigil__machine *machine;
    double *spectrum; /* nbins */
    double *scratch;  /* nbins */
    size_t nbins;
} env_group;

static void env_compute(void *self, const vigil__frame *f, double *out)
{
    env_group *g = self;
    vigil__env_spectrum(g->env, f->spec, g->spectrum, &out[8], &out[9]);
    double fr = g->machine->shaft_hz;
    if (fr == 0.0) {
        const vigil__amps a = vigil__frame_amps(f);
        fr = vigil__shaft_estimate(&a, g->machine->shaft_lo, g->machine->shaft_hi, 1.0);
    }
    double orders[VIGIL_DEFECT_COUNT];
    vigil__bearing_orders(g->machine->balls, g->machine->d, g->machine->pitch,
                          g->machine->angle_deg, orders);
    for (int d = 0; d < VIGIL_DEFECT_COUNT; d++) {
        double asum = 0.0, fsum = 0.0;
        for (int h = 1; h <= 3; h++) {
            double amp, fl, fq;
            vigil__line(g->spectrum, f->nbins, f->df, h * orders[d] * fr, VIGIL__LINE_TOL,
                        g->scratch, &amp, &fl, &fq);
            asum += amp;
            fsum += fl;
        }
        out[d] = asum;
        out[VIGIL_DEFECT_COUNT + d] = vigil__prominence(asum, fsum);
    }
}

static void env_destroy(void *self)
{
    env_group *g = self;
    if (!g)
        return;
    vigil__env_destroy(g->env);
    free(g->spectrum);
    free(g->scratch);
    free(g);
}

static size_t env_memory(const void *self)
{
    const env_group *g = self;
    return sizeof *g + vigil__env_memory(g->env) + 2 * g->nbins * sizeof(double);
}

static const vigil__group_ops env_ops = {env_compute, NULL, env_destroy, env_memory};

int vigil_extractor_enable_envelope(vigil_extractor *ex, double lo_hz, double hi_hz)
{
    int rc = vigil__extractor_configurable(ex);
    if (rc)
        return rc;
    const double rate = vigil_extractor_rate(ex);
    const size_t n = vigil_extractor_frame(ex);
    rc = vigil__env_band_check(rate, n, lo_hz, hi_hz);
    if (rc)
        return rc;
    vigil__machine *m = vigil__extractor_machine(ex);
    if (!m->has_bearing)
        return vigil__fail(VIGIL_ESTATE, "set the bearing (vigil_extractor_set_bearing) first");
    env_group *g = calloc(1, sizeof *g);
    if (!g)
        return vigil__status(VIGIL_ENOMEM);
    g->machine = m;
    g->nbins = n / 2 + 1;
    g->spectrum = malloc((n / 2 + 1) * sizeof *g->spectrum);
    g->scratch = malloc((n / 2 + 1) * sizeof *g->scratch);
    rc = (g->spectrum && g->scratch) ? vigil__env_create(rate, n, lo_hz, hi_hz, 1, &g->env)
                                     : VIGIL_ENOMEM;
    if (rc != VIGIL_OK) {
        env_destroy(g);
        return vigil__status(rc);
    }
    return vigil__extractor_add_group(ex, &env_ops, g, VIGIL_ENVELOPE_COLS,
                                      vigil__envelope_columns);
}
