/* Fuzz target: the option and field parsers (vigil_parse_number, vigil_parse_time,
 * vigil_parse_bands) and what consumes their output (vigil_extractor_add_band).
 *
 * Each input is one NUL-terminated string given to every parser. Properties checked beyond
 * "no crash, no leak, no UB" (a violation traps):
 *   - an accepted number or time is finite; a rejected call leaves the output untouched;
 *   - every accepted band list has 0 <= lo < hi, all finite, and the extractor accepts those
 *     bands and computes finite band powers from them (the CLI's --bands path end to end). */
#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void check_bands(const double *lo, const double *hi, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK(isfinite(lo[i]) && isfinite(hi[i]) && lo[i] >= 0.0 && lo[i] < hi[i]);
    if (n == 0 || n > VIGIL_BANDS_MAX)
        return;
    vigil_extractor *ex = NULL;
    if (vigil_extractor_create(1000.0, 32, &ex) != VIGIL_OK)
        return; /* out of memory: nothing to check */
    for (size_t i = 0; i < n; i++)
        CHECK(vigil_extractor_add_band(ex, lo[i], hi[i]) == VIGIL_OK);
    double x[32], row[128];
    for (int i = 0; i < 32; i++)
        x[i] = (double)((i * 7) % 5) - 2.0;
    CHECK(vigil_extractor_push(ex, x, 32, NULL) == VIGIL_OK);
    CHECK(vigil_extractor_pop(ex, row, 128, NULL) == 1);
    const size_t nc = vigil_extractor_feature_count(ex);
    for (size_t c = nc - n; c < nc; c++)
        CHECK(isfinite(row[c]) && row[c] >= 0.0);
    vigil_extractor_destroy(ex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    double v = 1234.5;
    if (vigil_parse_number(s, &v) == VIGIL_OK)
        CHECK(isfinite(v));
    else
        CHECK(v == 1234.5);

    v = 1234.5;
    if (vigil_parse_time(s, &v) == VIGIL_OK)
        CHECK(isfinite(v));
    else
        CHECK(v == 1234.5);

    double lo[VIGIL_BANDS_MAX], hi[VIGIL_BANDS_MAX];
    size_t n = 99;
    int rc = vigil_parse_bands(s, lo, hi, VIGIL_BANDS_MAX, &n);
    if (rc == VIGIL_OK) {
        CHECK(n >= 1 && n <= VIGIL_BANDS_MAX);
        check_bands(lo, hi, n);
    } else {
        CHECK(n == 0 && rc < 0);
    }
    /* a small capacity: never written past, ESPACE when the list is longer */
    double lo2[2], hi2[2];
    rc = vigil_parse_bands(s, lo2, hi2, 2, &n);
    CHECK(rc == VIGIL_OK ? n <= 2 : n == 0);

    free(s);
    return 0;
}
