// The array kl lanes for AVX-512 (this file is compiled with -mavx512f -mavx512dq -mavx512vl -mavx512bw on
// x86-64; kl_batch.cpp calls it only where the CPU has them), eight doubles per native vector.
#if defined(__AVX512F__) && defined(__AVX512DQ__)
#define ITBOUND_LANE_BYTES 64
#define ITBOUND_LANES_ENTRY run_avx512
#include "kl_lanes_impl.hpp"
#endif
