#include "itbound/cli/progress.hpp"

#include <utility>

namespace itbound::cli {
namespace {

Progress& sink() {
  static Progress s;
  return s;
}

}  // namespace

void set_progress(Progress s) { sink() = std::move(s); }

const Progress& progress() { return sink(); }

}  // namespace itbound::cli
