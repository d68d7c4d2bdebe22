/* Fuzz target: the bearing description parser (vigil_parse_bearing, "n=9,d=..,D=..,angle=..")
 * and what consumes its output, plus the feature-name classifier of common mode
 * (vigil_common_mode_kind_of), the other public function that interprets text.
 *
 * Each input is one NUL-terminated string. Properties checked beyond "no crash, no leak, no UB"
 * (a violation traps):
 *   - a rejected description leaves every output untouched and leaves a message;
 *   - an accepted one is valid for every consumer: vigil_bearing_frequencies() accepts it at
 *     1 Hz and gives finite frequencies with FTF < BPFO < BPFI and BSF > 0; an extractor and a
 *     diagnosis accept it as their bearing;
 *   - the name classifier returns RATIO or DIFF, for every string. */
#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "CHECK failed %s:%d: %s\n", __FILE__, __LINE__, #cond); __builtin_trap(); } } while (0)

static void check_geometry(double n, double d, double pitch, double angle)
{
    CHECK(isfinite(n) && isfinite(d) && isfinite(pitch) && isfinite(angle));
    double f[VIGIL_DEFECT_COUNT];
    CHECK(vigil_bearing_frequencies(n, d, pitch, angle, 1.0, f, VIGIL_DEFECT_COUNT) == VIGIL_OK);
    for (int i = 0; i < VIGIL_DEFECT_COUNT; i++)
        CHECK(isfinite(f[i]) && f[i] > 0.0);
    CHECK(f[VIGIL_DEFECT_FTF] <= 0.5 && f[VIGIL_DEFECT_BPFO] <= f[VIGIL_DEFECT_BPFI]);
    CHECK(f[VIGIL_DEFECT_FTF] <= f[VIGIL_DEFECT_BPFO]);

    vigil_extractor *ex = NULL;
    if (vigil_extractor_create(1000.0, 64, &ex) == VIGIL_OK) {
        CHECK(vigil_extractor_set_bearing(ex, n, d, pitch, angle) == VIGIL_OK);
        vigil_extractor_destroy(ex);
    }
    vigil_diagnosis *dg = NULL;
    if (vigil_diagnosis_create(1000.0, 64, &dg) == VIGIL_OK) {
        CHECK(vigil_diagnosis_set_bearing(dg, n, d, pitch, angle) == VIGIL_OK);
        vigil_diagnosis_destroy(dg);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    double n = -1.5, d = -2.5, pitch = -3.5, angle = -4.5;
    const int rc = vigil_parse_bearing(s, &n, &d, &pitch, &angle);
    if (rc == VIGIL_OK) {
        check_geometry(n, d, pitch, angle);
    } else {
        CHECK(rc == VIGIL_EFORMAT && vigil_last_error()[0] != '\0');
        CHECK(n == -1.5 && d == -2.5 && pitch == -3.5 && angle == -4.5);
    }

    const int kind = vigil_common_mode_kind_of(s);
    CHECK(kind == VIGIL_COMMON_RATIO || kind == VIGIL_COMMON_DIFF || kind == VIGIL_COMMON_NONE);

    free(s);
    return 0;
}
