/* Shaft orders: the amplitude spectrum at 1x, 2x, 3x the shaft rate (imbalance, misalignment,
 * looseness), with the rate given or estimated; and the extractor group order_*. */
#include "vigil/orders.h"

#include "vigil/bearing.h"
#include "orders.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>

double vigil__amplitude(const double *spec, size_t k, size_t n, double s1)
{
    const double ck = (k == 0 || 2 * k == n) ? 1.0 : 2.0;
    return ck * hypot(spec[2 * k], spec[2 * k + 1]) / s1;
}

double vigil__shaft_estimate(const vigil__frame *f)
{
    size_t k0 = (size_t)ceil(VIGIL_SHAFT_MIN_HZ / f->df);
    size_t k1 = (size_t)floor(VIGIL_SHAFT_MAX_HZ / f->df);
    if (k0 < 1)
        k0 = 1;
    if (k1 > f->nbins - 2)
        k1 = f->nbins - 2;
    if (k1 < k0)
        return 0.0;
    size_t best = k0;
    double ab = vigil__amplitude(f->spec, k0, f->n, f->s1);
    for (size_t k = k0 + 1; k <= k1; k++) {
        const double a = vigil__amplitude(f->spec, k, f->n, f->s1);
        if (a > ab) {
            ab = a;
            best = k;
        }
    }
    const double am = vigil__amplitude(f->spec, best - 1, f->n, f->s1);
    const double ap = vigil__amplitude(f->spec, best + 1, f->n, f->s1);
    const double den = am - 2.0 * ab + ap;
    double delta = den < 0.0 ? 0.5 * (am - ap) / den : 0.0;
    if (delta > 0.5)
        delta = 0.5;
    if (delta < -0.5)
        delta = -0.5;
    return ((double)best + delta) * f->df;
}

double vigil__order_amplitude(const vigil__frame *f, double hz)
{
    if (!(hz > 0.0))
        return 0.0;
    double tol = 0.01 * hz;
    if (tol < f->df)
        tol = f->df;
    const double lo = ceil((hz - tol) / f->df), hi = floor((hz + tol) / f->df);
    if (lo > (double)(f->nbins - 1))
        return 0.0;
    size_t k0 = lo < 1.0 ? 1 : (size_t)lo;
    size_t k1 = hi > (double)(f->nbins - 1) ? f->nbins - 1 : (size_t)hi;
    double best = 0.0;
    for (size_t k = k0; k <= k1; k++) {
        const double a = vigil__amplitude(f->spec, k, f->n, f->s1);
        if (a > best)
            best = a;
    }
    return best;
}

static const char *const order_names[VIGIL_ORDERS_COLS] = {"order_1x", "order_2x", "order_3x",
                                                           "shaft_hz"};

static void orders_compute(void *self, const vigil__frame *f, double *out)
{
    const vigil__machine *m = self;
    const double fr = m->shaft_hz > 0.0 ? m->shaft_hz : vigil__shaft_estimate(f);
    for (int h = 1; h <= 3; h++)
        out[h - 1] = vigil__order_amplitude(f, h * fr);
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
                                      VIGIL_ORDERS_COLS, order_names);
}
