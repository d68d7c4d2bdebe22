/**
 * @file vigil/common.h
 * @brief Export macro and C++ guards shared by every vigil header.
 *
 * Included by each public header; users include `<vigil.h>` instead.
 *
 * Thread rules: macros only, nothing to call. The rule of each object is stated in its own
 * header; in short, one object is used by one thread at a time, distinct objects may be used
 * from any threads in parallel, and create/load/destroy may run concurrently from any threads.
 */
#ifndef VIGIL_COMMON_H
#define VIGIL_COMMON_H

#include <stddef.h>

#if defined(_WIN32) && defined(VIGIL_BUILDING)
#  define VIGIL_API __declspec(dllexport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define VIGIL_API __attribute__((visibility("default")))
#else
#  define VIGIL_API
#endif

#ifdef __cplusplus
#  define VIGIL_BEGIN_DECLS extern "C" {
#  define VIGIL_END_DECLS }
#else
#  define VIGIL_BEGIN_DECLS
#  define VIGIL_END_DECLS
#endif

#endif /* VIGIL_COMMON_H */
