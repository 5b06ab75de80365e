#include "commands.hpp"
#include "itbound/bounds/compression.hpp"

namespace itbound::cli {

Command compression_command() {
  return {
      "compression",
      "Compression schemes: CMI <= k ln(2n) (or ln C(2n, k)) and the expected population loss bounds it gives "
      "(Steinke & Zakynthinou 2020, Theorems 2 and 7), from the training-set size, compression size and training error.",
      {
          {.name = "n", .kind = Kind::integer, .doc = "Training-set size n.", .range = Range{1, 4.5e15}},
          {.name = "compression-size", .kind = Kind::integer,
           .doc = "Compression size k: the learner's output is a function of k of its n training points.",
           .range = Range{0, 4.5e15}},
          {.name = "train-error", .kind = Kind::real,
           .doc = "Expected training loss of the learner (e.g. its mean over runs), in the loss range."},
          {.name = "compression-unordered", .kind = Kind::flag,
           .doc = "The k points form an unordered set of exactly k distinct training points: CMI <= ln C(2n, k) "
                  "(default: an ordered k-tuple, repeats allowed, CMI <= k ln(2n))."},
          {.name = "loss-min", .kind = Kind::real, .doc = "Lower end of the declared loss range.", .default_value = 0.0},
          {.name = "loss-max", .kind = Kind::real, .doc = "Upper end of the declared loss range.", .default_value = 1.0},
      },
      [](const Args& a) {
        return Report("compression",
                      evaluate_compression({a.integer("n"), a.integer("compression-size"), a.flag("compression-unordered"),
                                            a.real("train-error"), a.real("loss-min"), a.real("loss-max")}));
      },
      [] { return Report("compression", CompressionReport{}); },
  };
}

}  // namespace itbound::cli
