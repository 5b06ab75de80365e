#pragma once
// Compression schemes through conditional mutual information (Steinke & Zakynthinou 2020, COLT, PMLR 125, read in
// the paper): a learner whose output is a function of k of its training points has CMI <= k ln(2n) (Theorem 7;
// ln C(2n, k) for an unordered set of exactly k), and a CMI bound gives the expected population loss (Theorem 2,
// parts (1) and (3)). Expectation bounds given exact inputs: the compression size is the user's claim.
#include <cstdint>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"

namespace itbound {

struct CompressionOptions {
  std::int64_t n = 1;        // training-set size (pairs per supersample)
  std::int64_t k = 0;        // compression size: the output is a function of k training points (0 <= k <= n)
  bool unordered = false;    // the k points enter as a set of exactly k distinct points (else an ordered k-tuple)
  double train_error = 0.0;  // expected training loss E[L_S(A(S))] (a mean over runs estimates it)
  double loss_min = 0.0, loss_max = 1.0;
};

// An upper bound on CMI in nats, rounded up: min{k ln(2n) (ordered) or ln C(2n, k) (unordered), n ln 2}.
double compression_cmi_bound(std::int64_t n, std::int64_t k, bool unordered);

// (b - a) sqrt(2 CMI / n), rounded up: Steinke & Zakynthinou (2020), Theorem 2 (1), for losses in [a, b].
double cmi_sqrt_gap(double cmi, std::int64_t n, double loss_width);

// cmi-compression-sqrt and cmi-compression-fast-rate (Theorem 2 (1) and (3) at CMI = compression_cmi_bound).
std::vector<Certificate> compression_bounds(const CompressionOptions& options);

// The result of `itbound compression`.
struct CompressionReport {
  std::string summary;
  double cmi_bound = 0.0;
  std::string cmi_bound_form;
  std::vector<Certificate> bounds;
};
CompressionReport evaluate_compression(const CompressionOptions& options);
void visit(const CompressionReport& r, FieldVisitor& v);

}  // namespace itbound
