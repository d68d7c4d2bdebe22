/* Shaft orders: the amplitude spectrum at 1x, 2x, 3x the shaft rate (imbalance, misalignment,
 * looseness), with the rate given or estimated (within a range); and the extractor group
 * order_*. */
#include "vigil/orders.h"

#include "vigil/bearing.h"
#include "evidence.h"
#include "orders.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>

double vigil__amplitude(const double *spec, size_t k, size_t n, double s1)
{
    const double ck = (k == 0 || 2 * k == n) ? 1.0 : 2.0;
    return ck * hypot(spec[2 * k], spec[2 * k + 1]) / s1;
}

vigil__amps vigil__frame_amps(const vigil__frame *f)
{
    const vigil__amps a = {NULL, f->spec, f->n, f->nbins, f->s1, f->df};
    return a;
}

static double amp_at(const vigil__amps *a, size_t k)
{
    return a->amp ? a->amp[k] : vigil__amplitude(a->spec, k, a->n, a->s1);
}

/* The first bin of k0..k1 with the largest amplitude. */
static size_t argmax(const vigil__amps *a, size_t k0, size_t k1)
{
    size_t best = k0;
    double ab = amp_at(a, k0);
    for (size_t k = k0 + 1; k <= k1; k++) {
        const double v = amp_at(a, k);
        if (v > ab) {
            ab = v;
            best = k;
        }
    }
    return best;
}

/* Bin k (1 <= k <= nbins - 2) refined by a parabola through it and its neighbours, in Hz. */
static double refine(const vigil__amps *a, size_t k)
{
    const double am = amp_at(a, k - 1), ab = amp_at(a, k), ap = amp_at(a, k + 1);
    const double den = am - 2.0 * ab + ap;
    double delta = den < 0.0 ? 0.5 * (am - ap) / den : 0.0;
    if (delta > 0.5)
        delta = 0.5;
    if (delta < -0.5)
        delta = -0.5;
    return ((double)k + delta) * a->df;
}

#define FLOOR_BINS 16 /* neighbours on each side of a line whose median is its floor */

/* Median of v[0..m), m <= 2 FLOOR_BINS (sorts v in place; numpy's for an even m). */
static double small_median(double *v, size_t m)
{
    if (m == 0)
        return 0.0;
    for (size_t i = 1; i < m; i++) {
        const double x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Is there a line near hz? The largest of the three bins nearest it (*kline), over the median of
 * the FLOOR_BINS bins beyond them on each side, must reach VIGIL__SHAFT_LINE_PROM and the level
 * that noise alone reaches with probability VIGIL__SHAFT_FALSE_JUMP / 2 in a spectrum averaged
 * over `frames` frames (the defect lines' noise model, lib/evidence.h: 3.56 for one frame).
 * Needs nbins >= 3. */
static int has_line(const vigil__amps *a, double hz, double frames, size_t *kline)
{
    const size_t last = a->nbins - 2;
    const double c = floor(hz / a->df + 0.5);
    const size_t kc = c < 1.0 ? 1 : c > (double)last ? last : (size_t)c;
    const size_t k0 = kc > 1 ? kc - 1 : 1, k1 = kc + 1 <= last ? kc + 1 : last;
    *kline = argmax(a, k0, k1);
    double v[2 * FLOOR_BINS];
    size_t m = 0;
    for (size_t k = k0 > FLOOR_BINS ? k0 - FLOOR_BINS : 1; k < k0; k++)
        v[m++] = amp_at(a, k);
    for (size_t k = k1 + 1; k <= k1 + FLOOR_BINS && k < a->nbins; k++)
        v[m++] = amp_at(a, k);
    const double floor_ = small_median(v, m);
    if (!(floor_ > 0.0) || amp_at(a, *kline) < VIGIL__SHAFT_LINE_PROM * floor_)
        return 0;
    return amp_at(a, *kline) >= vigil__noise_threshold(frames, k1 - k0 + 1,
                                                       VIGIL__SHAFT_FALSE_JUMP / 2.0) * floor_;
}

double vigil__shaft_estimate(const vigil__amps *a, double lo, double hi, double frames)
{
    if (!(hi > 0.0)) {
        lo = VIGIL_SHAFT_MIN_HZ;
        hi = VIGIL_SHAFT_MAX_HZ;
    }
    if (a->nbins < 3)
        return 0.0;
    /* The bins nearest some frequency of the range: at least one, even when the range is
     * narrower than a bin; bin 0 (DC) and the last bin (no right neighbour) are not used. */
    const double last = (double)(a->nbins - 2);
    double b0 = ceil(lo / a->df - 0.5), b1 = floor(hi / a->df + 0.5);
    b0 = b0 < 1.0 ? 1.0 : b0 > last ? last : b0;
    b1 = b1 < b0 ? b0 : b1 > last ? last : b1;
    double f = refine(a, argmax(a, (size_t)b0, (size_t)b1));
    /* The largest line is often 2x (misalignment, or the supply's line frequency beside it) or 3x;
     * the 1x line of a rotating shaft is rarely absent. A real line at f/3, else at f/2, is 1x. */
    /* Repeated from each new estimate (at most 4 jumps): a 2x line that was itself reached from
     * a larger 4x one (a 4-pole motor's 100 Hz magnetostriction line above its 50 Hz supply
     * line, the rotor at 25 Hz below) still gets its own 1/2 and 1/3 tested. */
    for (int jump = 0; jump < 4; jump++) {
        int moved = 0;
        for (int m = 3; m >= 2 && !moved; m--) {
            size_t k;
            if (f / m >= lo && has_line(a, f / m, frames, &k)) {
                f = refine(a, k);
                moved = 1;
            }
        }
        if (!moved)
            break;
    }
    return f < lo ? lo : f > hi ? hi : f;
}

double vigil__order_amplitude(const vigil__amps *a, double hz)
{
    if (!(hz > 0.0))
        return 0.0;
    double tol = 0.01 * hz;
    if (tol < a->df)
        tol = a->df;
    const double lo = ceil((hz - tol) / a->df), hi = floor((hz + tol) / a->df);
    if (lo > (double)(a->nbins - 1))
        return 0.0;
    size_t k0 = lo < 1.0 ? 1 : (size_t)lo;
    size_t k1 = hi > (double)(a->nbins - 1) ? a->nbins - 1 : (size_t)hi;
    double best = 0.0;
    for (size_t k = k0; k <= k1; k++) {
        const double v = amp_at(a, k);
        if (v > best)
            best = v;
    }
    return best;
}

/* Harmonic amplitudes grow with unbalance, misalignment and looseness; the shaft rate is the
 * operating point, shared by every channel of the machine. */
const vigil__column vigil__orders_columns[VIGIL_ORDERS_COLS] = {
    {"order_1x", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, 0, "signal"},
    {"order_2x", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, 0, "signal"},
    {"order_3x", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, 0, "signal"},
    {"shaft_hz", VIGIL_DIR_BOTH, VIGIL_COMMON_NONE, 0, "Hz"},
};

static void orders_compute(void *self, const vigil__frame *f, double *out)
{
    const vigil__machine *m = self;
    const vigil__amps a = vigil__frame_amps(f);
    const double fr =
        m->shaft_hz > 0.0 ? m->shaft_hz : vigil__shaft_estimate(&a, m->shaft_lo, m->shaft_hi, 1.0);
    for (int h = 1; h <= 3; h++)
        out[h - 1] = vigil__order_amplitude(&a, h * fr);
    out[3] = fr;
}

/* The group's state is the extractor's machine facts, which the extractor owns. */
static void orders_destroy(void *self) { (void)self; }

static const vigil__group_ops orders_ops = {orders_compute, NULL, orders_destroy, NULL};

int vigil_extractor_enable_orders(vigil_extractor *ex)
{
    int rc = vigil__extractor_configurable(ex);
    if (rc)
        return rc;
    return vigil__extractor_add_group(ex, &orders_ops, vigil__extractor_machine(ex),
                                      VIGIL_ORDERS_COLS, vigil__orders_columns);
}
