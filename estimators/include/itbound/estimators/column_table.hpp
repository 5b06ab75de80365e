#pragma once
// A table of runs as named columns, one row per trained run: what `itbound measures` reads (data/column_table.hpp
// fills it from CSV, JSON or NPZ; Python from a dict of arrays or a pandas DataFrame). A column holds numbers, or
// texts when some cell is not a number (a hyper-parameter such as an optimizer's name, or a typo the core reports).
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace itbound::estimators {

// A cell's text as a number: all of it must parse (std::from_chars, so "nan" and "inf" too; a leading '+' allowed).
inline std::optional<double> cell_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double x = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return x;
}

struct Column {
  std::string name;
  bool text = false;
  std::vector<double> numbers;     // every cell, when !text
  std::vector<std::string> texts;  // every cell as written, when text

  std::size_t size() const { return text ? texts.size() : numbers.size(); }
};

struct ColumnTable {
  std::vector<Column> columns;

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  const Column* find(std::string_view name) const {
    for (const Column& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }
};

}  // namespace itbound::estimators
