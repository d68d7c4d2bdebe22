/* The number parser's fast path (lib/parse.c) on every value of the CWRU recordings: each field of
 * each file listed in cwru/MANIFEST.tsv, parsed by vigil_parse_number and by glibc's strtod
 * (correctly rounded), must give the same bits. Data suite: skips (77) without the datasets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <vigil.h>

static char dir[1024];

/* The whole decompressed text of path (NUL-terminated, malloc'ed). */
static char *slurp(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");
    assert_non_null(gz);
    size_t cap = 1 << 22, n = 0;
    char *text = malloc(cap + 1);
    assert_non_null(text);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            text = realloc(text, cap + 1);
            assert_non_null(text);
        }
        const int got = gzread(gz, text + n, (unsigned)(cap - n));
        assert_true(got >= 0);
        if (got == 0)
            break;
        n += (size_t)got;
    }
    gzclose(gz);
    text[n] = '\0';
    *len = n;
    return text;
}

static void test_every_cwru_value(void **state)
{
    (void)state;
    char manifest[1200], line[4096];
    snprintf(manifest, sizeof manifest, "%s/cwru/MANIFEST.tsv", dir);
    FILE *f = fopen(manifest, "r");
    assert_non_null(f);
    size_t files = 0, values = 0;
    while (fgets(line, sizeof line, f)) {
        const size_t path_len = strcspn(line, "\t");
        if (strncmp(line, "cwru/", 5) != 0)
            continue; /* the header */
        char path[2400];
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)path_len, line);
        size_t len;
        char *text = slurp(path, &len);
        char *p = strchr(text, '\n'); /* past the header row */
        assert_non_null(p);
        for (p++; *p;) {
            /* a loop, not strcspn: under ASan's strict_string_checks (CI) every strcspn call
             * would scan the whole rest of the file, quadratic in its length */
            size_t field = 0;
            while (p[field] && p[field] != ',' && p[field] != '\r' && p[field] != '\n')
                field++;
            const char keep = p[field];
            p[field] = '\0';
            if (field > 0) {
                double v = 0.0;
                if (vigil_parse_number(p, &v) != VIGIL_OK)
                    fail_msg("%s: '%s' rejected: %s", path, p, vigil_last_error());
                const double want = strtod(p, NULL);
                if (memcmp(&v, &want, sizeof v) != 0)
                    fail_msg("%s: '%s' gave %.17g, strtod %.17g", path, p, v, want);
                values++;
            }
            p += field + (keep != '\0');
        }
        free(text);
        files++;
    }
    fclose(f);
    print_message("%zu values of %zu CWRU files: the same bits as strtod\n", values, files);
    assert_true(files >= 20);
    assert_true(values > 1000000);
}

int main(void)
{
    const char *d = getenv("VIGIL_DATASETS");
    if (!d || !*d)
        d = getenv("VIGIL_DATASETS_DEFAULT");
    char probe[1200];
    snprintf(probe, sizeof probe, "%s/cwru/MANIFEST.tsv", d ? d : "");
    FILE *f = d ? fopen(probe, "rb") : NULL;
    if (!f) {
        fprintf(stderr, "skip: CWRU data not found (%s); set VIGIL_DATASETS\n", probe);
        return 77;
    }
    fclose(f);
    snprintf(dir, sizeof dir, "%s", d);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cwru_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
