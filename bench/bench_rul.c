/* vigil-bench rul: remaining useful life on run-to-failure histories, leave one history out.
 *
 * For each history: the fleet prior is learnt from the other histories, the prognoser follows
 * the history snapshot by snapshot, and at cut points spread over the second half of its life
 * (10 cuts, at 50, 55, ..., 95 % of its duration) the estimate is compared with the truth, the
 * time from the cut to the last snapshot (the failure). Scored as in the IEEE PHM 2012 challenge:
 * Er = 100 (actual - estimate) / actual, A = exp(-ln(0.5) Er / 5) for Er <= 0,
 * exp(ln(0.5) Er / 20) for Er > 0, score = mean A; a cut without an estimate scores A = 0 and
 * counts as not covered. The naive peer extrapolates a least-squares line through the RMS of
 * every snapshot so far to the fleet's mean RMS at failure (other histories only).
 *
 * Data: the six PRONOSTIA histories (femto/, times from index.tsv, indicator = peak of the `h`
 * channel per snapshot, failure 20 g), or with --synthetic (and when the datasets are absent)
 * six generated histories, so that the test suite can run it anywhere. */
#include "bench.h"

#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef VIGIL_DATASETS_DEFAULT
#define VIGIL_DATASETS_DEFAULT "../shared/datasets"
#endif

#define NHIST 6
#define NCUTS 10
#define PATHLEN 4096

static const char *const femto_hist[NHIST] = {"Bearing1_1", "Bearing1_2", "Bearing2_1",
                                              "Bearing2_2", "Bearing3_1", "Bearing3_2"};

typedef struct history {
    char name[32];
    size_t n, skipped;      /* snapshots kept, left out (time not advancing) */
    double *t, *ind, *rms; /* time (s), indicator, RMS (for the naive peer) */
} history;

static void history_free(history *h)
{
    free(h->t);
    free(h->ind);
    free(h->rms);
    memset(h, 0, sizeof *h);
}

static int history_alloc(history *h, size_t n)
{
    h->t = malloc(n * sizeof *h->t);
    h->ind = malloc(n * sizeof *h->ind);
    h->rms = malloc(n * sizeof *h->rms);
    h->n = n;
    return h->t && h->ind && h->rms ? BENCH_OK : bench_error("out of memory");
}

/* One PRONOSTIA history: every snapshot is one frame of 2560 samples of the h channel. */
static int load_femto(const char *dir, const char *name, int use_rms, history *out)
{
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/femto/%s/index.tsv", dir, name);
    vigil_snapshot_index *idx;
    if (vigil_snapshot_index_load(path, &idx) != VIGIL_OK)
        return bench_error("%s", vigil_last_error());
    vigil_extractor *ex = NULL;
    int status = history_alloc(out, vigil_snapshot_index_count(idx));
    snprintf(out->name, sizeof out->name, "%s", name);
    if (status == BENCH_OK && vigil_extractor_create(25600.0, 2560, &ex) != VIGIL_OK)
        status = bench_error("%s", vigil_last_error());
    const size_t nc = ex ? vigil_extractor_feature_count(ex) : 0;
    const int ipeak = ex ? vigil_extractor_feature_index(ex, "peak") : -1;
    const int irms = ex ? vigil_extractor_feature_index(ex, "rms") : -1;
    double x[4096], row[256];
    const size_t total = out->n;
    size_t kept = 0;
    for (size_t i = 0; status == BENCH_OK && i < total; i++) {
        snprintf(path, sizeof path, "%s/femto/%s/%s", dir, name,
                 vigil_snapshot_index_name(idx, i));
        vigil_reader *r = NULL;
        size_t got = 0;
        if (vigil_reader_open(path, &r) != VIGIL_OK ||
            vigil_reader_read_column(r, 0, x, 4096, &got) != VIGIL_OK || got != 2560)
            status = bench_error("%s: %s", path, got ? "not 2560 samples" : vigil_last_error());
        vigil_reader_close(r);
        vigil_extractor_reset(ex);
        if (status == BENCH_OK && (nc > 256 || vigil_extractor_push(ex, x, got, NULL) != VIGIL_OK ||
                                   vigil_extractor_pop(ex, row, nc, NULL) != 1))
            status = bench_error("%s: %s", path, vigil_last_error());
        out->t[kept] = vigil_snapshot_index_time(idx, i);
        out->ind[kept] = status == BENCH_OK ? row[use_rms ? irms : ipeak] : 0.0;
        out->rms[kept] = status == BENCH_OK ? row[irms] : 0.0;
        /* a snapshot whose clock time does not advance (Bearing1_1 02121-02122 read 09:38:46,
         * between 15:32:49 and 15:33:19) is refused by the prognoser: leave it out here too */
        if (kept == 0 || out->t[kept] > out->t[kept - 1])
            kept++;
        else
            out->skipped++;
    }
    out->n = kept;
    vigil_extractor_destroy(ex);
    vigil_snapshot_index_destroy(idx);
    return status;
}

/* splitmix64 + Box-Muller: the same generated histories every run. */
static double uniform01(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

static double normal01(uint64_t *s)
{
    const double u = uniform01(s), v = uniform01(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* A PRONOSTIA-like history: peak about 1.5 g with 15 % log-normal scatter, healthy for a random
 * time, then exponential growth until a snapshot passes 20 g; RMS = peak / 4 with its own
 * scatter. Snapshots every 10 s. */
static int generate(uint64_t *s, int k, history *out)
{
    const size_t cap = 20000;
    if (history_alloc(out, cap) != BENCH_OK)
        return BENCH_FAIL;
    snprintf(out->name, sizeof out->name, "synthetic%d", k + 1);
    const double healthy = 2000.0 + 4000.0 * uniform01(s), b = 1.0 / (600.0 + 1200.0 * uniform01(s));
    size_t n = 0;
    for (; n < cap; n++) {
        const double t = 10.0 * (double)n, tau = t > healthy ? t - healthy : 0.0;
        out->t[n] = t;
        out->ind[n] = 1.5 * exp(b * tau + 0.15 * normal01(s));
        out->rms[n] = out->ind[n] / 4.0 * exp(0.05 * normal01(s));
        if (out->ind[n] >= 20.0)
            break;
    }
    out->n = n < cap ? n + 1 : cap;
    return BENCH_OK;
}

static double phm_accuracy(double actual, double estimate)
{
    const double er = 100.0 * (actual - estimate) / actual;
    return er <= 0.0 ? exp(-log(0.5) * er / 5.0) : exp(log(0.5) * er / 20.0);
}

typedef struct tally {
    double score, abs_err;
    int cuts, estimates, covered;
} tally;

static void tally_add(tally *t, int has, double actual, double est, double lo, double hi)
{
    t->cuts++;
    if (!has)
        return;
    t->estimates++;
    t->score += phm_accuracy(actual, est);
    t->abs_err += fabs(actual - est);
    t->covered += lo <= actual && actual <= hi;
}

/* Cut k of NCUTS: the last snapshot at or before 50 + 5 k % of the history's duration. */
static size_t cut_index(const history *h, int k)
{
    const double at = h->t[0] + (0.5 + 0.05 * k) * (h->t[h->n - 1] - h->t[0]);
    size_t i = 0;
    while (i + 1 < h->n && h->t[i + 1] <= at)
        i++;
    return i;
}

/* The naive peer at snapshot i: least squares line of RMS over snapshots 0..i, extrapolated to
 * the fleet's mean end-of-life RMS; no estimate if the line does not rise. */
static int naive_rul(const history *h, size_t i, double rms_fail, double *rul)
{
    double st = 0, sy = 0, stt = 0, sty = 0;
    const double n = (double)(i + 1);
    for (size_t j = 0; j <= i; j++) {
        const double t = h->t[j] - h->t[0];
        st += t, sy += h->rms[j], stt += t * t, sty += t * h->rms[j];
    }
    const double slope = (n * sty - st * sy) / (n * stt - st * st);
    const double icpt = (sy - slope * st) / n;
    if (!(slope > 0.0))
        return 0;
    const double r = (rms_fail - icpt) / slope - (h->t[i] - h->t[0]);
    *rul = r > 0.0 ? r : 0.0;
    return 1;
}

typedef struct rul_opts {
    const char *feature;
    double level;
    int json, use_prior, model;
    size_t baseline;  /* 0: the library's defaults for the onset test */
    double delta, h;
    double point;     /* the estimate's quantile */
} rul_opts;

/* The prognoser settings under test (the library's defaults unless options say otherwise). */
static int configure(vigil_prognoser *p, const rul_opts *o)
{
    if (vigil_prognoser_set_model(p, o->model) != VIGIL_OK ||
        vigil_prognoser_set_point(p, o->point) != VIGIL_OK)
        return BENCH_FAIL;
    if (o->baseline && vigil_prognoser_set_onset(p, o->baseline, o->delta, o->h) != VIGIL_OK)
        return BENCH_FAIL;
    return BENCH_OK;
}

static int evaluate(const history *hs, const rul_opts *o, tally *total, tally *naive_total,
                    tally *oneshot_total, tally *survival_total)
{
    if (!o->json)
        printf("%-12s %6s %9s %7s %6s %8s %9s %7s %8s %8s  %s\n", "history", "cuts", "onset",
               "score", "cover", "MAE [s]", "estimates", "naive", "one-shot", "survival",
               "prior from");
    for (int i = 0; i < NHIST; i++) {
        vigil_prognosis_prior *prior = NULL;
        if (vigil_prognosis_prior_create(o->feature, o->level, &prior) != VIGIL_OK ||
            (o->baseline &&
             vigil_prognosis_prior_set_onset(prior, o->baseline, o->delta, o->h) != VIGIL_OK))
            return bench_error("%s", vigil_last_error());
        double rms_fail = 0.0;
        int used = 0;
        char from[512] = "";
        for (int j = 0; j < NHIST; j++) {
            if (j == i)
                continue;
            rms_fail += hs[j].rms[hs[j].n - 1] / (NHIST - 1);
            if (vigil_prognosis_prior_add_history(prior, hs[j].t, hs[j].ind, hs[j].n) == VIGIL_OK) {
                used++;
                snprintf(from + strlen(from), sizeof from - strlen(from), "%s%s", *from ? "," : "",
                         hs[j].name + (strncmp(hs[j].name, "Bearing", 7) ? 0 : 7));
            } else if (!o->json) {
                printf("  (%s not in the prior: %s)\n", hs[j].name, vigil_last_error());
            }
        }
        vigil_prognoser *p = NULL;
        if (vigil_prognoser_create(o->feature, o->level, &p) != VIGIL_OK ||
            configure(p, o) != BENCH_OK || (o->use_prior && vigil_prognoser_set_prior(p, prior) != VIGIL_OK)) {
            vigil_prognosis_prior_destroy(prior);
            vigil_prognoser_destroy(p);
            return bench_error("%s: %s", hs[i].name, vigil_last_error());
        }
        const history *h = &hs[i];
        tally t = {0}, nv = {0}, os = {0}, sv = {0};
        int k = 0;
        for (size_t s = 0; s < h->n && k < NCUTS; s++) {
            if (vigil_prognoser_update(p, h->t[s], h->ind[s]) < 0) {
                vigil_prognosis_prior_destroy(prior);
                vigil_prognoser_destroy(p);
                return bench_error("%s snapshot %zu: %s", h->name, s, vigil_last_error());
            }
            while (k < NCUTS && cut_index(h, k) == s) {
                const double actual = h->t[h->n - 1] - h->t[s];
                double rul = 0, lo = 0, hi = 0, nr = 0;
                const int has = vigil_prognoser_rul(p, &rul, &lo, &hi) == VIGIL_OK;
                tally_add(&t, has, actual, rul, lo, hi);
                const int nhas = naive_rul(h, s, rms_fail, &nr);
                tally_add(&nv, nhas, actual, nr, -INFINITY, -INFINITY);
                /* the one-shot exponential fit of rul.h on the whole history so far */
                double orul = 0, olo = 0, ohi = 0;
                const int ohas = vigil_rul_estimate(h->t, h->ind, s + 1, o->level, &orul, &olo,
                                                    &ohi, NULL) == VIGIL_OK;
                tally_add(&os, ohas, actual, orul, olo, ohi);
                /* the fleet's survival model alone, at every cut */
                double srul = -1.0, slo = -1.0, shi = -1.0;
                const int shas = vigil_prognoser_survival(p, &srul, &slo, &shi) == VIGIL_OK;
                tally_add(&sv, shas, actual, srul, slo, shi);
                if (o->json)
                    printf("{\"bench\":\"rul\",\"history\":\"%s\",\"cut\":%d,\"actual_s\":%.1f,"
                           "\"age_s\":%.1f,\"reason\":\"%s\",\"rul_s\":%.1f,\"lo_s\":%.1f,"
                           "\"hi_s\":%.1f,\"model\":\"%s\",\"points\":%zu,\"naive_s\":%.1f,"
                           "\"survival_s\":%.1f,\"survival_lo_s\":%.1f,\"survival_hi_s\":%.1f}\n",
                           h->name, k, actual, h->t[s] - h->t[0],
                           vigil_prognosis_reason_name(vigil_prognoser_reason(p)),
                           has ? rul : -1.0, has ? lo : -1.0, has && isfinite(hi) ? hi : -1.0,
                           vigil_prognosis_model_name(vigil_prognoser_model(p)),
                           vigil_prognoser_points(p), nhas ? nr : -1.0, srul, slo, shi);
                k++;
            }
        }
        double onset = NAN;
        const int has_onset = vigil_prognoser_onset(p, &onset) == VIGIL_OK;
        if (!o->json)
            printf("%-12s %6d %8.0f%% %7.3f %5.0f%% %8.0f %9d %7.3f %8.3f %8.3f  %s (%d)\n",
                   h->name, t.cuts,
                   has_onset ? 100.0 * (onset - h->t[0]) / (h->t[h->n - 1] - h->t[0]) : NAN,
                   t.score / t.cuts, 100.0 * t.covered / t.cuts,
                   t.estimates ? t.abs_err / t.estimates : NAN, t.estimates,
                   nv.score / nv.cuts, os.score / os.cuts, sv.score / sv.cuts, from, used);
        total->score += t.score, total->abs_err += t.abs_err, total->cuts += t.cuts;
        total->estimates += t.estimates, total->covered += t.covered;
        naive_total->score += nv.score, naive_total->abs_err += nv.abs_err;
        naive_total->cuts += nv.cuts, naive_total->estimates += nv.estimates;
        oneshot_total->score += os.score, oneshot_total->abs_err += os.abs_err;
        oneshot_total->cuts += os.cuts, oneshot_total->estimates += os.estimates;
        oneshot_total->covered += os.covered;
        survival_total->score += sv.score, survival_total->abs_err += sv.abs_err;
        survival_total->cuts += sv.cuts, survival_total->estimates += sv.estimates;
        survival_total->covered += sv.covered;
        vigil_prognoser_destroy(p);
        vigil_prognosis_prior_destroy(prior);
    }
    return BENCH_OK;
}

/* Cost of one update after the onset (the steady state: both models, the choice, the
 * interval), on a generated degrading stream, best of three rounds. */
static double update_ns(void)
{
    enum { N = 200000 };
    double best = INFINITY;
    for (int round = 0; round < 3; round++) {
        vigil_prognoser *p;
        if (vigil_prognoser_create("peak", 1e300, &p) != VIGIL_OK)
            return NAN;
        uint64_t s = 1;
        for (int i = 0; i < 100; i++)
            vigil_prognoser_update(p, i, 1.0 + 0.01 * uniform01(&s));
        const double t0 = bench_now();
        for (int i = 100; i < N; i++)
            vigil_prognoser_update(p, i, exp(1e-3 * (i - 100)) * (1.0 + 0.01 * uniform01(&s)));
        const double dt = (bench_now() - t0) / (N - 100) * 1e9;
        best = dt < best ? dt : best;
        vigil_prognoser_destroy(p);
    }
    return best;
}

static const char rul_help[] =
    "usage: vigil-bench rul [--datasets DIR] [--synthetic] [--no-prior] [--point Q] [--json]\n"
    "\n"
    "Remaining useful life, leave one history out: the prior from the other five histories,\n"
    "10 cut points at 50..95 % of each life; PHM 2012 score, 95 % interval coverage, mean\n"
    "absolute error, and the peers: naive (a line through the RMS, to the fleet's RMS at\n"
    "failure), one-shot (vigil_rul_estimate) and the fleet's survival model alone.\n"
    "Indicator: peak of PRONOSTIA's h channel per snapshot, failure 20 g.\n"
    "\n"
    "  --datasets DIR  the datasets folder (default: $VIGIL_DATASETS, else ../shared/datasets);\n"
    "                  without femto/ there, the generated histories are used\n"
    "  --synthetic     six generated PRONOSTIA-like histories (seeded) instead of the data\n"
    "  --no-prior      the prognoser without the fleet prior\n"
    "  --onset B,D,H   onset test: baseline points, rise of interest, CUSUM interval\n"
    "                  (default: the library's, 30,0.693,5)\n"
    "  --model M       auto (default), exponential or linear\n"
    "  --indicator I   peak (default) or rms of the h channel per snapshot (the failure\n"
    "                  level stays 20 g; the prior's end levels give the rms its own)\n"
    "  --point Q       the estimate's quantile (default 0.2: an over-estimate costs the\n"
    "                  PHM 2012 score 4 times an under-estimate; 0.5: the median, the\n"
    "                  library's default)\n"
    "  --json          one JSON object per cut instead of the table\n"
    "  -h, --help      show this help\n";

int bench_rul(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"datasets", required_argument, NULL, 'd'}, {"synthetic", no_argument, NULL, 's'},
        {"no-prior", no_argument, NULL, 'n'},       {"json", no_argument, NULL, 'j'},
        {"onset", required_argument, NULL, 'O'},    {"model", required_argument, NULL, 'm'},
        {"indicator", required_argument, NULL, 'I'}, {"point", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *dir = getenv("VIGIL_DATASETS");
    int synthetic = 0;
    /* the estimate is the 0.2 quantile: the Bayes action of the PHM 2012 score's slopes at zero
     * error (docs/PROGNOSIS.md); the library's default is the median (--point 0.5) */
    rul_opts o = {"peak", 20.0, 0, 1, VIGIL_PROGNOSIS_AUTO, 0, 0.0, 0.0, 0.2};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 's': synthetic = 1; break;
        case 'n': o.use_prior = 0; break;
        case 'I':
            if (strcmp(optarg, "peak") != 0 && strcmp(optarg, "rms") != 0)
                return bench_error("--indicator must be peak or rms"), BENCH_USAGE;
            o.feature = strcmp(optarg, "rms") == 0 ? "rms" : "peak";
            break;
        case 'O':
            if (sscanf(optarg, "%zu,%lf,%lf", &o.baseline, &o.delta, &o.h) != 3)
                return bench_error("--onset needs BASELINE,DELTA,H"), BENCH_USAGE;
            break;
        case 'm':
            o.model = strcmp(optarg, "exponential") == 0 ? VIGIL_PROGNOSIS_EXPONENTIAL
                      : strcmp(optarg, "linear") == 0    ? VIGIL_PROGNOSIS_LINEAR
                                                         : VIGIL_PROGNOSIS_AUTO;
            break;
        case 'P':
            if (sscanf(optarg, "%lf", &o.point) != 1 || !(o.point >= 0.01 && o.point <= 0.99))
                return bench_error("--point needs a quantile in 0.01..0.99"), BENCH_USAGE;
            break;
        case 'j': o.json = 1; break;
        case 'h': fputs(rul_help, stdout); return BENCH_OK;
        default: return bench_error("unknown option (try 'vigil-bench rul --help')"), BENCH_USAGE;
        }
    }
    if (optind < argc)
        return bench_error("unexpected argument '%s'", argv[optind]), BENCH_USAGE;
    if (!dir || !*dir)
        dir = getenv("VIGIL_DATASETS_DEFAULT");
    if (!dir || !*dir)
        dir = VIGIL_DATASETS_DEFAULT;
    char probe[PATHLEN];
    snprintf(probe, sizeof probe, "%s/femto/%s/index.tsv", dir, femto_hist[0]);
    FILE *f = synthetic ? NULL : fopen(probe, "r");
    if (f)
        fclose(f);
    else if (!synthetic) {
        fprintf(stderr, "vigil-bench rul: no PRONOSTIA data at %s: generated histories instead\n",
                dir);
        synthetic = 1;
    }
    history hs[NHIST];
    memset(hs, 0, sizeof hs);
    int status = BENCH_OK;
    uint64_t seed = 2012;
    const double t0 = bench_now();
    for (int i = 0; i < NHIST && status == BENCH_OK; i++)
        status = synthetic ? generate(&seed, i, &hs[i]) : load_femto(dir, femto_hist[i], strcmp(o.feature, "rms") == 0, &hs[i]);
    tally total = {0}, naive = {0}, oneshot = {0}, surv = {0};
    if (status == BENCH_OK) {
        if (!o.json)
            printf("RUL, leave one history out (%s; indicator %s, failure %g; %s; read in %.1f s)\n",
                   synthetic ? "generated histories" : "PRONOSTIA", o.feature, o.level,
                   o.use_prior ? "prior from the other histories" : "no prior",
                   bench_now() - t0);
        for (int i = 0; i < NHIST && !o.json; i++)
            if (hs[i].skipped)
                printf("(%s: %zu snapshots left out: clock time not after the previous one)\n",
                       hs[i].name, hs[i].skipped);
        status = evaluate(hs, &o, &total, &naive, &oneshot, &surv);
    }
    if (status == BENCH_OK) {
        const double ns = update_ns();
        if (o.json)
            printf("{\"bench\":\"rul\",\"data\":\"%s\",\"prior\":%d,\"cuts\":%d,\"score\":%.4f,"
                   "\"coverage\":%.4f,\"mae_s\":%.1f,\"estimates\":%d,\"naive_score\":%.4f,"
                   "\"naive_mae_s\":%.1f,\"oneshot_score\":%.4f,\"survival_score\":%.4f,"
                   "\"survival_coverage\":%.4f,\"point\":%.2f,\"update_ns\":%.1f}\n",
                   synthetic ? "synthetic" : "pronostia", o.use_prior, total.cuts,
                   total.score / total.cuts, (double)total.covered / total.cuts,
                   total.estimates ? total.abs_err / total.estimates : -1.0, total.estimates,
                   naive.score / naive.cuts,
                   naive.estimates ? naive.abs_err / naive.estimates : -1.0,
                   oneshot.score / oneshot.cuts, surv.score / surv.cuts,
                   (double)surv.covered / surv.cuts, o.point, ns);
        else
            printf("%-12s %6d %9s %7.3f %5.0f%% %8.0f %9d %7.3f %8.3f %8.3f\n"
                   "naive peer: score %.3f, MAE %.0f s over %d of %d cuts with an estimate\n"
                   "one-shot fit (vigil_rul_estimate): score %.3f, coverage %.0f %%, MAE %.0f s "
                   "over %d of %d cuts\n"
                   "fleet survival alone: score %.3f, coverage %.0f %%, MAE %.0f s\n"
                   "prognoser update after the onset: %.0f ns (best of 3 x 200000)\n",
                   "all", total.cuts, "", total.score / total.cuts,
                   100.0 * total.covered / total.cuts,
                   total.estimates ? total.abs_err / total.estimates : NAN, total.estimates,
                   naive.score / naive.cuts, oneshot.score / oneshot.cuts, surv.score / surv.cuts,
                   naive.score / naive.cuts,
                   naive.estimates ? naive.abs_err / naive.estimates : NAN, naive.estimates,
                   naive.cuts, oneshot.score / oneshot.cuts,
                   100.0 * oneshot.covered / oneshot.cuts,
                   oneshot.estimates ? oneshot.abs_err / oneshot.estimates : NAN,
                   oneshot.estimates, oneshot.cuts, surv.score / surv.cuts,
                   100.0 * surv.covered / surv.cuts,
                   surv.estimates ? surv.abs_err / surv.estimates : NAN, ns);
    }
    for (int i = 0; i < NHIST; i++)
        history_free(&hs[i]);
    return status;
}
