/**
 * @file vigil/pipeline.h
 * @brief The pipeline specification: everything needed to rebuild a channel's feature rows and
 *        its monitor, as one value the library owns, parses, prints and saves with a model.
 *
 * A `vigil_pipeline` holds one text value per key. The text form is one `key = value` per
 * line; blank lines and lines whose first non-blank character is `#` are ignored; spaces
 * around the key and the value are dropped; a value runs to the end of its line. Every key
 * and its default is listed by vigil_pipeline_key_name() / vigil_pipeline_key_default() /
 * vigil_pipeline_key_doc() and in docs/ARCHITECTURE.md ("The pipeline specification"), e.g.
 *
 *     # vigil pipeline
 *     rate = 12000
 *     frame = 4096
 *     bearing = n=9,d=7.94,D=39.04,angle=0
 *     shaft.hz = 29.95
 *     orders = on
 *     monitor.detector = mahalanobis
 *
 * Every host (the `vigil` command, the gateway, Python) builds its extractor and monitor from
 * a pipeline, and a saved monitor carries its pipeline (vigil_monitor_get_pipeline()), so a
 * model trained by any host is scored the same way by every other.
 *
 * Values are validated when set: a bad value gives VIGIL_EINVAL with a message that names the
 * key (and, from vigil_pipeline_parse(), `origin:line: key: ...`). Settings that contradict
 * each other (a hop longer than the frame, an envelope band above the Nyquist frequency,
 * severity at a rate too low for its band) are reported by vigil_pipeline_check(), which the
 * parser and the builders call.
 *
 * Thread rules: a pipeline is a plain value; one thread at a time may modify it, and any
 * number may read it (get, print, build) concurrently when nobody modifies it. The name
 * functions of the enums are safe from any thread.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include "common.h"
#include "extractor.h"
#include "monitor.h"

VIGIL_BEGIN_DECLS

/** Opaque pipeline specification. */
typedef struct vigil_pipeline vigil_pipeline;

/** Largest length in bytes of one value. */
#define VIGIL_PIPELINE_VALUE_MAX 4096
/** Largest length in bytes of a whole specification text accepted by the parser. */
#define VIGIL_PIPELINE_TEXT_MAX 1048576

/** vigil_pipeline_print() flag: print every key, defaults included (else only changed keys). */
#define VIGIL_PIPELINE_PRINT_ALL 1

/**
 * Create a pipeline with every key at its default.
 * @param out receives the pipeline (free with vigil_pipeline_destroy()); NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL out), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_pipeline_create(vigil_pipeline **out);
/** Free. NULL is a no-op. */
VIGIL_API void vigil_pipeline_destroy(vigil_pipeline *p);
/**
 * Copy a pipeline. @param out receives the copy (caller owns it).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_pipeline_copy(const vigil_pipeline *p, vigil_pipeline **out);

/**
 * Parse the text form (see the file comment). Keys not given keep their defaults; a key given
 * twice takes the later value. The result is checked with vigil_pipeline_check().
 *
 * @param text   the text, `len` bytes (need not be NUL-terminated; no NUL bytes inside).
 * @param len    0..VIGIL_PIPELINE_TEXT_MAX.
 * @param origin name used in messages (a file name; NULL: "pipeline").
 * @param out    receives the pipeline; NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL (a line without '=', an unknown key, a bad value or a
 *         contradiction: vigil_last_error() says "origin:line: key: what is wrong"; NULL
 *         arguments; too long), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_pipeline_parse(const char *text, size_t len, const char *origin,
                                   vigil_pipeline **out);
/** Parse a file (see vigil_pipeline_parse(); messages start with the path).
 *  @return as vigil_pipeline_parse(), plus VIGIL_EIO. */
VIGIL_API int vigil_pipeline_load_file(const char *path, vigil_pipeline **out);

/**
 * Print the canonical text form: a first line `# vigil pipeline`, then `key = value` lines in
 * the order of the key table. Parsing the output gives an equal pipeline, and printing that
 * gives the same bytes.
 * @param flags   0 (only keys whose value differs from the default) or VIGIL_PIPELINE_PRINT_ALL.
 * @param buf     output, `cap` bytes, NUL-terminated on success (may be NULL when cap is 0).
 * @param written receives the length without the NUL (also on VIGIL_ESPACE: the size needed
 *                minus one).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESPACE.
 */
VIGIL_API int vigil_pipeline_print(const vigil_pipeline *p, int flags, char *buf, size_t cap,
                                   size_t *written);

/**
 * Set one key from its text form (the value as it would appear in the text form).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, unknown key, bad value; the message names the key),
 *         VIGIL_ENOMEM. On failure the pipeline is unchanged.
 */
VIGIL_API int vigil_pipeline_set(vigil_pipeline *p, const char *key, const char *value);
/**
 * The canonical text of one key's value.
 * @param buf output of `cap` bytes, NUL-terminated; @param written optional: length without NUL.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOTFOUND (unknown key), VIGIL_ESPACE.
 */
VIGIL_API int vigil_pipeline_get(const vigil_pipeline *p, const char *key, char *buf, size_t cap,
                                 size_t *written);
/** @return 1 if the key holds its default, 0 if not, VIGIL_EINVAL / VIGIL_ENOTFOUND. */
VIGIL_API int vigil_pipeline_is_default(const vigil_pipeline *p, const char *key);
/**
 * A numeric key's value (rate, frame, hop, shaft.hz, monitor.quantile, ...; "hop = frame"
 * gives the frame, "shaft.hz = estimate" gives 0, "on"/"off" give 1/0).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, or the key is not numeric), VIGIL_ENOTFOUND.
 */
VIGIL_API int vigil_pipeline_number(const vigil_pipeline *p, const char *key, double *value);

/** @return the sample rate in Hz (0: not set; 0 for NULL). */
VIGIL_API double vigil_pipeline_rate(const vigil_pipeline *p);
/** @return the frame length in samples (0 for NULL). */
VIGIL_API size_t vigil_pipeline_frame(const vigil_pipeline *p);
/** @return the hop in samples, the frame when `hop = frame` (0 for NULL). */
VIGIL_API size_t vigil_pipeline_hop(const vigil_pipeline *p);
/** @return 1 when the rows are precomputed (`source = rows`), 0 for samples (0 for NULL). */
VIGIL_API int vigil_pipeline_rows(const vigil_pipeline *p);
/** @return the detector kind (VIGIL_DETECTOR_*), VIGIL_EINVAL for NULL. */
VIGIL_API int vigil_pipeline_detector(const vigil_pipeline *p);
/**
 * A string key's value (column, channel, machine, time.column, condition.column, ...).
 * @return the value, owned by the pipeline, valid until the key is set again or the pipeline
 *         destroyed; "" when empty; NULL for NULL or an unknown key.
 */
VIGIL_API const char *vigil_pipeline_string(const vigil_pipeline *p, const char *key);

/**
 * Check the keys against each other: hop <= frame; a sample source needs a rate; envelope
 * band lower edge below rate/2 and at least 2 bins wide; shaft rate and range below rate/2;
 * severity needs a rate above 20 Hz; orders and envelope need what they read; common mode
 * only with rows.
 * @return VIGIL_OK or VIGIL_EINVAL (message names the key), VIGIL_EINVAL for NULL.
 */
VIGIL_API int vigil_pipeline_check(const vigil_pipeline *p);

/** @return the number of keys of the specification. */
VIGIL_API size_t vigil_pipeline_key_count(void);
/** @return the name of key i (static), NULL if out of range. */
VIGIL_API const char *vigil_pipeline_key_name(size_t i);
/** @return the default text of key i (static), NULL if out of range. */
VIGIL_API const char *vigil_pipeline_key_default(size_t i);
/** @return a one-line description of key i with its unit and range (static), NULL if out of
 *  range. */
VIGIL_API const char *vigil_pipeline_key_doc(size_t i);

/**
 * Build the extractor the pipeline describes (rate, frame, hop, bands, bearing, shaft rate or
 * range, envelope, orders, severity; groups in that order).
 * @param out receives the extractor (caller owns it); NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL (not checkable; `source = rows`; message names the key),
 *         VIGIL_ENOMEM.
 */
VIGIL_API int vigil_pipeline_create_extractor(const vigil_pipeline *p, vigil_extractor **out);

/**
 * Build the monitor the pipeline describes and attach a copy of the pipeline to it (saved with
 * the model, see vigil_monitor_get_pipeline()).
 *
 * @param names the row's column names, n of them; NULL (with n 0) for a sample source: the
 *              extractor's columns. With a sample source given names must equal the
 *              extractor's, else VIGIL_EMISMATCH names both layouts.
 * @param out   receives the monitor (caller owns it); NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EMISMATCH, VIGIL_ENOTFOUND (a feature named in
 *         monitor.features or monitor.directions is not a column), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_pipeline_create_monitor(const vigil_pipeline *p, const char *const *names,
                                            size_t n, vigil_monitor **out);

/**
 * The pipeline of a monitor: the one attached at creation (or loaded with it), with the
 * monitor.* keys set from the monitor's own settings, so it describes the monitor as it is. A
 * monitor made without a pipeline (vigil_monitor_create()) reports `source = rows`.
 * @param out receives a new pipeline (caller owns it).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_get_pipeline(const vigil_monitor *m, vigil_pipeline **out);
/**
 * Attach a copy of a pipeline to a monitor (its source and feature keys; the monitor.* keys
 * come from the monitor). The pipeline's rows must be the monitor's columns. A monitor that has
 * learnt nothing and holds the plain default selection takes the bearing-aware one when the
 * pipeline has a bearing and a shaft rate (docs/MODELS.md, "Bearing-aware defaults").
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EMISMATCH (layouts differ; both named), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_set_pipeline(vigil_monitor *m, const vigil_pipeline *p);
/**
 * Check that rows with these column names fit the monitor.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EMISMATCH (the message names the model's layout and
 *         the one offered: counts and the first difference).
 */
VIGIL_API int vigil_monitor_check_columns(const vigil_monitor *m, const char *const *names,
                                          size_t n);
/**
 * The model id: 16 lower-case hex digits, a 64-bit FNV-1a hash of the saved specification and
 * trained state (not the stream state), so equal models have equal ids whichever host saved
 * them. Changes when the model is updated (vigil_monitor_update()).
 * @param buf at least 17 bytes. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (not fitted),
 *         VIGIL_ESPACE, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_model_id(const vigil_monitor *m, char *buf, size_t cap);

/* ---- names of the public enums ------------------------------------------------------------
 * Each `_name` returns a static lower-case string, NULL for an unknown value; each `_parse`
 * returns the value (>= 0) or VIGIL_EINVAL (NULL or unknown name; the message lists the
 * accepted names). These are the spellings of the text form and of every host. */

/** Detector kind: "zscore", "mahalanobis", "pca", "hst". */
VIGIL_API const char *vigil_detector_name(int kind);
/** @see vigil_detector_name() */
VIGIL_API int vigil_detector_parse(const char *name);
/** Alarm state (VIGIL_STATE_*): "ok", "warn", "alarm". */
VIGIL_API const char *vigil_state_name(int state);
/** @see vigil_state_name() */
VIGIL_API int vigil_state_parse(const char *name);
/** Fault direction (VIGIL_DIR_*): "both", "up", "down". */
VIGIL_API const char *vigil_direction_name(int direction);
/** @see vigil_direction_name() */
VIGIL_API int vigil_direction_parse(const char *name);
/** Gap policy (VIGIL_GAP_*): "keep", "reref". */
VIGIL_API const char *vigil_gap_policy_name(int policy);
/** @see vigil_gap_policy_name() */
VIGIL_API int vigil_gap_policy_parse(const char *name);
/** Threshold mode (VIGIL_THRESHOLD_*): "quantile", "chi2". */
VIGIL_API const char *vigil_threshold_mode_name(int mode);
/** @see vigil_threshold_mode_name() */
VIGIL_API int vigil_threshold_mode_parse(const char *name);
/** Units of acceleration samples (VIGIL_UNITS_*): "g", "m/s2" ("m/s^2" also parses). */
VIGIL_API const char *vigil_units_name(int units);
/** @see vigil_units_name() */
VIGIL_API int vigil_units_parse(const char *name);
/** ISO 10816-3 machine class (VIGIL_ISO_*): "1r", "1f", "2r", "2f" (group, rigid/flexible). */
VIGIL_API const char *vigil_machine_class_name(int machine_class);
/** @see vigil_machine_class_name() */
VIGIL_API int vigil_machine_class_parse(const char *name);
/** ISO zone 1..4: "A", "B", "C", "D" (parse accepts lower case too). */
VIGIL_API const char *vigil_zone_name(int zone);
/** @see vigil_zone_name() */
VIGIL_API int vigil_zone_parse(const char *name);
/** Alarm rule (VIGIL_ALARM_*, vigil/alarm.h): "cusum", "kofn". */
VIGIL_API const char *vigil_alarm_rule_name(int rule);
/** @see vigil_alarm_rule_name() */
VIGIL_API int vigil_alarm_rule_parse(const char *name);
/** Common-mode kind (VIGIL_COMMON_*): "ratio", "difference", "none". */
VIGIL_API const char *vigil_common_mode_name(int kind);
/** @see vigil_common_mode_name() */
VIGIL_API int vigil_common_mode_parse(const char *name);

/* ---- per-column facts ---------------------------------------------------------------------
 * Every column an extractor can produce is declared once, with its facts, in the table of the
 * feature group that computes it. Columns that do not come from an extractor (a historian's
 * table) get facts guessed from their names, in this one place. */

/**
 * Facts about a column called `name`: its fault direction (VIGIL_DIR_*), its common-mode kind
 * (VIGIL_COMMON_*), whether the monitor selects it by default (1/0) and its unit ("" for
 * dimensionless, "Hz", "s", "mm/s", "signal", "signal^2", "signal^2/Hz", ...).
 * @param direction,common_mode,selected optional outputs; @param unit optional output
 *        (static string).
 * @return 1 if the column is an extractor column (facts from the group table), 0 if the facts
 *         were guessed from the name, VIGIL_EINVAL for NULL name.
 */
VIGIL_API int vigil_column_facts(const char *name, int *direction, int *common_mode,
                                 int *selected, const char **unit);

VIGIL_END_DECLS

#endif /* VIGIL_PIPELINE_H */
