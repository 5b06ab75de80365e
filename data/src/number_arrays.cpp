#include "itbound/data/number_arrays.hpp"

#include <algorithm>

#include "itbound/data/csv_matrix.hpp"
#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace itbound::data {
namespace {

std::string extension(const std::string& path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string e = path.substr(dot + 1);
  for (char& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return e;
}

// The readers of ndarray.hpp name the field "path": name the parameter instead.
template <class F>
auto renamed(const char* field, F&& read) {
  try {
    return read();
  } catch (const InvalidArgument& e) {
    if (e.field() == field) throw;
    fail(field, e.what());
  }
}

Json parse_json_file(const std::string& path, const char* field) {
  return parse_json(read_text_file(path, field), field, path);
}

double json_number(const Json& v, const std::string& what) {
  if (!v.is_number()) fail(what.c_str(), "must hold numbers only, got " + brief(v));
  return v.get<double>();
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

NdArray number_array_from_json(const Json& v, const std::string& what) {
  NdArray a;
  if (v.is_number()) {
    a.values = {json_number(v, what)};
    return a;
  }
  if (!v.is_array()) fail(what.c_str(), "must be a number or an array of numbers, got " + brief(v));
  const bool matrix = !v.empty() && v.front().is_array();
  if (!matrix) {
    for (const Json& x : v) a.values.push_back(json_number(x, what));
    a.shape = {static_cast<std::int64_t>(a.values.size())};
    return a;
  }
  const std::size_t cols = v.front().size();
  for (std::size_t r = 0; r < v.size(); ++r) {
    if (!v[r].is_array() || v[r].size() != cols)
      fail(what.c_str(), "row " + std::to_string(r) + " must be an array of " + std::to_string(cols) + " numbers");
    for (const Json& x : v[r]) a.values.push_back(json_number(x, what));
  }
  a.shape = {static_cast<std::int64_t>(v.size()), static_cast<std::int64_t>(cols)};
  return a;
}

std::map<std::string, NdArray> read_named_arrays(const std::string& path, const char* field) {
  require_input_file(path, field);
  const std::string ext = extension(path);
  if (ext == "npz") return renamed(field, [&] { return read_npz(path); });
  if (ext != "json") fail(field, path + ": named arrays are read from .npz or .json files");
  const Json j = parse_json_file(path, field);
  if (!j.is_object()) fail(field, path + " must hold a JSON object of named arrays");
  std::map<std::string, NdArray> out;
  for (auto it = j.begin(); it != j.end(); ++it)
    out[it.key()] = number_array_from_json(it.value(), std::string(field) + "." + it.key());
  return out;
}

NdArray read_number_array(const std::string& path, const char* field, const std::string& key) {
  require_input_file(path, field);
  const std::string ext = extension(path);
  if (ext == "npy") return renamed(field, [&] { return read_npy(path); });
  if (ext == "csv") {
    // Under a header: the column named `key`, or the only column; a matrix only under pandas' default labels 0..k-1
    // (DataFrame(matrix).to_csv()), whose names say nothing.
    const CsvMatrix table = read_csv_table(path, field);
    const auto& names = table.names;
    bool labels = true;
    for (std::size_t c = 0; c < names.size(); ++c) labels = labels && names[c] == std::to_string(c);
    NdArray a;
    if (!names.empty() && !labels) {
      const Eigen::VectorXd column = csv_vector(table, path, field, key);
      a.shape = {column.size()};
      a.values.assign(column.data(), column.data() + column.size());
      return a;
    }
    a.shape = {table.values.rows(), table.values.cols()};
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = table.values;
    a.values.assign(rows.data(), rows.data() + rows.size());
    return a;
  }
  if (ext == "npz") {
    auto members = renamed(field, [&] { return read_npz(path); });
    if (members.size() == 1) return std::move(members.begin()->second);
    const auto it = members.find(key);
    if (it == members.end()) fail(field, path + " has several arrays and none named \"" + key + "\"");
    return std::move(it->second);
  }
  if (ext == "json") {
    const Json j = parse_json_file(path, field);
    if (j.is_object()) {
      if (!j.contains(key)) fail(field, path + " needs an array of numbers, or an object with the key \"" + key + "\"");
      return number_array_from_json(j.at(key), field);
    }
    return number_array_from_json(j, field);
  }
  fail(field, path + ": expected a .npy, .npz, .csv or .json file");
}

Eigen::ArrayXd as_checked_vector(const NdArray& a, const char* field) {
  const bool vector = a.shape.size() <= 1 || (a.shape.size() == 2 && (a.shape[0] == 1 || a.shape[1] == 1));
  if (!vector)
    fail(field, "must be a vector of numbers (one row or one column), got an array of shape " + shape_text(a.shape));
  return as_vector(a);
}

Eigen::ArrayXd read_number_vector(const std::string& path, const char* field, const std::string& key) {
  return as_checked_vector(read_number_array(path, field, key), field);
}

Eigen::ArrayXd numbers_from_json(const Json& value, const char* field) {
  return as_checked_vector(number_array_from_json(value, field), field);
}

Eigen::ArrayXd as_vector(const NdArray& a) {
  return Eigen::Map<const Eigen::ArrayXd>(a.values.data(), static_cast<Eigen::Index>(a.values.size()));
}

Eigen::MatrixXd as_matrix(const NdArray& a, const std::string& what) {
  if (a.shape.size() != 2) fail(what.c_str(), "must be a matrix (2 dimensions), got " + std::to_string(a.shape.size()));
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(a.values.data(), a.shape[0], a.shape[1]);
}

}  // namespace itbound::data
