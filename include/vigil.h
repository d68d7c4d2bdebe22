/**
 * @file vigil.h
 * @brief vigil: streaming vibration features and early-warning models for predictive maintenance.
 *
 * Umbrella header: include this one. Each module has its own header under vigil/ with its thread
 * rules; every function returns 0 (VIGIL_OK) or a non-negative count on success and a negative
 * VIGIL_E* code on failure (see vigil/status.h). vigil never prints, exits or aborts.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include "vigil/common.h"
#include "vigil/status.h"
#include "vigil/version.h"
#include "vigil/extractor.h"
#include "vigil/planner.h"
#include "vigil/reader.h"
#include "vigil/parse.h"
#include "vigil/bearing.h"
#include "vigil/envelope.h"
#include "vigil/orders.h"
#include "vigil/severity.h"
#include "vigil/rul.h"
#include "vigil/prognosis.h"
#include "vigil/snapshot.h"
#include "vigil/diagnose.h"
#include "vigil/drift.h"
#include "vigil/alarm.h"
#include "vigil/monitor.h"
#include "vigil/common_mode.h"
#include "vigil/machine.h"
#include "vigil/pipeline.h"

#endif /* VIGIL_H */
