/* quickstart: the smallest useful vigil program. For each recording given on the command line
 * it streams one column through a feature extractor, 4096-sample frames with 50 % overlap, and
 * prints the average of a few features that vibration analysts read first.
 *
 *   build/examples/quickstart datasets/demo/healthy.csv.gz datasets/demo/outer_race.csv.gz
 *
 * Uses only the public API (<vigil.h>). Error handling is complete: every call is checked and
 * the library's message is printed. */
#include <vigil.h>

#include <stdio.h>
#include <stdlib.h>

#define RATE 12000.0 /* the demo recordings are 12 kHz accelerations in g */
#define CHUNK 4096

static int summarise(const char *path, vigil_extractor *ex)
{
    vigil_reader *r = NULL;
    if (vigil_reader_open(path, &r) != VIGIL_OK) {
        fprintf(stderr, "quickstart: %s\n", vigil_last_error());
        return 1;
    }
    const int col = vigil_reader_find_column(r, "de");
    if (col < 0) {
        fprintf(stderr, "quickstart: %s\n", vigil_last_error());
        vigil_reader_close(r);
        return 1;
    }
    /* look the columns up by name: the row layout is the library's business */
    const int i_rms = vigil_extractor_feature_index(ex, "rms");
    const int i_kurt = vigil_extractor_feature_index(ex, "kurtosis");
    const int i_crest = vigil_extractor_feature_index(ex, "crest");
    const int i_hi = vigil_extractor_feature_index(ex, "band_2000_6000");
    const size_t ncols = vigil_extractor_feature_count(ex);

    double chunk[CHUNK], row[64], sum[4] = {0, 0, 0, 0};
    size_t frames = 0, n = 0;
    int rc;
    vigil_extractor_reset(ex);
    while ((rc = vigil_reader_read_column(r, (size_t)col, chunk, CHUNK, &n)) == VIGIL_OK && n > 0) {
        size_t off = 0;
        while (off < n) { /* push what fits, pop what is ready, repeat */
            size_t used = 0;
            if (vigil_extractor_push(ex, chunk + off, n - off, &used) != VIGIL_OK) {
                fprintf(stderr, "quickstart: %s\n", vigil_last_error());
                vigil_reader_close(r);
                return 1;
            }
            off += used;
            while (vigil_extractor_pop(ex, row, ncols, NULL) == 1) {
                sum[0] += row[i_rms];
                sum[1] += row[i_kurt];
                sum[2] += row[i_crest];
                sum[3] += row[i_hi];
                frames++;
            }
        }
    }
    vigil_reader_close(r);
    if (rc != VIGIL_OK) {
        fprintf(stderr, "quickstart: %s\n", vigil_last_error());
        return 1;
    }
    if (frames == 0) {
        fprintf(stderr, "quickstart: %s: shorter than one frame\n", path);
        return 1;
    }
    printf("%-40s %6zu %10.4f %10.3f %8.3f %14.3e\n", path, frames, sum[0] / frames,
           sum[1] / frames, sum[2] / frames, sum[3] / frames);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: quickstart FILE.csv[.gz]...  (12 kHz, column 'de')\n");
        return 2;
    }
    vigil_extractor *ex = NULL;
    if (vigil_extractor_create(RATE, 4096, &ex) != VIGIL_OK ||
        vigil_extractor_set_hop(ex, 2048) != VIGIL_OK ||
        vigil_extractor_add_band(ex, 2000, 6000) != VIGIL_OK) {
        fprintf(stderr, "quickstart: %s\n", vigil_last_error());
        vigil_extractor_destroy(ex);
        return 1;
    }
    printf("vigil %s\n%-40s %6s %10s %10s %8s %14s\n", vigil_version_string(), "recording",
           "frames", "rms [g]", "kurtosis", "crest", "2-6 kHz [g^2]");
    int status = 0;
    for (int i = 1; i < argc; i++)
        status |= summarise(argv[i], ex);
    vigil_extractor_destroy(ex);
    return status;
}
