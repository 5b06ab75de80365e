// The cmi command reads its runs in place and hands the bounds only their statistics: its certificates must
// equal the bounds computed from the fully materialised runs, with every quantity the bounds once scanned the
// run arrays for (per-supersample training error, single-loss MI, whether the loss follows the prediction)
// recomputed here from the raw arrays by direct loops.
#include <doctest/doctest.h>

#include <map>
#include <numbers>
#include <string>

#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/cli/cmi.hpp"
#include "itbound/cli/command.hpp"
#include "itbound/data/report_json.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/continuous_cmi.hpp"

using namespace itbound;
using namespace itbound::estimators;
using itbound::cli::Json;

namespace {

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Mean trained (member u) or held-out (member 1 - u) loss of each supersample, summed in the order of the arrays.
std::vector<double> direct_supersample_mean(const SupersampleRuns& r, bool heldout) {
  const auto per = static_cast<std::size_t>(r.k2 * r.n);
  std::vector<double> out(static_cast<std::size_t>(r.k1), 0.0);
  for (std::size_t c = 0; c < r.mask.size(); ++c) out[c / per] += r.loss[2 * c + (r.mask[c] ^ (heldout ? 1 : 0))];
  for (double& t : out) t /= static_cast<double>(per);
  return out;
}

// Per pair: (I(L^0; U) + I(L^1; U)) / 2 over all runs, by the general discrete estimator on exact values.
std::vector<double> direct_slmi(const SupersampleRuns& r, Correction c) {
  const auto n = static_cast<std::size_t>(r.n);
  std::map<double, std::int64_t> ids;  // exact loss value -> symbol
  std::vector<double> out(n, 0.0);
  std::vector<DiscreteSample> samples;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t side = 0; side < 2; ++side) {
      samples.clear();
      for (std::size_t run = 0; run < r.runs(); ++run) {
        const std::size_t k = run * n + i;
        const auto id = ids.emplace(r.loss[2 * k + side], static_cast<std::int64_t>(ids.size())).first->second;
        samples.push_back({id, r.mask[k]});
      }
      out[i] += discrete_mi(samples, c, std::numbers::ln2) / 2;
    }
  return out;
}

// Within a supersample, equal predictions on the same member of the same pair must come with equal losses.
bool direct_follows(const SupersampleRuns& r) {
  const auto k2 = static_cast<std::size_t>(r.k2), n = static_cast<std::size_t>(r.n);
  for (std::size_t s = 0; s < static_cast<std::size_t>(r.k1); ++s)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t side = 0; side < 2; ++side) {
        std::map<double, double> loss_of;
        for (std::size_t j = 0; j < k2; ++j) {
          const std::size_t c = 2 * ((s * k2 + j) * n + i) + side;
          const auto [at, fresh] = loss_of.emplace(r.pred[c], r.loss[c]);
          if (!fresh && at->second != r.loss[c]) return false;
        }
      }
  return true;
}

void check_command_equals_direct(const std::string& file, double loss_max, const std::string& estimator,
                                 bool expect_follows) {
  CAPTURE(file);
  CAPTURE(estimator);
  const std::string path = std::string(ITBOUND_DATA_DIR) + "/examples/" + file;
  const auto* cmi = cli::find_command("cmi");
  REQUIRE(cmi);
  const Json got = data::to_json(cli::run_command(
      *cmi, Json{{"runs", path}, {"loss-max", loss_max}, {"bootstrap", 0}, {"estimator", estimator}, {"k", 3},
                 {"correction", "miller-madow"}}));

  const auto full = data::read_supersample_runs(path, 0.0, loss_max);
  REQUIRE(!full.pred.empty());
  const Correction c = estimator == "knn" ? Correction::none : Correction::miller_madow;
  CmiEstimates est;
  if (estimator == "knn") {
    est = estimate_cmi_knn(full, 3).clamped;
  } else {
    est = estimate_cmi(full, c);
    const auto slmi = direct_slmi(full, c);
    REQUIRE(est.slmi.size() == slmi.size());
    for (std::size_t i = 0; i < slmi.size(); ++i) CHECK(est.slmi[i] == doctest::Approx(slmi[i]).epsilon(1e-12));
    est.slmi = slmi;
  }
  const auto train = direct_supersample_mean(full, false), heldout = direct_supersample_mean(full, true);
  REQUIRE(est.supersample_train.size() == train.size());
  REQUIRE(est.supersample_heldout.size() == heldout.size());
  for (std::size_t s = 0; s < train.size(); ++s) {
    CHECK(est.supersample_train[s] == doctest::Approx(train[s]).epsilon(1e-14));
    CHECK(est.supersample_heldout[s] == doctest::Approx(heldout[s]).epsilon(1e-14));
  }
  est.supersample_train = train;
  CHECK(direct_follows(full) == expect_follows);
  CHECK(est.loss_follows_prediction == expect_follows);
  est.loss_follows_prediction = direct_follows(full);

  CmiBoundInput in{full.shape(), &est, Correction::miller_madow, std::nullopt, estimator};
  const auto direct = cmi_bounds(in);
  // The command adds the certified upper limit on the expected held-out error after the bounds.
  REQUIRE(got["bounds"].size() == direct.size() + 1);
  CHECK(got["bounds"][direct.size()]["name"] == "heldout-upper-limit");
  for (std::size_t b = 0; b < direct.size(); ++b) {
    const Json want = data::to_json(direct[b]);
    const Json& have = got["bounds"][b];
    CAPTURE(want["name"]);
    CHECK(have["name"] == want["name"]);
    CHECK(have["applicable"] == want["applicable"]);
    CHECK(have["guarantee"] == want["guarantee"]);
    CHECK(have["value"].get<double>() == doctest::Approx(want["value"].get<double>()).epsilon(1e-12));
    CHECK(have["details"]["spread"].get<double>() == doctest::Approx(want["details"]["spread"].get<double>()).epsilon(1e-9));
    // (The command words how k-NN estimated the information; the rest of each assumption must match.)
    REQUIRE(have["assumptions"].size() == want["assumptions"].size());
    for (std::size_t k = 0; k < want["assumptions"].size(); ++k) {
      CHECK(have["assumptions"][k]["name"] == want["assumptions"][k]["name"]);
      CHECK(have["assumptions"][k]["holds"] == want["assumptions"][k]["holds"]);
    }
  }
  CHECK(got["estimates"]["slmi_mean"].get<double>() ==
        doctest::Approx(mean(estimator == "knn" ? estimate_cmi_knn(full, 3).slmi.raw : est.slmi)).epsilon(1e-12));
}

}  // namespace

TEST_CASE("the cmi command's bounds equal those computed from the full runs") {
  for (const char* model : {"digits-logreg.npz", "digits-1nn.npz", "digits-tree.npz"})
    check_command_equals_direct(model, 1.0, "plug-in", true);
  // Cross-entropy losses: not a function of the prediction (f-CMI invalid); both estimators.
  check_command_equals_direct("digits-logreg-xent.npz", 4.0, "plug-in", false);
  check_command_equals_direct("digits-logreg-xent.npz", 4.0, "knn", false);
}

TEST_CASE("cmi from statistics equals cmi on the runs; k-NN on statistics is refused by name") {
  const std::string path = std::string(ITBOUND_DATA_DIR) + "/examples/digits-logreg-xent.npz";
  const auto stored = data::open_supersample_runs(path, 0.0, 4.0);
  const auto stats = SupersampleStats::accumulate(stored.view());
  const auto* cmi = cli::find_command("cmi");
  const auto stats_args = [&](Json raw) {
    return cli::cmi_options(cli::parse_args({"cmi_from_stats", "", cli::cmi_stats_params(), {}, {}}, raw));
  };
  CHECK_THROWS_WITH_AS(evaluate_cmi(stats, nullptr, stats_args({{"estimator", "knn"}})),
                       doctest::Contains("estimator: knn needs the raw losses"), InvalidArgument);
  const Json from_stats =
      data::to_json(Report("cmi", evaluate_cmi(stats, nullptr, stats_args({{"total-cmi", 5.0}, {"per-pair", true}}))));
  CHECK(from_stats == data::to_json(cli::run_command(*cmi, Json{{"runs", path}, {"loss-max", 4.0}, {"bootstrap", 0},
                                                                 {"total-cmi", 5.0}, {"per-pair", true}})));
  // The cross-entropy is not a function of the prediction: the statistics see it too.
  CHECK(from_stats["bounds"][1]["name"] == "fcmi-sqrt");
  CHECK_FALSE(from_stats["bounds"][1]["applicable"].get<bool>());
}
