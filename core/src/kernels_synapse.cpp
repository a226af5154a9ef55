// The connections of a circuit: the chemical synapse's activation, one exp() per distinct
// activation and step, and the currents summed onto their postsynaptic neurons.
#include <immintrin.h>

#include "kernel_math.hpp"

namespace odynn::detail::ODYNN_ISA {

void synapseSigmoid(const double* mdp, const double* inv, const double* vPre, double* out, int n) {
    for (int k = 0; k < n; k += packet)
        PkMap(out + k) = 1.0 / (1.0 + ((PkCMap(mdp + k) - PkCMap(vPre + k)) * PkCMap(inv + k)).exp());
}

// Rows past a place's own terms add nothing: masked out, not padded with zeros, so that each sum
// equals its neuron's terms added in order bit for bit, whatever the other places of its slice.
// Table values are read one by one: on Zen 4 that is faster than a gather instruction.
namespace {

#if defined(__AVX512F__) && defined(__AVX512VL__)
__m256i loadInts(const int* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
__m512d pick(const double* t, const int* i) {
    return _mm512_set_pd(t[i[7]], t[i[6]], t[i[5]], t[i[4]], t[i[3]], t[i[2]], t[i[1]], t[i[0]]);
}

void sumSlice(const ConnectionSlices& c, int s, const double* table, double* acc) {
    const int i0 = s * packet;
    const __m256i nSyn = loadInts(c.synapses + i0), nGap = loadInts(c.gaps + i0);
    const __m512d vPost = pick(table, c.post + i0);
    __m512d sum = _mm512_loadu_pd(acc + i0);
    for (int row = c.start[s]; row < c.middle[s]; ++row) {
        const int q = row * packet;
        const __m512d act = pick(table, c.index + q);
        const __m512d term = _mm512_mul_pd(_mm512_mul_pd(_mm512_loadu_pd(c.G + q), act),
                                           _mm512_sub_pd(_mm512_loadu_pd(c.E + q), vPost));
        sum = _mm512_mask_add_pd(sum, _mm256_cmpgt_epi32_mask(nSyn, _mm256_set1_epi32(row - c.start[s])), sum, term);
    }
    for (int row = c.middle[s]; row < c.start[s + 1]; ++row) {
        const int q = row * packet;
        const __m512d vPre = pick(table, c.index + q);
        const __m512d term = _mm512_mul_pd(_mm512_loadu_pd(c.G + q), _mm512_sub_pd(vPre, vPost));
        sum = _mm512_mask_add_pd(sum, _mm256_cmpgt_epi32_mask(nGap, _mm256_set1_epi32(row - c.middle[s])), sum, term);
    }
    _mm512_storeu_pd(acc + i0, sum);
}
#elif defined(__AVX2__)
__m128i loadInts(const int* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
__m256d pick(const double* t, const int* i) { return _mm256_set_pd(t[i[3]], t[i[2]], t[i[1]], t[i[0]]); }
__m256d below(__m128i n, int j) { return _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpgt_epi32(n, _mm_set1_epi32(j)))); }

void sumSlice(const ConnectionSlices& c, int s, const double* table, double* acc) {
    for (int h = 0; h < packet; h += 4) {  // two halves of 4 places
        const int i0 = s * packet + h;
        const __m128i nSyn = loadInts(c.synapses + i0), nGap = loadInts(c.gaps + i0);
        const __m256d vPost = pick(table, c.post + i0);
        __m256d sum = _mm256_loadu_pd(acc + i0);
        for (int row = c.start[s]; row < c.middle[s]; ++row) {
            const int q = row * packet + h;
            const __m256d act = pick(table, c.index + q);
            const __m256d term = _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(c.G + q), act),
                                               _mm256_sub_pd(_mm256_loadu_pd(c.E + q), vPost));
            sum = _mm256_blendv_pd(sum, _mm256_add_pd(sum, term), below(nSyn, row - c.start[s]));
        }
        for (int row = c.middle[s]; row < c.start[s + 1]; ++row) {
            const int q = row * packet + h;
            const __m256d vPre = pick(table, c.index + q);
            const __m256d term = _mm256_mul_pd(_mm256_loadu_pd(c.G + q), _mm256_sub_pd(vPre, vPost));
            sum = _mm256_blendv_pd(sum, _mm256_add_pd(sum, term), below(nGap, row - c.middle[s]));
        }
        _mm256_storeu_pd(acc + i0, sum);
    }
}
#else
void sumSlice(const ConnectionSlices& c, int s, const double* table, double* acc) {
    for (int k = 0; k < packet; ++k) {
        const int i = s * packet + k;
        const double vPost = table[c.post[i]];
        double sum = acc[i];
        for (int j = 0; j < c.synapses[i]; ++j) {
            const int q = (c.start[s] + j) * packet + k;
            sum += (c.G[q] * table[c.index[q]]) * (c.E[q] - vPost);
        }
        for (int j = 0; j < c.gaps[i]; ++j) {
            const int q = (c.middle[s] + j) * packet + k;
            sum += c.G[q] * (table[c.index[q]] - vPost);
        }
        acc[i] = sum;
    }
}
#endif

}  // namespace

void connectionSums(const ConnectionSlices& slices, const double* table, double* acc) {
    for (int s = 0; s < slices.count; ++s) sumSlice(slices, s, table, acc);
}

}  // namespace odynn::detail::ODYNN_ISA
