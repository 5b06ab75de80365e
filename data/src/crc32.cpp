// CRC-32 by folding 128-bit lanes with PCLMULQDQ (Gopal et al., "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction", Intel white paper 2009); the fold constants for the reflected
// polynomial 0xEDB88320 are x^(4*128 +- 32) and x^(128 +- 32) mod P, as in zlib-ng and Linux's crc32-pclmul.
// The folded 16 bytes are congruent to the message mod P, so zlib's table code finishes the reduction. Where the CPU
// has VPCLMULQDQ (AVX-512) the same folds run four lanes to an instruction.
// tests/unit-ndarray.cpp checks it against zlib for every length to 1,300 bytes at four alignments and three start
// values, and for a 3 MB buffer.
#include <zlib.h>

#include <algorithm>
#include <limits>

#include "itbound/data/ndarray.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ITBOUND_CRC_CLMUL 1
#endif

namespace itbound::data {
namespace {

std::uint32_t crc32_zlib(std::uint32_t crc, const unsigned char* p, std::size_t size) {
  uLong c = crc;
  while (size > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
    c = ::crc32(c, p, chunk);
    p += chunk;
    size -= chunk;
  }
  return static_cast<std::uint32_t>(c);
}

#ifdef ITBOUND_CRC_CLMUL
__attribute__((target("pclmul,sse2"))) inline __m128i fold(__m128i x, __m128i k, __m128i next) {
  return _mm_xor_si128(next, _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)));
}

// The four lanes of the last 64-byte block folded into one, then 16 bytes at a time, then the rest by table.
__attribute__((target("pclmul,sse2"))) inline std::uint32_t finish(const __m128i (&x)[4], const unsigned char* p,
                                                                   std::size_t size) {
  const __m128i by1 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);
  __m128i x0 = fold(fold(fold(x[0], by1, x[1]), by1, x[2]), by1, x[3]);
  for (; size >= 16; p += 16, size -= 16) x0 = fold(x0, by1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  unsigned char rest[16];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(rest), x0);
  // From a zero register (zlib's ~0xFFFFFFFF) the 16 folded bytes give the CRC of everything folded.
  return crc32_zlib(crc32_zlib(0xFFFFFFFFu, rest, 16), p, size);
}

__attribute__((target("pclmul,sse2"))) std::uint32_t crc32_clmul(std::uint32_t crc, const unsigned char* p,
                                                                 std::size_t size) {
  const __m128i by4 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);
  const auto load = [](const unsigned char* q) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); };
  // The running CRC enters as an XOR on the first four message bytes.
  __m128i x[4] = {_mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(~crc))), load(p + 16), load(p + 32),
                  load(p + 48)};
  for (p += 64, size -= 64; size >= 64; p += 64, size -= 64)
    for (int q = 0; q < 4; ++q) x[q] = fold(x[q], by4, load(p + 16 * q));
  return finish(x, p, size);
}

// The same folds four 128-bit lanes at a time (VPCLMULQDQ on 512-bit vectors): four vectors cover 256 bytes and are
// folded across 2048 bits, x^(2048 +- 32) mod P (computed as the constants above are: they reproduce them for 512
// and 128 bits), then into one vector across 512 bits, whose lanes are the four lanes of the loop above.
__attribute__((target("pclmul,sse2,avx512f,vpclmulqdq"))) inline __m512i fold4(__m512i x, __m512i k, __m512i next) {
  return _mm512_ternarylogic_epi64(next, _mm512_clmulepi64_epi128(x, k, 0x00), _mm512_clmulepi64_epi128(x, k, 0x11),
                                   0x96);  // three-way XOR
}

__attribute__((target("pclmul,sse2,avx512f,vpclmulqdq"))) std::uint32_t crc32_vpclmul(std::uint32_t crc,
                                                                                      const unsigned char* p,
                                                                                      std::size_t size) {
  // (Built from 64-bit halves: GCC 12 warns of an uninitialised temporary inside the broadcast and extract intrinsics.)
  const __m512i by16 = _mm512_set_epi64(0x1322d1430, 0x11542778a, 0x1322d1430, 0x11542778a, 0x1322d1430, 0x11542778a,
                                        0x1322d1430, 0x11542778a);
  const __m512i by4 = _mm512_set_epi64(0x1c6e41596, 0x154442bd4, 0x1c6e41596, 0x154442bd4, 0x1c6e41596, 0x154442bd4,
                                       0x1c6e41596, 0x154442bd4);
  const __m512i start = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, static_cast<std::uint32_t>(~crc));
  __m512i z[4] = {_mm512_xor_si512(_mm512_loadu_si512(p), start), _mm512_loadu_si512(p + 64),
                  _mm512_loadu_si512(p + 128), _mm512_loadu_si512(p + 192)};
  for (p += 256, size -= 256; size >= 256; p += 256, size -= 256)
    for (int q = 0; q < 4; ++q) z[q] = fold4(z[q], by16, _mm512_loadu_si512(p + 64 * q));
  __m512i z0 = fold4(fold4(fold4(z[0], by4, z[1]), by4, z[2]), by4, z[3]);
  for (; size >= 64; p += 64, size -= 64) z0 = fold4(z0, by4, _mm512_loadu_si512(p));
  __m128i lane[4];
  _mm512_storeu_si512(lane, z0);
  return finish(lane, p, size);
}
#endif

}  // namespace

std::uint32_t crc32(std::uint32_t crc, const unsigned char* data, std::size_t size) {
#ifdef ITBOUND_CRC_CLMUL
  static const bool clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
  static const bool vpclmul = clmul && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq");
  if (vpclmul && size >= 256) return crc32_vpclmul(crc, data, size);
  if (clmul && size >= 64) return crc32_clmul(crc, data, size);
#endif
  return crc32_zlib(crc, data, size);
}

}  // namespace itbound::data
