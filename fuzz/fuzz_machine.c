/* Fuzz target: the machine loader (vigil_machine_load, issue 16) on arbitrary bytes, and what
 * a loaded machine then does.
 *
 * Input: byte 0 is the mode, the rest the data.
 *   - mode even: the data is a whole blob, given to vigil_machine_load as is;
 *   - mode odd: the data is a format-2 payload (the machine section and its channels' monitor
 *     payloads), wrapped here in a valid container so that mutations reach the section parser.
 * Seeds (fuzz/corpus/machine/, made by gen_machine_corpus.py): machines saved by the command
 * with 2-4 channels, with and without common mode and stream state, in both forms.
 *
 * Properties checked beyond "no crash, no leak, no UB" (a violation traps):
 *   - a failed load returns a negative status, sets *out to NULL and leaves a message;
 *   - a loaded machine is consistent (channel count and names, width equal to every channel's
 *     column count, fitted) and its save is canonical: load(save(m)) saves to the same bytes;
 *   - its twin B (loaded from A's save with the stream state) scores every row A is given with
 *     bit-identical per-channel states and scores, and a row A rejects (a NaN, a wrong length)
 *     leaves both alike. */
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

#define ROWS 8

static const double row_values[] = {0.0, 1.0, -1.0, 0.5, 3.0, 10.0, 1e-3, 2.5, 1e6, -1e6,
                                    1e150, DBL_MIN};
#define NVALUES (sizeof row_values / sizeof *row_values)

static void check_consistent(const vigil_machine *m)
{
    const size_t nch = vigil_machine_channel_count(m), w = vigil_machine_width(m);
    CHECK(nch >= 1 && nch <= VIGIL_MACHINE_CHANNELS_MAX && w >= 1 && w <= 4096);
    CHECK(vigil_machine_fitted(m) == 1);
    CHECK(vigil_machine_common_mode(m) == 0 || nch >= 2);
    for (size_t g = 0; g < nch; g++) {
        const char *name = vigil_machine_channel_name(m, g);
        CHECK(name && name[0] && vigil_machine_find_channel(m, name) == (int)g);
        const vigil_monitor *mon = vigil_machine_monitor(m, g);
        CHECK(mon && vigil_monitor_column_count(mon) == w && vigil_monitor_fitted(mon));
    }
    CHECK(vigil_machine_channel_name(m, nch) == NULL && vigil_machine_monitor(m, nch) == NULL);
}

static unsigned char *save(const vigil_machine *m, size_t *n)
{
    CHECK(vigil_machine_save_size(m, VIGIL_SAVE_STREAM, n) == VIGIL_OK && *n > FUZZ_MODEL_HEADER);
    unsigned char *b = malloc(*n);
    if (!b)
        return NULL;
    size_t w = 0;
    CHECK(vigil_machine_save(m, VIGIL_SAVE_STREAM, b, *n, &w) == VIGIL_OK && w == *n);
    return b;
}

static void check_same(const vigil_machine *a, const vigil_machine *b)
{
    for (size_t g = 0; g < vigil_machine_channel_count(a); g++) {
        const vigil_monitor *ma = vigil_machine_monitor(a, g), *mb = vigil_machine_monitor(b, g);
        const double sa = vigil_monitor_last_score(ma), sb = vigil_monitor_last_score(mb);
        CHECK(memcmp(&sa, &sb, sizeof sa) == 0);
        CHECK(vigil_monitor_state(ma) == vigil_monitor_state(mb));
        CHECK(vigil_monitor_event_count(ma) == vigil_monitor_event_count(mb));
    }
}

static void exercise(vigil_machine *a, vigil_machine *b, const uint8_t *data, size_t size)
{
    const size_t nch = vigil_machine_channel_count(a), n = nch * vigil_machine_width(a);
    const size_t rows = n > 2048 ? 2 : ROWS;
    double *row = malloc(n * sizeof *row);
    int sa[VIGIL_MACHINE_CHANNELS_MAX], sb[VIGIL_MACHINE_CHANNELS_MAX];
    if (!row)
        return;
    const double t0 = 1e9; /* after any saved time: no step back */
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < n; c++)
            row[c] = row_values[size ? data[(r * 29 + c * 5) % size] % NVALUES : 0];
        const double t = t0 + 600.0 * (double)r;
        const int kind = size ? data[(r * 11) % size] % 4 : 0;
        if (kind == 1) {
            const size_t c = size ? (size_t)data[(r * 17) % size] % n : 0;
            const double keep = row[c];
            row[c] = NAN;
            const int ra = vigil_machine_score(a, row, n, t, 0, sa);
            const int rb = vigil_machine_score(b, row, n, t, 0, sb);
            CHECK(ra == rb && (ra < 0 || ra <= VIGIL_STATE_ALARM));
            row[c] = keep;
            check_same(a, b);
        }
        if (kind == 2)
            CHECK(vigil_machine_score(a, row, n + 1, t, 0, sa) == VIGIL_EMISMATCH);
        const int ra = vigil_machine_score(a, row, n, t, 0, sa);
        const int rb = vigil_machine_score(b, row, n, t, 0, sb);
        CHECK(ra == rb);
        CHECK(ra == VIGIL_ENONFINITE || ra == VIGIL_EFORMAT || ra == VIGIL_EINVAL ||
              (ra >= VIGIL_STATE_OK && ra <= VIGIL_STATE_ALARM));
        if (ra >= 0)
            for (size_t g = 0; g < nch; g++)
                CHECK(sa[g] == sb[g] && sa[g] >= 0 && sa[g] <= ra);
        check_same(a, b);
    }
    free(row);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t mode = data[0];
    const uint8_t *body = data + 1;
    const size_t blen = size - 1;
    unsigned char *packed = NULL;
    size_t plen = 0;
    if (mode & 1) {
        packed = fuzz_model_pack(body, blen, &plen);
        if (!packed)
            return 0;
        fuzz_le32(packed + 8, 2); /* format 2: sections */
        fuzz_le32(packed + 40, fuzz_crc(packed, 40));
    }
    vigil_machine *a = (vigil_machine *)&packed; /* non-NULL garbage: must be cleared */
    const int rc = packed ? vigil_machine_load(packed, plen, &a)
                          : vigil_machine_load(body, blen, &a);
    free(packed);
    if (rc != VIGIL_OK) {
        CHECK(a == NULL && rc < 0 && vigil_last_error()[0] != '\0');
        return 0;
    }
    check_consistent(a);
    size_t n1 = 0, n2 = 0;
    unsigned char *s1 = save(a, &n1);
    vigil_machine *b = NULL;
    if (s1) {
        CHECK(vigil_machine_load(s1, n1, &b) == VIGIL_OK);
        check_consistent(b);
        unsigned char *s2 = save(b, &n2);
        if (s2)
            CHECK(n1 == n2 && memcmp(s1, s2, n1) == 0);
        free(s2);
        exercise(a, b, body, blen);
        vigil_machine_destroy(b);
    }
    free(s1);
    vigil_machine_destroy(a);
    return 0;
}
