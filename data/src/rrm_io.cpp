#include "itbound/data/rrm_io.hpp"

#include <cmath>
#include <set>

#include "itbound/data/number_arrays.hpp"
#include "itbound/error.hpp"

namespace itbound::data {
namespace {

const std::set<std::string> kMembers = {"y", "clean_pred", "noisy_labels", "noisy_pred", "noised", "test_accuracy",
                                        "test_pred", "test_y", "num_classes", "eta"};

const NdArray* find(const std::map<std::string, NdArray>& a, const std::string& key) {
  const auto it = a.find(key);
  return it == a.end() ? nullptr : &it->second;
}

const NdArray& need(const std::map<std::string, NdArray>& a, const std::string& key) {
  const NdArray* x = find(a, key);
  if (!x) fail(key.c_str(), "is required (data/RRM-SCHEMA.md)");
  return *x;
}

double scalar(const NdArray& x, const std::string& key) {
  if (x.size() != 1) fail(key.c_str(), "must be a single number, got " + std::to_string(x.size()) + " values");
  return x.values[0];
}

// A 1-d array, or a 2-d (K, n) array whose dimensions are returned.
void expect_rank(const NdArray& x, const std::string& key, std::size_t rank) {
  if (x.shape.size() != rank)
    fail(key.c_str(), "must have " + std::to_string(rank) + " dimension" + (rank > 1 ? "s" : "") + ", got " +
                          std::to_string(x.shape.size()));
}

}  // namespace

RrmRuns rrm_runs_from_arrays(const std::map<std::string, NdArray>& a) {
  for (const auto& [key, value] : a)
    if (!kMembers.count(key)) fail(key.c_str(), "is not a member of an RRM runs file (data/RRM-SCHEMA.md)");
  RrmRuns r;
  const NdArray& y = need(a, "y");
  expect_rank(y, "y", 1);
  const NdArray& noisy = need(a, "noisy_labels");
  expect_rank(noisy, "noisy_labels", 2);
  r.n = y.shape[0];
  r.runs = noisy.shape[0];
  if (noisy.shape[1] != r.n)
    fail("noisy_labels", "must be (K, n) with n = " + std::to_string(r.n) + " (the length of y), got (" +
                             std::to_string(noisy.shape[0]) + ", " + std::to_string(noisy.shape[1]) + ")");
  const double classes = scalar(need(a, "num_classes"), "num_classes");
  if (!(classes >= 2 && classes == std::floor(classes) && classes < 1e9))
    fail("num_classes", "must be a whole number >= 2, got " + format_number(classes));
  r.num_classes = static_cast<std::int64_t>(classes);
  r.eta = scalar(need(a, "eta"), "eta");
  r.y = y.values;
  r.noisy_labels = noisy.values;
  const auto same_shape = [&](const char* key, const NdArray& like) {
    const NdArray& x = need(a, key);
    if (x.shape != like.shape) fail(key, "must have the shape of " + std::string(&like == &y ? "y" : "noisy_labels"));
    return x.values;
  };
  r.clean_pred = same_shape("clean_pred", y);
  r.noisy_pred = same_shape("noisy_pred", noisy);
  if (find(a, "noised")) r.noised = same_shape("noised", noisy);
  if (const NdArray* t = find(a, "test_accuracy")) r.test_accuracy = scalar(*t, "test_accuracy");
  for (const char* key : {"test_pred", "test_y"})
    if (const NdArray* t = find(a, key)) {
      expect_rank(*t, key, 1);
      (std::string(key) == "test_pred" ? r.test_pred : r.test_y) = t->values;
    }
  return r;
}

RrmRuns read_rrm_runs(const std::string& path) { return rrm_runs_from_arrays(read_named_arrays(path, "runs")); }

}  // namespace itbound::data
