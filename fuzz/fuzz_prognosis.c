/* Fuzz target: the prognoser and prior loaders (vigil_prognoser_load,
 * vigil_prognosis_prior_load) on arbitrary bytes, and what a loaded prognoser then does.
 *
 * Input: byte 0 is the mode, the rest the data. Bit 0: the data is a payload, wrapped here in a
 * valid container (model_pack.h) so that mutations reach the field parser behind the CRCs;
 * else a whole blob. Bit 1: a prior; else a prognoser. Seeds: fuzz/corpus/prognosis/, made by
 * gen_prognosis_corpus.c.
 *
 * Properties beyond "no crash, no leak, no UB" (a violation traps):
 *   - a failed load returns a negative status, sets *out to NULL and leaves a message;
 *   - a loaded object's save is canonical: load(save(x)) saves to the same bytes;
 *   - a loaded prognoser takes points derived from the input (times after its last one, values
 *     ordinary and extreme): each update returns a reason 0..6 or a negative status that leaves
 *     the saved state unchanged; an estimate is finite with 0 <= lo <= rul <= hi (hi may be
 *     infinite); a loaded prior can be given to a prognoser made for it. */
#include <vigil.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "CHECK failed %s:%d: %s\n", __FILE__, __LINE__, #cond); __builtin_trap(); } } while (0)

static const double values[] = {1.0, 0.5, 2.0, 3.0, 10.0, 1e-3, 1e6, 1e150, DBL_MIN, 19.9,
                                20.0, 1e300, -1.0, 0.0};
#define NVALUES (sizeof values / sizeof *values)

static unsigned char *save_prognoser(const vigil_prognoser *p, size_t *n)
{
    CHECK(vigil_prognoser_save_size(p, n) == VIGIL_OK);
    unsigned char *b = malloc(*n);
    size_t w = 0;
    if (b)
        CHECK(vigil_prognoser_save(p, b, *n, &w) == VIGIL_OK && w == *n);
    return b;
}

static void exercise(vigil_prognoser *p, const uint8_t *data, size_t size)
{
    size_t n1;
    unsigned char *b1 = save_prognoser(p, &n1);
    vigil_prognoser *q = NULL;
    if (b1) {
        CHECK(vigil_prognoser_load(b1, n1, &q) == VIGIL_OK);
        size_t n2;
        unsigned char *b2 = save_prognoser(q, &n2);
        CHECK(!b2 || (n2 == n1 && memcmp(b1, b2, n1) == 0));
        free(b2);
        vigil_prognoser_destroy(q);
    }
    free(b1);
    double t = vigil_prognoser_last_time(p);
    t = isnan(t) ? 0.0 : t;
    for (size_t i = 0; i < size && i < 64; i++) {
        t += 1.0 + (double)(data[i] >> 4);
        const double h = values[data[i] % NVALUES];
        size_t nb;
        unsigned char *before = save_prognoser(p, &nb);
        const int r = vigil_prognoser_update(p, t, h);
        if (r < 0) {
            CHECK(vigil_last_error()[0] != '\0');
            size_t na;
            unsigned char *after = save_prognoser(p, &na);
            CHECK(!before || !after || (na == nb && memcmp(before, after, nb) == 0));
            free(after);
        } else {
            CHECK(r <= VIGIL_PROGNOSIS_OVERDUE);
            double rul, lo, hi;
            if (vigil_prognoser_rul(p, &rul, &lo, &hi) == VIGIL_OK)
                CHECK(isfinite(rul) && isfinite(lo) && 0.0 <= lo && lo <= rul && rul <= hi);
        }
        free(before);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const int mode = data[0];
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    unsigned char *wrapped = NULL;
    if (mode & 1) {
        wrapped = fuzz_model_pack(in, n, &n);
        if (!wrapped)
            return 0;
        in = wrapped;
    }
    if (mode & 2) {
        vigil_prognosis_prior *pr = (vigil_prognosis_prior *)1;
        const int rc = vigil_prognosis_prior_load(in, n, &pr);
        if (rc != VIGIL_OK) {
            CHECK(rc < 0 && pr == NULL && vigil_last_error()[0] != '\0');
        } else {
            size_t s1, s2, w;
            CHECK(vigil_prognosis_prior_save_size(pr, &s1) == VIGIL_OK);
            unsigned char *b1 = malloc(s1);
            if (b1) {
                CHECK(vigil_prognosis_prior_save(pr, b1, s1, &w) == VIGIL_OK && w == s1);
                vigil_prognosis_prior *again = NULL;
                CHECK(vigil_prognosis_prior_load(b1, s1, &again) == VIGIL_OK);
                CHECK(vigil_prognosis_prior_save_size(again, &s2) == VIGIL_OK && s2 == s1);
                unsigned char *b2 = malloc(s2);
                if (b2) {
                    CHECK(vigil_prognosis_prior_save(again, b2, s2, &w) == VIGIL_OK);
                    CHECK(memcmp(b1, b2, s1) == 0);
                }
                free(b2);
                vigil_prognosis_prior_destroy(again);
            }
            free(b1);
            vigil_prognoser *p = NULL;
            CHECK(vigil_prognoser_create(vigil_prognosis_prior_feature(pr),
                                         vigil_prognosis_prior_failure_level(pr), &p) == VIGIL_OK);
            const int sp = vigil_prognoser_set_prior(p, pr);
            CHECK(sp == VIGIL_OK || sp == VIGIL_ENODATA || sp == VIGIL_ENONFINITE);
            exercise(p, data, size);
            vigil_prognoser_destroy(p);
            vigil_prognosis_prior_destroy(pr);
        }
    } else {
        vigil_prognoser *p = (vigil_prognoser *)1;
        const int rc = vigil_prognoser_load(in, n, &p);
        if (rc != VIGIL_OK)
            CHECK(rc < 0 && p == NULL && vigil_last_error()[0] != '\0');
        else {
            exercise(p, data, size);
            vigil_prognoser_destroy(p);
        }
    }
    free(wrapped);
    return 0;
}
