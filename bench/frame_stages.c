/* frame-stages: where one frame's time goes. The stages of the extractor's row (lib/extractor.c,
 * compute_row) called one by one on frames of a generated signal, each timed on its own, and the
 * p50 of each over many frames: the time-domain passes (raw and central sums, which also write
 * the FFT input), the FFT (for even N a half-length complex FFT plus the split into the real
 * spectrum, lib/spectrum.c), the spectral loops (PSD, logarithms, sums) and the band powers; and,
 * for scale, bare FFTW r2c of the same frame with FFTW_ESTIMATE. The stages run back to back on
 * the same frame, as in the extractor, so each sees the caches the one before left.
 *
 *   build/bench/frame-stages [--frames 1024,4096,16384] [--rounds R]
 *
 * Internal functions (vigil__*): linked with the static library the tests use. Speed is never
 * asserted; the test suite smoke-runs this with a few rounds. */
#define _POSIX_C_SOURCE 200809L
#include "frame_features.h"
#include "frame_kernels.h"
#include "spectrum.h"

#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { STAGES = 5, BANDS = 8 };
static const char *const stage_names[STAGES] = {"time passes", "FFT", "spectral loops",
                                                "bands", "bare FFTW r2c"};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A vibration-like test signal: a shaft tone, two harmonics and uniform noise (64-bit LCG). */
static void generate(double *x, size_t n, double rate)
{
    const double two_pi = 6.283185307179586476925286766559;
    unsigned long long s = 20261204ull;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const double u = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        const double t = (double)i / rate;
        x[i] = 0.04 * sin(two_pi * 29.95 * t) + 0.015 * sin(two_pi * 59.9 * t + 0.7) +
               0.008 * sin(two_pi * 89.85 * t + 1.9) + 0.2 * u;
    }
}

static int run(size_t n, size_t rounds)
{
    const double rate = 25600.0;
    const size_t hop = n / 2, len = n + hop * 64;
    const vigil__kernels *kern = vigil__kernels_select();
    vigil__fft *fft = NULL;
    double *sig = malloc(len * sizeof *sig), *w = malloc(n * sizeof *w);
    double *freq = malloc((n / 2 + 1) * sizeof *freq), *psd = malloc((n / 2 + 1) * sizeof *psd);
    double *reduced = malloc((n + 2) * sizeof *reduced), *t = malloc(rounds * STAGES * sizeof *t);
    double *bare_in = fftw_alloc_real(n);
    fftw_complex *bare_out = fftw_alloc_complex(n / 2 + 1);
    if (!sig || !w || !freq || !psd || !reduced || !t || !bare_in || !bare_out ||
        vigil__fft_create(n, &fft) != 0) {
        fprintf(stderr, "frame-stages: out of memory at N = %zu\n", n);
        return 1;
    }
    fftw_plan bare = fftw_plan_dft_r2c_1d((int)n, bare_in, bare_out, FFTW_ESTIMATE);
    generate(sig, len, rate);
    double s1, s2, row[VIGIL__TIME_COLS + VIGIL__SPECTRAL_COLS + BANDS];
    vigil__hann(w, n, &s1, &s2);
    vigil__bin_freqs(freq, n, rate);
    const double df = rate / (double)n;
    const size_t nbins = n / 2 + 1;
    for (size_t r = 0; r < rounds; r++) {
        const double *x = sig + (r % 64) * hop;
        double *y = vigil__fft_input(fft);
        vigil__roots roots;
        const double t0 = now();
        vigil__time_features(kern, x, n, w, y, row, &roots);
        const double t1 = now();
        vigil__fft_execute(fft);
        const double t2 = now();
        vigil__spectrum_features(kern, vigil__fft_output(fft), n, rate, s1, s2, freq, psd, y,
                                 reduced, x, &roots, row, row + VIGIL__TIME_COLS);
        const double t3 = now();
        for (size_t b = 0; b < BANDS; b++) /* equal bands from bin 1, as the bench's */
            row[VIGIL__TIME_COLS + VIGIL__SPECTRAL_COLS + b] = vigil__band_power(
                kern, psd, 1 + b * (nbins - 1) / BANDS, 1 + (b + 1) * (nbins - 1) / BANDS, df);
        const double t4 = now();
        memcpy(bare_in, x, n * sizeof *x); /* as the bench's FFTW side: copy and transform */
        fftw_execute(bare);
        const double t5 = now();
        const double d[STAGES] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4};
        for (int s = 0; s < STAGES; s++)
            t[s * rounds + r] = d[s];
    }
    double p50[STAGES], frame = 0.0;
    for (int s = 0; s < STAGES; s++) {
        qsort(t + s * rounds, rounds, sizeof *t, by_value);
        p50[s] = t[s * rounds + rounds / 2] * 1e6;
        if (s < STAGES - 1)
            frame += p50[s];
    }
    printf("N = %zu, hop %zu, kernels %s, %zu frames (p50 us per frame; share of the sum of "
           "vigil's stages)\n",
           n, hop, kern->name, rounds);
    for (int s = 0; s < STAGES - 1; s++)
        printf("  %-16s %8.2f us %6.1f %%\n", stage_names[s], p50[s], 100.0 * p50[s] / frame);
    printf("  %-16s %8.2f us\n", "sum of stages", frame);
    printf("  %-16s %8.2f us  (bare FFTW / sum of stages: %.1f %%)\n", stage_names[STAGES - 1],
           p50[STAGES - 1], 100.0 * p50[STAGES - 1] / frame);
    fftw_destroy_plan(bare);
    fftw_free(bare_in);
    fftw_free(bare_out);
    vigil__fft_destroy(fft);
    free(sig), free(w), free(freq), free(psd), free(reduced), free(t);
    return 0;
}

int main(int argc, char **argv)
{
    size_t frames[8] = {1024, 4096, 16384}, nframes = 3, rounds = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
            nframes = 0;
            for (char *p = argv[++i], *end; *p && nframes < 8; p = *end ? end + 1 : end) {
                frames[nframes] = strtoul(p, &end, 10);
                if (end == p || frames[nframes] < 16 || frames[nframes] > (1u << 20)) {
                    fprintf(stderr, "frame-stages: --frames takes lengths 16..1048576\n");
                    return 2;
                }
                nframes++;
            }
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = strtoul(argv[++i], NULL, 10);
            if (rounds < 1) {
                fprintf(stderr, "frame-stages: --rounds takes a positive count\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: frame-stages [--frames 1024,4096,16384] [--rounds R]\n");
            return strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    for (size_t f = 0; f < nframes; f++) {
        /* about 2 s per length by default: 80 M samples */
        const size_t r = rounds ? rounds : (size_t)(80e6 / (double)frames[f]) + 1;
        if (run(frames[f], r) != 0)
            return 1;
    }
    return 0;
}
