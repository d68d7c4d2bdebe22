/* Detector 4: Half-Space Trees (Tan, Ting & Liu, "Fast anomaly detection for streaming data",
 * IJCAI 2011), for baselines that are not Gaussian (several operating points mixed, skewed
 * features). Each of T = 25 trees splits a random dimension at the middle of its current range,
 * to depth 10, over a work space randomly enlarged around the training range (as in the paper);
 * the training rows give every node a mass. A row's tree score is m * 2^depth at the first node
 * on its path whose mass is <= 0.1 * n (the paper's size limit) or at a leaf; healthy rows give
 * about n per tree. The detector's score is the mass deficit T n / (S + 1): about 1 or less for
 * a typical healthy row, up to T n for a row in empty space (always > 0, never clipped, so the
 * calibration quantile stays meaningful). Randomness comes only from the
 * seed (splitmix64), so a fit is reproducible bit for bit. Online update follows the paper:
 * masses of a latest window of n rows replace the reference masses when the window is full.
 * Explanation: in each tree the dimension of the split that led into the low-mass node gets
 * the tree's shortfall max(0, 1 - m 2^depth / n).
 *
 * Out of the work space: a row outside a tree's work space (in any dimension) lies in a region
 * that tree never partitioned and no training row occupied, so the tree gives it mass 0, the
 * same as an empty cell (and the whole shortfall goes to the first dimension that is out).
 * Without this, a row far beyond the training range in one feature follows the outermost
 * branch of each split on that feature into a boundary cell that holds training rows, and the
 * splits on the other features (the most of a path when d is not tiny) treat it as healthy:
 * a single feature 1e9 times its baseline scored below a healthy row. The work space keeps
 * the paper's random enlargement (at least half the training range beyond each end, up to
 * twice it), so fresh healthy rows stay inside it and the calibration is unaffected; a row
 * between the training edge and the work-space edge is still judged by mass alone. Cost: one
 * comparison per tree and feature on top of the path, O(T (depth + d)), no allocation. */
#include "detector.h"

#include "status.h"
#include "vigil/monitor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TREES 25
#define DEPTH 10
#define NODES ((1u << (DEPTH + 1)) - 1u)
#define SIZE_LIMIT 0.1

typedef struct hst {
    vigil__detector base;
    uint64_t seed;
    int *dim;        /* TREES * NODES split dimension (internal nodes) */
    double *split;   /* TREES * NODES split value */
    double *ref;     /* TREES * NODES reference mass */
    double *latest;  /* TREES * NODES latest-window mass */
    double n_ref;    /* rows behind the reference masses */
    size_t window;   /* rows in the latest window so far */
    double *wlo, *whi; /* TREES * d: each tree's work space (-inf/+inf: a model saved
                          before work spaces were kept, scored as it was then) */
    int has_space;     /* wlo/whi are finite (fitted, or loaded with them): saved with them */
    double *lo, *hi;   /* scratch for building: (DEPTH + 1) * d each */
} hst;

/* Saved `window` field: bit 63 set = the work spaces follow the nodes. Older readers reject
 * such a file (window >= n_ref), and this reader still loads files without it. */
#define WINDOW_HAS_SPACE (UINT64_C(1) << 63)

static void h_destroy(vigil__detector *det)
{
    hst *h = (hst *)det;
    if (!h)
        return;
    free(h->dim);
    free(h->split);
    free(h->ref);
    free(h->latest);
    free(h->wlo);
    free(h->whi);
    free(h->lo);
    free(h->hi);
    free(h);
}

static int h_create(size_t d, const vigil__detector_params *p, vigil__detector **out)
{
    hst *h = calloc(1, sizeof *h);
    if (!h)
        return vigil__status(VIGIL_ENOMEM);
    h->base.ops = &vigil__detector_hst;
    h->base.d = d;
    h->seed = p->seed;
    h->dim = calloc((size_t)TREES * NODES, sizeof *h->dim);
    h->split = calloc((size_t)TREES * NODES, sizeof *h->split);
    h->ref = calloc((size_t)TREES * NODES, sizeof *h->ref);
    h->latest = calloc((size_t)TREES * NODES, sizeof *h->latest);
    h->wlo = malloc(TREES * d * sizeof *h->wlo);
    h->whi = malloc(TREES * d * sizeof *h->whi);
    h->lo = calloc((DEPTH + 1) * d, sizeof *h->lo);
    h->hi = calloc((DEPTH + 1) * d, sizeof *h->hi);
    if (!h->dim || !h->split || !h->ref || !h->latest || !h->wlo || !h->whi || !h->lo ||
        !h->hi) {
        h_destroy(&h->base);
        return vigil__status(VIGIL_ENOMEM);
    }
    for (size_t i = 0; i < TREES * d; i++) {
        h->wlo[i] = -INFINITY;
        h->whi[i] = INFINITY;
    }
    *out = &h->base;
    return VIGIL_OK;
}

/* Build the subtree at `node` (depth `depth`) whose box is lo/hi[depth]. */
static void build(hst *h, size_t tree, size_t node, size_t depth, uint64_t *rng)
{
    if (depth == DEPTH)
        return;
    const size_t d = h->base.d;
    size_t q = (size_t)(vigil__rand_next(rng) % d);
    double *lo = h->lo + depth * d, *hi = h->hi + depth * d;
    double mid = 0.5 * (lo[q] + hi[q]);
    h->dim[tree * NODES + node] = (int)q;
    h->split[tree * NODES + node] = mid;
    double *clo = h->lo + (depth + 1) * d, *chi = h->hi + (depth + 1) * d;
    memcpy(clo, lo, d * sizeof *lo);
    memcpy(chi, hi, d * sizeof *hi);
    chi[q] = mid;
    build(h, tree, 2 * node + 1, depth + 1, rng);
    memcpy(clo, lo, d * sizeof *lo);
    memcpy(chi, hi, d * sizeof *hi);
    clo[q] = mid;
    build(h, tree, 2 * node + 2, depth + 1, rng);
}

static void add_mass(hst *h, double *mass, const double *z)
{
    for (size_t t = 0; t < TREES; t++) {
        size_t node = 0;
        for (size_t depth = 0;; depth++) {
            mass[t * NODES + node] += 1.0;
            if (depth == DEPTH)
                break;
            size_t i = t * NODES + node;
            node = 2 * node + (z[h->dim[i]] < h->split[i] ? 1 : 2);
        }
    }
}

static int h_fit(vigil__detector *det, const double *z, size_t rows)
{
    hst *h = (hst *)det;
    const size_t d = det->d;
    uint64_t rng = h->seed;
    for (size_t t = 0; t < TREES; t++) {
        /* Work space: per dimension a random point s in the training range [mn, mx], then
         * s -/+ 2 max(s - mn, mx - s): every training row is inside, with room around. */
        for (size_t i = 0; i < d; i++) {
            double mn = z[i], mx = z[i];
            for (size_t k = 1; k < rows; k++) {
                mn = fmin(mn, z[k * d + i]);
                mx = fmax(mx, z[k * d + i]);
            }
            if (!(mx > mn)) {
                mn -= 0.5;
                mx += 0.5;
            }
            double s = mn + vigil__rand_uniform(&rng) * (mx - mn);
            double r = 2.0 * fmax(s - mn, mx - s);
            h->lo[i] = s - r;
            h->hi[i] = s + r;
            h->wlo[t * d + i] = s - r;
            h->whi[t * d + i] = s + r;
        }
        build(h, t, 0, 0, &rng);
    }
    h->has_space = 1;
    memset(h->ref, 0, (size_t)TREES * NODES * sizeof *h->ref);
    memset(h->latest, 0, (size_t)TREES * NODES * sizeof *h->latest);
    for (size_t k = 0; k < rows; k++)
        add_mass(h, h->ref, z + k * d);
    h->n_ref = (double)rows;
    h->window = 0;
    return VIGIL_OK;
}

static int h_update(vigil__detector *det, const double *z)
{
    hst *h = (hst *)det;
    add_mass(h, h->latest, z);
    if (++h->window >= (size_t)h->n_ref) {
        memcpy(h->ref, h->latest, (size_t)TREES * NODES * sizeof *h->ref);
        memset(h->latest, 0, (size_t)TREES * NODES * sizeof *h->latest);
        h->window = 0;
    }
    return VIGIL_OK;
}

static double h_score(vigil__detector *det, const double *z, double *contrib)
{
    hst *h = (hst *)det;
    const double limit = SIZE_LIMIT * h->n_ref;
    memset(contrib, 0, det->d * sizeof *contrib);
    double s = 0.0;
    for (size_t t = 0; t < TREES; t++) {
        const double *wlo = h->wlo + t * det->d, *whi = h->whi + t * det->d;
        size_t out = 0;
        while (out < det->d && z[out] >= wlo[out] && z[out] <= whi[out])
            out++;
        if (out < det->d) { /* empty region: mass 0 */
            contrib[out] += 1.0 / TREES;
            continue;
        }
        size_t node = 0, depth = 0;
        int last_dim = -1;
        while (depth < DEPTH && h->ref[t * NODES + node] > limit) {
            size_t i = t * NODES + node;
            last_dim = h->dim[i];
            node = 2 * node + (z[h->dim[i]] < h->split[i] ? 1 : 2);
            depth++;
        }
        double m = h->ref[t * NODES + node] * ldexp(1.0, (int)depth);
        s += m;
        if (last_dim >= 0)
            contrib[last_dim] += fmax(0.0, 1.0 - m / h->n_ref) / TREES;
    }
    return TREES * h->n_ref / (s + 1.0);
}

static void h_reset(vigil__detector *det)
{
    (void)det;
}

static void h_save(const vigil__detector *det, vigil__wbuf *w)
{
    const hst *h = (const hst *)det;
    vigil__put_u64(w, h->seed);
    vigil__put_f64(w, h->n_ref);
    vigil__put_u64(w, (uint64_t)h->window | (h->has_space ? WINDOW_HAS_SPACE : 0));
    for (size_t i = 0; i < (size_t)TREES * NODES; i++) {
        vigil__put_u32(w, (uint32_t)h->dim[i]);
        vigil__put_f64(w, h->split[i]);
        vigil__put_f64(w, h->ref[i]);
        vigil__put_f64(w, h->latest[i]);
    }
    if (!h->has_space)
        return; /* a model loaded from an older file: saved as it was (canonical) */
    vigil__put_f64s(w, h->wlo, TREES * det->d);
    vigil__put_f64s(w, h->whi, TREES * det->d);
}

static int h_load(vigil__detector *det, vigil__rbuf *r)
{
    hst *h = (hst *)det;
    h->seed = vigil__get_u64(r);
    h->n_ref = vigil__get_f64(r);
    uint64_t window = vigil__get_u64(r);
    const int has_space = (window & WINDOW_HAS_SPACE) != 0;
    window &= ~WINDOW_HAS_SPACE;
    if (r->err || !(h->n_ref >= 1.0) || h->n_ref > 1e12 || (double)window >= h->n_ref)
        return VIGIL_EFORMAT;
    h->window = (size_t)window;
    for (size_t i = 0; i < (size_t)TREES * NODES; i++) {
        uint32_t q = vigil__get_u32(r);
        h->split[i] = vigil__get_f64(r);
        h->ref[i] = vigil__get_f64(r);
        h->latest[i] = vigil__get_f64(r);
        if (r->err || q >= det->d || !isfinite(h->split[i]) || !(h->ref[i] >= 0.0) ||
            !(h->latest[i] >= 0.0) || h->ref[i] > 1e12 || h->latest[i] > 1e12)
            return VIGIL_EFORMAT;
        h->dim[i] = (int)q;
    }
    const size_t nw = TREES * det->d;
    h->has_space = has_space;
    if (!has_space) {
        for (size_t i = 0; i < nw; i++) {
            h->wlo[i] = -INFINITY;
            h->whi[i] = INFINITY;
        }
        return VIGIL_OK;
    }
    vigil__get_f64s(r, h->wlo, nw);
    vigil__get_f64s(r, h->whi, nw);
    if (r->err)
        return VIGIL_EFORMAT;
    for (size_t i = 0; i < nw; i++)
        if (!isfinite(h->wlo[i]) || !isfinite(h->whi[i]) || !(h->wlo[i] < h->whi[i]))
            return VIGIL_EFORMAT;
    return VIGIL_OK;
}

const vigil__detector_ops vigil__detector_hst = {
    VIGIL_DETECTOR_HST, "hst", 10, h_create, h_fit, h_update, h_score, h_reset,
    h_save, h_load, h_destroy, 0, NULL, NULL, /* no stream state */
};
