#pragma once
// Where a long computation inside a command reports how far it is (the cmi bootstrap): the executable sets a
// sink that draws a bar on a terminal's stderr; elsewhere (tests, Python, batch jobs) there is none.
#include <functional>

namespace itbound::cli {

using Progress = std::function<void(double fraction)>;

void set_progress(Progress sink);
// The sink, or an empty function.
const Progress& progress();

}  // namespace itbound::cli
