// The array kl lanes for the baseline instruction set (x86-64: SSE2), two doubles per native vector.
#define ITBOUND_LANE_BYTES 16
#define ITBOUND_LANES_ENTRY run_baseline
#include "kl_lanes_impl.hpp"
