#pragma once
// The JSON encoding of a Certificate, shared by the CLI, the batch runner and the Python module.
#include "itbound/data/json_text.hpp"

#include "itbound/bounds/certificate.hpp"

namespace itbound::data {

Json to_json(const Value& value);
// {name, value, raw_value, valid, [invalid_reason], delta, delta_ledger, inputs, assumptions, reference,
//  status} with each detail as a top-level key beside them.
Json to_json(const Certificate& cert);

}  // namespace itbound::data
