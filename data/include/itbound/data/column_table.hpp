#pragma once
// A table of runs by column name (estimators/column_table.hpp) from a file:
// - CSV: a header line of names, then one line per run; fields separated by commas, double quotes around a field
//   that holds commas or quotes ("" for a quote); lines starting with '#' and blank lines skipped;
// - JSON: an object of equal-length arrays {"lr": [...], "gap": [...]} or an array of records [{"lr": 0.1, ...}];
//   numbers, strings and booleans (as "true"/"false"); null reads as NaN (pandas writes NaN so);
// - NPZ: one 1-d numeric array per column, all of one length.
// A column whose every cell is a number (std::from_chars, so "nan" and "inf" too) is numeric; otherwise it keeps
// its cells as texts. Errors name `field` and the line, record or member.
#include <span>
#include <string>

#include "itbound/estimators/column_table.hpp"

namespace itbound::data {

enum class TableFormat { csv, json, npz };

estimators::ColumnTable parse_column_table(std::span<const unsigned char> bytes, TableFormat format,
                                           const std::string& what, const char* field);
// The format from the extension (.csv, .json, .npz).
estimators::ColumnTable read_column_table(const std::string& path, const char* field);

}  // namespace itbound::data
