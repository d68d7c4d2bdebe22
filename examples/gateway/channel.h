/* channel.h: one monitored channel of one machine: a vigil_extractor cuts its samples into
 * frames, a vigil_monitor learns the first frames as the healthy baseline, then scores every
 * frame; health rows and state-change events go to a sink as JSON (README.md, "Output").
 *
 * Models live in a directory, one file per channel, `<machine>@<channel>.vgm` (names
 * percent-encoded), written atomically by vigil_monitor_save_file_ex() with their stream state
 * (a restarted gateway resumes the alarm that was up). A model carries its pipeline
 * specification (vigil/pipeline.h), so a loaded channel frames its samples exactly as the model
 * expects whatever the gateway's current options are, and a model trained anywhere (`vigil
 * train`, Python) serves the channel its file is named after. */
#ifndef GATEWAY_CHANNEL_H
#define GATEWAY_CHANNEL_H

#include <vigil.h>

#include <stddef.h>
#include <stdint.h>

/* Options shared by every channel the gateway creates. */
typedef struct gw_config {
    vigil_pipeline *spec; /* new channels: frame, hop, bands, groups, detector (--spec, flags) */
    size_t learn;    /* frames learnt before the model is fitted */
    size_t top;      /* features listed per message, 1..16 */
    double jitter;   /* seconds: |t0 - expected| within this is taken as continuous */
    const char *models; /* model directory, NULL for none */
    /* remaining life (issue 15): --failure FEATURE:LEVEL and --prior FILE; NULL: none */
    const char *failure_feature;
    double failure_level;
    const vigil_prognosis_prior *prior;
} gw_config;

/* Where output goes: MQTT topics or stdout lines. kind is "health", "event" or "error". */
typedef struct gw_sink {
    void (*emit)(void *ctx, const char *machine, const char *channel, const char *kind,
                 const char *json);
    void *ctx;
} gw_sink;

typedef struct channel channel;

/* New channel that learns its baseline. 0, or -1 with a message in err. */
int channel_create(const gw_config *cfg, const char *machine, const char *name, double rate,
                   channel **out, char *err, size_t errcap);
/* Channel `machine`/`name` from a model file saved by any host (channel_save(), `vigil train`,
 * Python). 0, or -1 with a message in err. */
int channel_load(const gw_config *cfg, const char *path, const char *machine, const char *name,
                 channel **out, char *err, size_t errcap);
/* Decode a model file name `<machine>@<channel>.vgm` (percent-encoded) into machine and
 * channel (cap bytes each). 0, or -1 when the name is not of that form. */
int model_file_names(const char *file, char *machine, char *name, size_t cap);
/* A machine's model file (issue 16): `<machine>.vgm` (no '@'), every channel of the machine
 * in one file (vigil_machine_save_file: `vigil monitor --channels -o`, Python's Machine).
 * Decodes the machine name (cap bytes). 0, or -1 when the name is not of that form. */
int machine_file_name(const char *file, char *machine, size_t cap);
/* Channel `machine`/`name` served by a loaded monitor (taken over, destroyed on failure);
 * in_machine: it came from a machine's file, which gateway.c saves again (channel_save skips
 * it). 0, or -1 with a message in err. */
int channel_adopt(const gw_config *cfg, vigil_monitor *mon, int in_machine, const char *machine,
                  const char *name, channel **out, char *err, size_t errcap);
int channel_in_machine(const channel *ch);
const vigil_monitor *channel_monitor(const channel *ch);
void channel_destroy(channel *ch);

const char *channel_machine(const channel *ch);
const char *channel_name(const channel *ch);
double channel_rate(const channel *ch);
int channel_fitted(const channel *ch);

/* Feed one message's samples. t0: time of x[0] in seconds or NaN (continue the stream; the
 * first message without t0 is placed so that its last sample is at `now`). Emits health rows
 * and events; the first push also emits the channel's first event (learning, or model loaded)
 * at the time of its first sample. A message with t0 equal to one of the last 8 messages' and
 * the same samples is a redelivery: returns 1 (dropped, err says why). A t0 earlier than
 * expected with other samples is a clock set back: a new segment (framing restarts at t0; the
 * monitor starts a new segment, docs/MODELS.md). Returns 0, 1 (dropped), 2 (taken after such a
 * stream reset: err says so, for the log; counted by channel_resyncs()), or -1 on error (err
 * says why; an "error" message was not emitted). */
int channel_push(channel *ch, const double *x, size_t n, double t0, double now,
                 const gw_sink *sink, char *err, size_t errcap);

/* Save the fitted model to cfg->models. 0 (also when not fitted or no directory: nothing to
 * do), or -1 with a message. */
int channel_save(channel *ch, char *err, size_t errcap);

/* Counters for the exit summary. */
uint64_t channel_frames(const channel *ch);
uint64_t channel_resyncs(const channel *ch);
uint64_t channel_events(const channel *ch);

/* Percent-encode a name for a file name: [A-Za-z0-9_-] kept, every other byte %XX.
 * 0, or -1 if it does not fit in cap bytes. */
int name_encode(const char *name, char *out, size_t cap);

#endif
