#pragma once
// JSON text with every double written to 17 significant digits (nlohmann's dump writes the shortest
// round-trip form instead); non-finite numbers, which JSON cannot hold, become the strings "inf", "-inf", "nan".
#include <nlohmann/json.hpp>
#include <string>

namespace itbound::data {

using Json = nlohmann::ordered_json;

std::string to_json_text(const Json& value, int indent = 2);

}  // namespace itbound::data
