#include "itbound/bounds/compression.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

// Rounded up, except an exact 0 (no compression set, a constant learner) stays 0.
double up(double x) { return x == 0.0 ? 0.0 : round_up(x, 1); }

constexpr const char* kSteinke = "Steinke & Zakynthinou (2020), Reasoning about generalization via conditional mutual "
                                 "information, COLT, PMLR 125";

void validate(const CompressionOptions& o) {
  if (o.n < 1) fail("n", "must be >= 1 training examples, got " + format_number(static_cast<double>(o.n)));
  if (o.k < 0 || o.k > o.n)
    fail("compression-size", "must be in [0, n] = [0, " + std::to_string(o.n) + "] (a compression set of the n "
                             "training points; larger ones give nothing beyond CMI <= n ln 2), got " +
                                 std::to_string(o.k));
  require_finite(o.loss_min, "loss-min");
  require_finite(o.loss_max, "loss-max");
  if (!(o.loss_min < o.loss_max)) fail("loss-max", "must exceed loss-min");
  if (std::isnan(o.train_error) || o.train_error < o.loss_min || o.train_error > o.loss_max)
    fail("train-error", "must be in the loss range [" + format_number(o.loss_min) + ", " + format_number(o.loss_max) +
                            "], got " + format_number(o.train_error));
}

}  // namespace

double compression_cmi_bound(std::int64_t n, std::int64_t k, bool unordered) {
  const double two_n = 2.0 * static_cast<double>(n);
  double bound = 0.0;
  if (unordered) {
    // ln C(2n, k) = sum_{j < k} ln((2n - j) / (k - j)): every ratio is >= 2n / k >= 2 (k <= n), so each logarithm
    // is >= ln 2 and within 2 ulps of its exact value; sum_round_up covers the summation.
    double sum = 0.0;
    for (std::int64_t j = 0; j < k; ++j) sum += std::log((two_n - static_cast<double>(j)) / static_cast<double>(k - j));
    bound = k == 0 ? 0.0 : sum_round_up(sum, static_cast<double>(k));
  } else {
    bound = up(static_cast<double>(k) * round_up(std::log(two_n), 1));
  }
  // CMI <= H(U) = n ln 2 for any learner (Steinke & Zakynthinou 2020, Sec. 1.2).
  return std::min(bound, round_up(static_cast<double>(n) * std::numbers::ln2, 1));
}

double cmi_sqrt_gap(double cmi, std::int64_t n, double loss_width) {
  // Only an exact 0 stays 0: a positive CMI whose 2 CMI / n underflows still rounds up to DBL_MIN.
  return cmi == 0.0 ? 0.0 : round_up(loss_width * std::sqrt(round_up(2 * cmi / static_cast<double>(n), 1)), 1);
}

std::vector<Certificate> compression_bounds(const CompressionOptions& o) {
  validate(o);
  const double cmi = compression_cmi_bound(o.n, o.k, o.unordered);
  const double width = o.loss_max - o.loss_min;
  const double train = std::clamp((o.train_error - o.loss_min) / width, 0.0, 1.0);  // scaled to [0, 1]
  const std::string form = o.unordered ? "ln C(2n, k)" : "k ln(2n)";
  const auto make = [&](const std::string& name, const std::string& where) {
    Certificate c;
    c.name = name;
    c.guarantee = Guarantee::expectation_bound;
    c.quantity = "the expected population (held-out) loss E[L_D(A(S))] over the training sample and the learner's "
                 "randomness";
    c.reference = {kSteinke, where};
    c.inputs = {{"n", o.n}, {"compression_size", o.k}, {"compression_unordered", o.unordered},
                {"train_error", o.train_error}, {"loss_min", o.loss_min}, {"loss_max", o.loss_max}};
    c.add_assumption("compression_scheme",
                     o.unordered ? "the output is a function of an unordered set of exactly k distinct training points "
                                   "(deterministic, or with randomness independent of the data)"
                                 : "the output is a function of an ordered k-tuple of training points (repeats allowed, "
                                   "so any set of at most k also qualifies; deterministic, or with randomness "
                                   "independent of the data)",
                     Holds::unchecked, "the compression size is the user's claim, not checked on the runs");
    c.add_assumption("loss_range", "losses lie in [loss-min, loss-max]", Holds::unchecked);
    c.add_assumption("expected_train_error", "train-error is the expected training loss (a mean over many runs "
                     "estimates it; one run's training loss is a noisy stand-in)", Holds::unchecked);
    c.details = {{"cmi_bound", cmi}, {"cmi_bound_form", form}};
    return c;
  };
  std::vector<Certificate> out;
  {
    // Theorem 2 (1): |E[L_S - L_D]| <= sqrt(2 CMI / n) for losses in [0, 1] (Hoeffding's lemma in the proof).
    Certificate c = make("cmi-compression-sqrt", "Theorem 2 (1) with Theorem 7: E[L_D] <= E[L_S] + sqrt(2 CMI / n), "
                                                 "CMI <= " + form);
    const double gap = cmi_sqrt_gap(cmi, o.n, width);
    c.set_value(up(o.train_error + gap), o.loss_max);
    c.details.push_back({"gap_bound", gap});
    out.push_back(std::move(c));
  }
  {
    // Theorem 2 (3): E[L_D] <= 2 E[L_S] + 3 CMI / n for losses in [0, 1]; scaled: a + (b - a) (2 train' + 3 CMI / n).
    Certificate c = make("cmi-compression-fast-rate",
                         "Theorem 2 (3) with Theorem 7: E[L_D] <= 2 E[L_S] + 3 CMI / n, CMI <= " + form);
    const double scaled = up(up(2 * train) + up(3 * cmi / static_cast<double>(o.n)));
    c.set_value(up(o.loss_min + up(width * scaled)), o.loss_max);
    out.push_back(std::move(c));
  }
  return out;
}

CompressionReport evaluate_compression(const CompressionOptions& o) {
  CompressionReport r;
  r.bounds = compression_bounds(o);
  r.cmi_bound = compression_cmi_bound(o.n, o.k, o.unordered);
  r.cmi_bound_form = o.unordered ? "ln C(2n, k), capped at n ln 2" : "k ln(2n), capped at n ln 2";
  const Certificate& best = r.bounds[0].value <= r.bounds[1].value ? r.bounds[0] : r.bounds[1];
  r.summary = "CMI <= " + format_rounded(r.cmi_bound, 1) + " nats; tightest " + best.name + " = " + best.shown() +
              " (expectation bound on the population loss, if k is a true compression size)";
  return r;
}

void visit(const CompressionReport& r, FieldVisitor& v) {
  v.text("summary", r.summary, "The answer in one line: the CMI bound and the tighter expected-loss bound.");
  v.number("cmi_bound", r.cmi_bound, "Upper bound on CMI = I(W; U | Z~) in nats implied by the compression size.");
  v.text("cmi_bound_form", r.cmi_bound_form, "Which count of compression sets gave it.");
  list_field(v, "bounds", "Certificate", r.bounds,
             "cmi-compression-sqrt and cmi-compression-fast-rate, expectation bounds on the population loss.");
}

}  // namespace itbound
