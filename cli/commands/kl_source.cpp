// The KL term of a PAC-Bayes bound from whichever source the user has: a number, stored parameters of the
// posterior and prior (NPZ/JSON), a code length, and optionally a prior variance on Dziugaite & Roy's grid.
// One Param list, shared by kl-divergence and pac-bayes.
#include "commands.hpp"
#include "itbound/data/number_arrays.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/kl_divergence.hpp"

namespace itbound::cli {
namespace {

using Arrays = std::map<std::string, data::NdArray>;

bool has_key(const Arrays& a, const std::string& key) { return a.count(key) != 0; }

const data::NdArray& member(const Arrays& a, const std::string& key, const std::string& file) {
  const auto it = a.find(key);
  if (it == a.end()) fail(file.c_str(), "needs an array named \"" + key + "\"");
  return it->second;
}

// The array in reading order, shaped like `like` (the posterior's first array; null for that one): a single
// number broadcasts (isotropic priors, a common mean). Equal sizes are not enough: a (10, 20) mean beside a (20, 10)
// std would pair the wrong entries once flattened.
Eigen::ArrayXd vector_of(const Arrays& a, const std::string& key, const std::string& file, const data::NdArray* like) {
  const data::NdArray& x = member(a, key, file);
  if (!like) return data::as_vector(x);
  const auto d = static_cast<Eigen::Index>(like->size());
  if (x.size() == 1 && d > 1) return Eigen::ArrayXd::Constant(d, x.values[0]);
  if (static_cast<Eigen::Index>(x.size()) != d || (x.shape != like->shape && x.shape.size() > 1))
    fail(file.c_str(), "\"" + key + "\" has " + std::to_string(x.size()) + " entries in " +
                           std::to_string(x.shape.size()) + " dimensions, not the posterior's shape (" +
                           std::to_string(d) + " entries)");
  return data::as_vector(x);
}

// Diagonal Gaussian standard deviations from "std" or "log_var" (exactly one), shaped like `like`.
Eigen::ArrayXd diag_std(const Arrays& a, const std::string& file, const data::NdArray* like) {
  if (has_key(a, "std") == has_key(a, "log_var")) fail(file.c_str(), "needs exactly one of \"std\", \"log_var\"");
  return has_key(a, "std") ? vector_of(a, "std", file, like) : std_from_log_var(vector_of(a, "log_var", file, like));
}

}  // namespace

std::vector<Param> with_kl_source(std::vector<Param> params) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const Json optional = nullptr;
  params.insert(params.end(), {
      {.name = "kl", .kind = Kind::real,
       .doc = "KL(posterior || prior) in nats, given directly (or give --posterior and --prior, or --code-length-bits).",
       .default_value = optional, .range = Range{0, inf, false, true}},
      {.name = "posterior", .kind = Kind::path,
       .doc = "NPZ or JSON file of the posterior's parameters; arrays by family: diag-gaussian mean and std | log_var, "
              "gaussian mean and cov, bernoulli / categorical prob.",
       .default_value = optional},
      {.name = "prior", .kind = Kind::path,
       .doc = "NPZ or JSON file of the prior's parameters, same arrays as the posterior (a single number broadcasts: "
              "isotropic prior); with --prior-variance only the mean.",
       .default_value = optional},
      {.name = "family", .kind = Kind::text, .doc = "Distribution family of the posterior and prior files.",
       .default_value = "diag-gaussian", .choices = {"diag-gaussian", "gaussian", "bernoulli", "categorical"}},
      {.name = "code-length-bits", .kind = Kind::real,
       .doc = "Compression prior (Lotfi et al. 2022): the posterior is a point mass coded in this many bits of a "
              "prefix-free code; KL = bits x ln 2.",
       .default_value = optional, .range = Range{0, inf, false, true}},
      {.name = "prior-variance", .kind = Kind::real,
       .doc = "Gaussian prior variance lambda chosen on Dziugaite & Roy's grid c exp(-j/b): the prior is N(mean, lambda I) "
              "and its index j is charged 2 ln j + ln(pi^2/6).",
       .default_value = optional, .range = Range{0, inf, true, true}},
      {.name = "grid-c", .kind = Kind::real, .doc = "Largest variance c of the prior-variance grid c exp(-j/b).",
       .default_value = 0.1, .range = Range{0, inf, true, true}},
      {.name = "grid-b", .kind = Kind::real, .doc = "Spacing b of the prior-variance grid c exp(-j/b).",
       .default_value = 100.0, .range = Range{0, inf, true, true}},
      {.name = "snap-to-grid", .kind = Kind::flag,
       .doc = "Use the nearest grid point j >= 1 when --prior-variance is off the grid (default: an error)."},
  });
  return params;
}

KlTerm kl_from_args(const Args& a) {
  const bool files = a.has("posterior") || a.has("prior");
  const int sources = int(a.has("kl")) + int(files) + int(a.has("code-length-bits"));
  if (sources != 1) fail("kl", "give exactly one of --kl, --posterior with --prior, --code-length-bits");
  KlTerm s;
  const std::string family = a.text("family");
  if (a.has("prior-variance")) {
    if (!files || (family != "diag-gaussian" && family != "gaussian"))
      fail("prior-variance", "needs a Gaussian --posterior and --prior (family diag-gaussian or gaussian)");
    s.grid = prior_variance_grid_point(a.real("prior-variance"), a.real("delta"),
                                       {a.real("grid-c"), a.real("grid-b"), a.flag("snap-to-grid")});
  }
  if (a.has("kl")) {
    s.kl = a.real("kl");
    s.source = "given";
    return s;
  }
  if (a.has("code-length-bits")) {
    s.kl = kl_compression(a.real("code-length-bits"));
    s.source = "compression";
    return s;
  }
  if (!a.has("posterior")) fail("posterior", "is required with --prior");
  if (!a.has("prior")) fail("prior", "is required with --posterior");
  const std::string qf = "posterior", pf = "prior";
  const Arrays q = data::read_named_arrays(a.text("posterior"), "posterior");
  const Arrays p = data::read_named_arrays(a.text("prior"), "prior");
  s.source = family;
  if (s.grid && (has_key(p, "std") || has_key(p, "log_var") || has_key(p, "cov")))
    fail("prior", "gives its own spread; with --prior-variance the prior file holds only the mean");
  if (family == "bernoulli" || family == "categorical") {
    const Eigen::ArrayXd pq = vector_of(q, "prob", qf, nullptr);
    const Eigen::ArrayXd pp = vector_of(p, "prob", pf, &member(q, "prob", qf));
    s.dimension = pq.size();
    s.kl = family == "bernoulli" ? kl_bernoulli(pq, pp) : kl_categorical(pq, pp);
    return s;
  }
  const data::NdArray* like = &member(q, "mean", qf);
  const Eigen::ArrayXd mq = vector_of(q, "mean", qf, nullptr);
  const Eigen::Index d = mq.size();
  const Eigen::ArrayXd mp = vector_of(p, "mean", pf, like);
  s.dimension = d;
  if (family == "diag-gaussian") {
    const Eigen::ArrayXd sq = diag_std(q, qf, like);
    const Eigen::ArrayXd sp = s.grid ? Eigen::ArrayXd::Constant(d, std::sqrt(s.grid->variance)) : diag_std(p, pf, like);
    s.kl = kl_diag_gaussian(mq, sq, mp, sp);
    return s;
  }
  const Eigen::MatrixXd cq = data::as_matrix(member(q, "cov", qf), "posterior.cov");
  const Eigen::MatrixXd cp = s.grid ? Eigen::MatrixXd(s.grid->variance * Eigen::MatrixXd::Identity(d, d))
                                    : data::as_matrix(member(p, "cov", pf), "prior.cov");
  s.kl = kl_gaussian(mq, cq, mp, cp);
  return s;
}

Command kl_divergence_command() {
  return {
      "kl-divergence",
      "The KL term of a PAC-Bayes bound from stored parameters (diagonal or full-covariance Gaussians, Bernoulli, "
      "categorical), a compression code length, or a prior variance on Dziugaite & Roy's grid; rounded up.",
      with_kl_source({
          {.name = "delta", .kind = Kind::real,
           .doc = "Confidence parameter at which a prior-variance grid point's delta_j is reported.",
           .default_value = 0.05, .range = Range{0, 1, true, true}},
      }),
      [](const Args& a) { return Report("kl-divergence", kl_from_args(a)); },
      [] { return Report("kl-divergence", KlTerm{}); },
  };
}

}  // namespace itbound::cli
