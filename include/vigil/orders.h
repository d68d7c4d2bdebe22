/**
 * @file vigil/orders.h
 * @brief Shaft-order features: the amplitude spectrum at 1x, 2x and 3x the shaft rate.
 *
 * 1x dominates with imbalance, 2x with misalignment, a row of harmonics with mechanical
 * looseness. The shaft rate is the one set with vigil_extractor_set_shaft_hz() or, when that is 0,
 * estimated in each frame (vigil/bearing.h).
 *
 * Columns added, in this order:
 *
 * | name | meaning |
 * |---|---|
 * | `order_1x`, `order_2x`, `order_3x` | largest A[k] (FEATURES.md amplitude spectrum, input units, peak) within +-max(1 %, 1 bin) of h x shaft_hz |
 * | `shaft_hz` | the shaft rate used for this frame, Hz |
 *
 * Thread rules: as vigil/extractor.h.
 */
#ifndef VIGIL_ORDERS_H
#define VIGIL_ORDERS_H

#include "common.h"
#include "extractor.h"

VIGIL_BEGIN_DECLS

/** Number of columns added by vigil_extractor_enable_orders(). */
#define VIGIL_ORDERS_COLS 4

/**
 * Add the shaft-order columns (no allocation besides the column names).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL), VIGIL_ESTATE (samples pushed), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_extractor_enable_orders(vigil_extractor *ex);

VIGIL_END_DECLS

#endif /* VIGIL_ORDERS_H */
