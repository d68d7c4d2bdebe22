/* Writes the seeds of the prognosis fuzz target (fuzz/corpus/prognosis/): saved prognosers at
 * each stage (baseline, healthy, estimate, failed; linear model; with a prior) and a saved prior,
 * each as a whole blob (mode 0 / 2) and as its payload (mode 1 / 3). The v1-* seeds are the
 * same states saved by format 1 (before the fleet's survival model): they must still load.
 *   ninja -C build fuzz/gen_prognosis_corpus && build/fuzz/gen_prognosis_corpus fuzz/corpus/prognosis */
#include <vigil.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void write_seed(const char *dir, const char *name, int mode, const unsigned char *b,
                       size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputc(mode, f);
    if (mode & 1) { /* the payload behind the 44-byte header */
        uLongf len = (uLongf)(b[16] | b[17] << 8 | b[18] << 16 | (unsigned long)b[19] << 24);
        unsigned char *p = malloc(len + 1);
        if (p && uncompress(p, &len, b + 44, (uLong)(n - 44)) == Z_OK)
            fwrite(p, 1, len, f);
        free(p);
    } else {
        fwrite(b, 1, n, f);
    }
    fclose(f);
}

static void seed_prognoser(const char *dir, const char *name, const vigil_prognoser *p)
{
    size_t n, w;
    vigil_prognoser_save_size(p, &n);
    unsigned char *b = malloc(n);
    vigil_prognoser_save(p, b, n, &w);
    char nm[256];
    snprintf(nm, sizeof nm, "%s-blob", name);
    write_seed(dir, nm, 0, b, w);
    snprintf(nm, sizeof nm, "%s-payload", name);
    write_seed(dir, nm, 1, b, w);
    free(b);
}

static double history(int k, int i)
{
    const double tau = i < 60 ? 0.0 : 10.0 * (i - 60);
    return exp(0.004 * (1.0 + 0.2 * k) * tau + 0.05 * sin(1.7 * i + k));
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "fuzz/corpus/prognosis";
    vigil_prognosis_prior *pr;
    vigil_prognosis_prior_create("peak", 20.0, &pr);
    for (int k = 0; k < 3; k++) {
        double t[400], h[400];
        int n = 0;
        for (; n < 400; n++) {
            t[n] = 10.0 * n;
            h[n] = history(k, n);
            if (h[n] >= 20.0)
                break;
        }
        vigil_prognosis_prior_add_history(pr, t, h, (size_t)(n < 400 ? n + 1 : 400));
    }
    size_t n, w;
    vigil_prognosis_prior_save_size(pr, &n);
    unsigned char *b = malloc(n);
    vigil_prognosis_prior_save(pr, b, n, &w);
    write_seed(dir, "prior-blob", 2, b, w);
    write_seed(dir, "prior-payload", 3, b, w);
    free(b);
    static const int stops[] = {10, 40, 90, 200};
    static const char *const names[] = {"baseline", "healthy", "estimate", "failed"};
    for (int with = 0; with < 4; with++) {
        for (int s = 0; s < 4; s++) {
            vigil_prognoser *p;
            vigil_prognoser_create("peak", 20.0, &p);
            if (with == 1 || with == 3)
                vigil_prognoser_set_prior(p, pr); /* with the fleet's lives (format 2) */
            if (with == 3)
                vigil_prognoser_set_point(p, 0.2);
            if (with == 2)
                vigil_prognoser_set_model(p, VIGIL_PROGNOSIS_LINEAR);
            for (int i = 0; i < stops[s]; i++)
                if (vigil_prognoser_update(p, 10.0 * i, history(5, i)) == VIGIL_PROGNOSIS_FAILED)
                    break;
            char nm[64];
            snprintf(nm, sizeof nm, "%s-%s",
                     with == 1   ? "prior"
                     : with == 2 ? "linear"
                     : with == 3 ? "point"
                                 : "plain",
                     names[s]);
            seed_prognoser(dir, nm, p);
            vigil_prognoser_destroy(p);
        }
    }
    vigil_prognosis_prior_destroy(pr);
    return 0;
}
