#include <cctype>
#include <cmath>
#include <sstream>

#include "commands.hpp"
#include "itbound/bounds/self_certify.hpp"
#include "itbound/data/csv_matrix.hpp"
#include "itbound/error.hpp"
#include "itbound/solvers/prior.hpp"

namespace itbound::cli {
namespace {

std::vector<double> parse_reals(const std::string& text, const char* field) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    try {
      std::size_t used = 0;
      out.push_back(std::stod(part, &used));
      if (part.find_first_not_of(' ', used) != std::string::npos) throw std::invalid_argument(part);
    } catch (const std::exception&) {
      fail(field, "'" + part + "' is not a number");
    }
  }
  return out;
}

struct Labelled {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

// The label column: under a header, the one named label, y or target (wherever it is); else the first. Label in
// {-1, +1} (binary) or a class 0, 1, ... (one-vs-rest); the other columns: features.
Labelled read_labelled(const std::string& path, const char* field, bool classes) {
  const data::CsvMatrix table = data::read_csv_table(path, field);
  const Eigen::MatrixXd& m = table.values;
  if (m.cols() < 2) fail(field, "needs a label column and at least one feature column");
  Eigen::Index label_col = 0;
  if (!table.names.empty()) {
    std::vector<Eigen::Index> found;
    for (std::size_t c = 0; c < table.names.size(); ++c) {
      std::string name = table.names[c];
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (name == "label" || name == "y" || name == "target") found.push_back(static_cast<Eigen::Index>(c));
    }
    if (found.size() > 1) fail(field, "the header names more than one label column (label, y, target): which is ambiguous");
    if (!found.empty()) label_col = found.front();
  }
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const double label = m(i, label_col);
    const bool ok = classes ? label >= 0.0 && label == std::floor(label) : label == 1.0 || label == -1.0;
    if (!ok)
      fail(field, "row " + std::to_string(i + 1) + ": label " + format_number(label) +
                      (classes ? " is not a class 0, 1, ..." : " is not -1 or +1 (use --one-vs-rest for classes)"));
  }
  Eigen::MatrixXd features(m.rows(), m.cols() - 1);
  for (Eigen::Index c = 0, f = 0; c < m.cols(); ++c)
    if (c != label_col) features.col(f++) = m.col(c);
  return {features, m.col(label_col)};
}

}  // namespace

Command self_certify_command() {
  return {
      "self-certify",
      "Self-certified binary linear classifier N(w, sigma^2 I): prior centre fitted on a prefix S_alpha, posterior "
      "minimising the PAC-Bayes-kl bound on the rest; certificate valid over the declared alpha x scale grid.",
      with_prior_scale_grid({
          {.name = "train", .kind = Kind::path,
           .doc = "CSV: label (-1 or +1; a class 0..K-1 with --one-vs-rest) then features per row, rows in a fixed "
                  "order; S_alpha = the first rows. With a header row the label is the column named label, y or target, "
                  "wherever it is; a pandas index column is dropped."},
          {.name = "one-vs-rest", .kind = Kind::flag,
           .doc = "Multi-class: one binary learner per class, certificate = sum of the K class certificates at delta/K."},
          {.name = "test", .kind = Kind::path, .doc = "Held-out CSV, same layout, for comparison only.",
           .default_value = Json()},
          {.name = "alphas", .kind = Kind::text, .doc = "Comma-separated prefix fractions in [0, 1) (the alpha grid).",
           .default_value = "0,0.1,0.2,0.35,0.5"},
          {.name = "delta", .kind = Kind::real, .doc = "Total confidence parameter, split uniformly over the grid.",
           .default_value = 0.05, .range = Range{0, 1, true, true}},
          {.name = "ridge", .kind = Kind::real, .doc = "L2 weight of the prefix logistic regression (prior centre).",
           .default_value = 1e-3, .range = Range{0, 1e6, true}},
          {.name = "max-evaluations", .kind = Kind::integer, .doc = "Objective evaluations per posterior fit.",
           .default_value = 400, .range = Range{1, 1e7}},
      }),
      [](const Args& a) {
        const Labelled train = read_labelled(a.text("train"), "train", a.flag("one-vs-rest"));
        SelfCertifyOptions o;
        o.x = train.x;
        o.y = train.y;
        o.alphas = parse_reals(a.text("alphas"), "alphas");
        o.prior_scales = prior_scale_grid(a);
        o.delta = a.real("delta");
        o.ridge = a.real("ridge");
        o.max_evaluations = static_cast<int>(a.integer("max-evaluations"));
        std::optional<HeldOutData> test;
        if (a.has("test")) {
          const Labelled t = read_labelled(a.text("test"), "test", a.flag("one-vs-rest"));
          test = HeldOutData{t.x, t.y};
        }
        return Report("self-certify", evaluate_self_certify(o, a.flag("one-vs-rest"), test));
      },
      [] { return Report("self-certify", SelfCertifyReport{}); },
  };
}

}  // namespace itbound::cli
