// The array kl lanes for AVX2 + FMA (this file is compiled with -mavx2 -mfma on x86-64; kl_batch.cpp calls
// it only where the CPU has both), four doubles per native vector.
#if defined(__AVX2__) && defined(__FMA__)
#define ITBOUND_LANE_BYTES 32
#define ITBOUND_LANES_ENTRY run_avx2
#include "kl_lanes_impl.hpp"
#endif
