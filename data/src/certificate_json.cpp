#include "itbound/data/certificate_json.hpp"

#include <string>

namespace itbound::data {

Json to_json(const Value& value) {
  return std::visit([](const auto& v) { return Json(v); }, value);
}

Json to_json(const Certificate& c) {
  Json j;
  j["name"] = c.name;
  j["value"] = c.value;
  j["raw_value"] = c.raw_value;
  j["valid"] = c.valid;
  if (!c.valid) j["invalid_reason"] = c.invalid_reason;
  j["delta"] = c.delta_spent();
  for (const auto& d : c.details) j[d.name] = to_json(d.value);
  j["status"] = std::string(to_string(c.status));
  auto& inputs = j["inputs"] = Json::object();
  for (const auto& in : c.inputs) inputs[in.name] = to_json(in.value);
  auto& ledger = j["delta_ledger"] = Json::array();
  for (const auto& charge : c.delta_ledger) ledger.push_back({{"what", charge.what}, {"delta", charge.delta}});
  auto& assumptions = j["assumptions"] = Json::array();
  for (const auto& a : c.assumptions)
    assumptions.push_back({{"name", a.name}, {"statement", a.statement}, {"holds", to_string(a.holds)}, {"detail", a.detail}});
  j["reference"] = {{"paper", c.reference.paper}, {"where", c.reference.where}};
  return j;
}

}  // namespace itbound::data
