#pragma once
// Eigen for the per-level kernel builds (kernel_level.hpp). With AVX-512 Eigen always fuses
// a*b+c into one FMA instruction (its packet pmadd), which rounds once instead of twice and so
// changes the last bits of exp() and of everything after it. To give the same numbers on every
// level, the fused intrinsics Eigen calls are replaced by a multiply and an add before Eigen
// is read; the compiler does not fuse them again (-ffp-contract=off on the level builds).
//
// Eigen's fast square root with AVX-512 starts from the approximate reciprocal square root
// instruction and is not correctly rounded; the exact one (EIGEN_FAST_MATH 0) is the same on
// every level.
#include <immintrin.h>

#define EIGEN_FAST_MATH 0

#define _mm_fmadd_pd(a, b, c) _mm_add_pd(_mm_mul_pd(a, b), c)
#define _mm256_fmadd_pd(a, b, c) _mm256_add_pd(_mm256_mul_pd(a, b), c)
#define _mm512_fmadd_pd(a, b, c) _mm512_add_pd(_mm512_mul_pd(a, b), c)

#include <Eigen/Core>

#undef _mm_fmadd_pd
#undef _mm256_fmadd_pd
#undef _mm512_fmadd_pd
