/*
 * clones_int.h - function multiversioning for the hot loops (internal to
 * libwatchline). WL__CLONES before a function definition builds it three
 * times, for x86-64-v4 (AVX-512 F/BW/DQ/VL), AVX2 and the baseline, and
 * picks one at load time, where the compiler knows x86-64-v4 (GCC 11 and
 * clang 14 on) on x86-64 Linux; elsewhere, or with WL_NO_MULTIVERSION,
 * it is empty and WL__CLONES_ON is undefined. The cloned code must give
 * the same results in every build (integer arithmetic, or float tests
 * whose margins make them exact).
 */
#ifndef WATCHLINE_CLONES_INT_H
#define WATCHLINE_CLONES_INT_H

#if defined(__x86_64__) && defined(__linux__) &&                         \
    !defined(WL_NO_MULTIVERSION) &&                                       \
    ((defined(__clang__) && __clang_major__ >= 14) ||                     \
     (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 11))
#define WL__CLONES_ON 1
#define WL__CLONES                                                        \
  __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define WL__CLONES
#endif

#endif
