/* FFTW wrapper: plans made once, under one lock, at creation; execution in the hot path. */
#include "spectrum.h"

#include "frame_kernels.h"

#include "vigil/planner.h"
#include "vigil/status.h"
#include "status.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FFTW's planner (and plan destruction) share global state and are not thread-safe; execute is.
 * Every plan/destroy in vigil goes through this one lock, so that gateways may create and
 * destroy extractors from many threads at once. */
static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* FFTW_ESTIMATE by default: planning is fast and deterministic (the same algorithm for the same
 * size every time), which keeps rows bit-identical between two extractors and between runs.
 * MEASURE (vigil/planner.h) is faster but times candidate algorithms, so two processes could
 * differ in the last bits unless they share wisdom. Read under planner_lock. */
static int planner_mode = VIGIL_PLANNER_ESTIMATE;
/* Set once MEASURE was asked for or wisdom imported: the process may then hold wisdom. */
static int wisdom_touched = 0;

static unsigned plan_flags(void)
{
    return (planner_mode == VIGIL_PLANNER_MEASURE ? FFTW_MEASURE : FFTW_ESTIMATE) |
           FFTW_DESTROY_INPUT;
}

/* fftw_export_wisdom's writer: count every character, keep those that fit. */
typedef struct sink {
    char *buf;
    size_t cap, len;
} sink;

static void sink_char(char c, void *data)
{
    sink *s = data;
    if (s->len < s->cap)
        s->buf[s->len] = c;
    s->len++;
}

/* This process's wisdom as a malloc'ed string, or NULL. Under planner_lock. */
static char *wisdom_copy(void)
{
    sink s = {NULL, 0, 0};
    fftw_export_wisdom(sink_char, &s);
    s.buf = malloc(s.len + 1);
    if (!s.buf)
        return NULL;
    s.cap = s.len + 1;
    s.len = 0;
    fftw_export_wisdom(sink_char, &s);
    s.buf[s.len] = '\0';
    return s.buf;
}

/* FFTW uses any wisdom it holds, even in ESTIMATE mode ("wisdom created with equal-or-greater
 * rigor is used"), so once MEASURE wisdom exists an ESTIMATE plan could be a measured one and
 * rows would no longer match other processes. So an ESTIMATE plan in such a process is made
 * without wisdom: set the wisdom aside, plan, put it back. Under planner_lock. */
typedef struct set_aside {
    char *wisdom;
    int active;
} set_aside;

static set_aside wisdom_set_aside(void)
{
    set_aside a = {NULL, planner_mode == VIGIL_PLANNER_ESTIMATE && wisdom_touched};
    if (a.active) {
        a.wisdom = wisdom_copy();
        fftw_forget_wisdom();
    }
    return a;
}

static void wisdom_restore(set_aside a)
{
    if (a.active && a.wisdom)
        fftw_import_wisdom_from_string(a.wisdom);
    free(a.wisdom);
}

int vigil_planner_set_mode(int mode)
{
    if (mode != VIGIL_PLANNER_ESTIMATE && mode != VIGIL_PLANNER_MEASURE)
        return vigil__fail(VIGIL_EINVAL, "planner mode must be VIGIL_PLANNER_ESTIMATE (0) or "
                                         "VIGIL_PLANNER_MEASURE (1), got %d", mode);
    pthread_mutex_lock(&planner_lock);
    planner_mode = mode;
    wisdom_touched |= mode == VIGIL_PLANNER_MEASURE;
    pthread_mutex_unlock(&planner_lock);
    return VIGIL_OK;
}

int vigil_planner_mode(void)
{
    pthread_mutex_lock(&planner_lock);
    const int mode = planner_mode;
    pthread_mutex_unlock(&planner_lock);
    return mode;
}

const char *vigil_planner_mode_name(int mode)
{
    return mode == VIGIL_PLANNER_ESTIMATE ? "estimate"
           : mode == VIGIL_PLANNER_MEASURE ? "measure" : "unknown";
}

int vigil_planner_import_wisdom(const char *wisdom)
{
    if (!wisdom)
        return vigil__status(VIGIL_EINVAL);
    pthread_mutex_lock(&planner_lock);
    wisdom_touched = 1;
    const int ok = fftw_import_wisdom_from_string(wisdom);
    pthread_mutex_unlock(&planner_lock);
    return ok ? VIGIL_OK : vigil__fail(VIGIL_EFORMAT, "FFTW rejected the wisdom text '%.40s'",
                                       wisdom);
}

int vigil_planner_export_wisdom(char *buf, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (!buf && cap > 0)
        return vigil__status(VIGIL_EINVAL);
    sink s = {buf, cap, 0};
    pthread_mutex_lock(&planner_lock);
    fftw_export_wisdom(sink_char, &s);
    pthread_mutex_unlock(&planner_lock);
    if (written)
        *written = s.len;
    if (s.len + 1 > cap)
        return vigil__fail(VIGIL_ESPACE, "the wisdom text needs %zu bytes, the buffer holds %zu",
                           s.len + 1, cap);
    buf[s.len] = '\0';
    return VIGIL_OK;
}

int vigil_planner_import_wisdom_file(const char *path)
{
    if (!path)
        return vigil__status(VIGIL_EINVAL);
    FILE *f = fopen(path, "r");
    if (!f)
        return vigil__fail(VIGIL_EIO, "%s: cannot open: %s", path, strerror(errno));
    pthread_mutex_lock(&planner_lock);
    wisdom_touched = 1;
    const int ok = fftw_import_wisdom_from_file(f);
    pthread_mutex_unlock(&planner_lock);
    fclose(f);
    return ok ? VIGIL_OK : vigil__fail(VIGIL_EFORMAT, "%s: not FFTW wisdom", path);
}

int vigil_planner_export_wisdom_file(const char *path)
{
    if (!path)
        return vigil__status(VIGIL_EINVAL);
    FILE *f = fopen(path, "w");
    if (!f)
        return vigil__fail(VIGIL_EIO, "%s: cannot create: %s", path, strerror(errno));
    pthread_mutex_lock(&planner_lock);
    fftw_export_wisdom_to_file(f);
    pthread_mutex_unlock(&planner_lock);
    const int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return vigil__fail(VIGIL_EIO, "%s: write failed: %s", path, strerror(errno));
    return VIGIL_OK;
}

void vigil_planner_forget_wisdom(void)
{
    pthread_mutex_lock(&planner_lock);
    fftw_forget_wisdom();
    pthread_mutex_unlock(&planner_lock);
}

/* An even n up to SPLIT_MAX is transformed as an m = n/2-point complex FFT of the pairs
 * z_j = x_2j + i x_2j+1 followed by one pass that splits it into the n-point real spectrum (the
 * kernels' real_split); other n get FFTW's r2c plan. Why: with FFTW_ESTIMATE (FFTW 3.3.10, the
 * Zen 5 we measure on, best of 5), the complex plan of n/2 points takes 0.49-0.76 of the r2c
 * plan's time for n = 256..6000 (0.72 at 4096: 3.5 against 4.9 us; the split adds about 0.15
 * of it), but 1.06-1.33 for n = 8192, 16384, 25600, 32768 and 65536, where ESTIMATE's choice of
 * complex plan is the worse one. A fixed bound, not a timing at plan time, so that every
 * process picks the same algorithm (rows stay bit-identical); results of the two differ by
 * rounding only. Twiddles are computed here once. */
#define SPLIT_MAX 6144

struct vigil__fft {
    size_t n, m;                  /* m = n / 2 for the split transform, 0 for FFTW's r2c */
    double *in;
    fftw_complex *out;            /* n / 2 + 1 bins (the complex FFT fills the first m) */
    double *cosv, *sinv;          /* cos, -sin of 2 pi k / n, k = 0..m/2, padded */
    const vigil__kernels *kern;
    fftw_plan plan;
};

/* Twiddles padded by a vector's worth of zeros beyond m/2: the kernels' blocks load whole
 * vectors (they use only k <= m/2). */
#define TWIDDLE_PAD 8

struct vigil__cfft {
    size_t n;
    fftw_complex *in;
    fftw_complex *out;
    fftw_plan plan;
};

int vigil__fft_create(size_t n, vigil__fft **out)
{
    vigil__fft *f = calloc(1, sizeof *f);
    if (!f)
        return VIGIL_ENOMEM;
    f->n = n;
    f->m = n % 2 == 0 && n >= 4 && n <= SPLIT_MAX ? n / 2 : 0;
    f->in = fftw_alloc_real(n);
    f->out = fftw_alloc_complex(n / 2 + 1);
    if (f->m) {
        const size_t nt = f->m / 2 + 1 + TWIDDLE_PAD;
        f->cosv = calloc(nt, sizeof *f->cosv);
        f->sinv = calloc(nt, sizeof *f->sinv);
        if (!f->cosv || !f->sinv) {
            vigil__fft_destroy(f);
            return VIGIL_ENOMEM;
        }
        const double two_pi = 6.283185307179586476925286766559;
        for (size_t k = 0; k <= f->m / 2; k++) {
            const double a = two_pi * (double)k / (double)n;
            f->cosv[k] = cos(a);
            f->sinv[k] = -sin(a);
        }
        f->kern = vigil__kernels_select();
    }
    if (f->in && f->out) {
        pthread_mutex_lock(&planner_lock);
        const set_aside a = wisdom_set_aside();
        f->plan = f->m ? fftw_plan_dft_1d((int)f->m, (fftw_complex *)f->in, f->out,
                                          FFTW_FORWARD, plan_flags())
                       : fftw_plan_dft_r2c_1d((int)n, f->in, f->out, plan_flags());
        wisdom_restore(a);
        pthread_mutex_unlock(&planner_lock);
    }
    if (!f->plan) {
        vigil__fft_destroy(f);
        return VIGIL_ENOMEM;
    }
    *out = f;
    return VIGIL_OK;
}

void vigil__fft_destroy(vigil__fft *f)
{
    if (!f)
        return;
    if (f->plan) {
        pthread_mutex_lock(&planner_lock);
        fftw_destroy_plan(f->plan);
        pthread_mutex_unlock(&planner_lock);
    }
    fftw_free(f->in);
    fftw_free(f->out);
    free(f->cosv);
    free(f->sinv);
    free(f);
}

double *vigil__fft_input(vigil__fft *f) { return f->in; }
const double *vigil__fft_output(const vigil__fft *f) { return (const double *)f->out; }

void vigil__fft_execute(vigil__fft *f)
{
    fftw_execute(f->plan);
    if (f->m)
        f->kern->real_split((double *)f->out, f->cosv, f->sinv, f->m);
}

size_t vigil__fft_memory(const vigil__fft *f)
{
    const size_t twiddles = f->m ? 2 * (f->m / 2 + 1 + TWIDDLE_PAD) * sizeof(double) : 0;
    return sizeof *f + f->n * sizeof(double) + (f->n / 2 + 1) * sizeof(fftw_complex) + twiddles;
}

int vigil__cfft_create(size_t n, int inverse, vigil__cfft **out)
{
    vigil__cfft *f = calloc(1, sizeof *f);
    if (!f)
        return VIGIL_ENOMEM;
    f->n = n;
    f->in = fftw_alloc_complex(n);
    f->out = fftw_alloc_complex(n);
    if (f->in && f->out) {
        pthread_mutex_lock(&planner_lock);
        const set_aside a = wisdom_set_aside();
        f->plan = fftw_plan_dft_1d((int)n, f->in, f->out, inverse ? FFTW_BACKWARD : FFTW_FORWARD,
                                   plan_flags());
        wisdom_restore(a);
        pthread_mutex_unlock(&planner_lock);
    }
    if (!f->plan) {
        vigil__cfft_destroy(f);
        return VIGIL_ENOMEM;
    }
    *out = f;
    return VIGIL_OK;
}

void vigil__cfft_destroy(vigil__cfft *f)
{
    if (!f)
        return;
    if (f->plan) {
        pthread_mutex_lock(&planner_lock);
        fftw_destroy_plan(f->plan);
        pthread_mutex_unlock(&planner_lock);
    }
    fftw_free(f->in);
    fftw_free(f->out);
    free(f);
}

double *vigil__cfft_input(vigil__cfft *f) { return (double *)f->in; }
const double *vigil__cfft_output(const vigil__cfft *f) { return (const double *)f->out; }
void vigil__cfft_execute(vigil__cfft *f) { fftw_execute(f->plan); }

size_t vigil__cfft_memory(const vigil__cfft *f)
{
    return sizeof *f + 2 * f->n * sizeof(fftw_complex);
}

double *vigil__fft_alloc(size_t count) { return fftw_alloc_real(count); }
void vigil__fft_free(void *p) { fftw_free(p); }
