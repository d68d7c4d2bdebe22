/**
 * @file vigil/planner.h
 * @brief How the FFTs are planned: FFTW_ESTIMATE (the default) or FFTW_MEASURE, and FFTW wisdom.
 *
 * Every FFT in vigil (the extractor's frame FFT, the envelope's transforms) is planned once, when
 * its object is created, with the mode in force at that moment:
 *
 * - VIGIL_PLANNER_ESTIMATE (default): FFTW picks the algorithm from the size alone, the same on
 *   every run of the same FFTW build, so feature rows are bit-identical between processes and
 *   hosts; models that move between machines see the same numbers. Planning takes microseconds.
 *   FFTW would use measured wisdom even for ESTIMATE plans; vigil sets the process's wisdom
 *   aside while it makes them, so they stay the plain ESTIMATE plans whatever wisdom is held.
 * - VIGIL_PLANNER_MEASURE: FFTW times candidate algorithms and keeps the fastest (FFTW_MEASURE).
 *   Faster transforms, but planning takes up to seconds per size and the choice depends on the
 *   timings, so two processes may pick different algorithms and rows may differ in the last bits
 *   (about 1e-15 relative). Share the plans through wisdom: export it once
 *   (vigil_planner_export_wisdom_file()) and import it in every process of that machine and FFTW
 *   build before creating objects; with the same wisdom, the same plans and the same bits.
 *
 * The mode and the wisdom are process-wide (FFTW's wisdom is), read at create; objects already
 * created keep their plans. Thread rules: every function here may be called from any thread;
 * they take the same internal lock as FFTW's planning (see extractor.h). Implemented in
 * lib/spectrum.c, the one file that talks to FFTW.
 */
#ifndef VIGIL_PLANNER_H
#define VIGIL_PLANNER_H

#include "common.h"

#include <stddef.h>

VIGIL_BEGIN_DECLS

/** FFTW_ESTIMATE: deterministic plans (the default). */
#define VIGIL_PLANNER_ESTIMATE 0
/** FFTW_MEASURE: timed plans, faster, shared between processes only through wisdom. */
#define VIGIL_PLANNER_MEASURE 1

/**
 * Set the planner mode for the FFTs of objects created from now on, in this process.
 *
 * @param mode VIGIL_PLANNER_ESTIMATE or VIGIL_PLANNER_MEASURE.
 * @return VIGIL_OK, VIGIL_EINVAL (another value).
 */
VIGIL_API int vigil_planner_set_mode(int mode);

/** The planner mode in force (VIGIL_PLANNER_ESTIMATE unless changed). */
VIGIL_API int vigil_planner_mode(void);

/** "estimate" or "measure" (FFTW's flag without its prefix); "unknown" for other values. Static
 *  string, never NULL. */
VIGIL_API const char *vigil_planner_mode_name(int mode);

/**
 * Add FFTW wisdom (from vigil_planner_export_wisdom() or FFTW's own tools for the same FFTW
 * build) to this process's wisdom: later MEASURE plans of those sizes reuse it without timing.
 *
 * @param wisdom NUL-terminated text, FFTW's wisdom format.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL), VIGIL_EFORMAT (FFTW rejected the text; wisdom is then
 *         as FFTW left it: call vigil_planner_forget_wisdom() to start clean).
 */
VIGIL_API int vigil_planner_import_wisdom(const char *wisdom);

/**
 * Write this process's FFTW wisdom as text into buf, NUL-terminated.
 *
 * @param buf  output, cap bytes; may be NULL with cap 0 to ask for the size.
 * @param cap  bytes buf can hold.
 * @param written optional: receives the length of the wisdom text without its NUL, whether or
 *                not it fitted (so a call with cap 0 gives the size to allocate, plus 1).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL buf with cap > 0), VIGIL_ESPACE (the text and its NUL do
 *         not fit in cap; buf holds nothing useful).
 */
VIGIL_API int vigil_planner_export_wisdom(char *buf, size_t cap, size_t *written);

/**
 * vigil_planner_import_wisdom() from a file.
 *
 * @return VIGIL_OK, VIGIL_EINVAL (NULL path), VIGIL_EIO (cannot open), VIGIL_EFORMAT (not wisdom).
 */
VIGIL_API int vigil_planner_import_wisdom_file(const char *path);

/**
 * vigil_planner_export_wisdom() to a file (created or replaced).
 *
 * @return VIGIL_OK, VIGIL_EINVAL (NULL path), VIGIL_EIO (cannot write it).
 */
VIGIL_API int vigil_planner_export_wisdom_file(const char *path);

/** Forget all wisdom of this process (later MEASURE plans time their candidates again). */
VIGIL_API void vigil_planner_forget_wisdom(void);

VIGIL_END_DECLS

#endif
