#pragma once
// Numeric arrays stored by a user, whatever the file type: NPY/NPZ (data/ndarray.hpp), CSV (data/csv_matrix.hpp)
// or JSON (numbers, arrays, nested arrays for matrices). Errors name the parameter the path came from.
#include <map>
#include <string>

#include <Eigen/Core>

#include "itbound/data/json_text.hpp"
#include "itbound/data/ndarray.hpp"

namespace itbound::data {

// Named arrays from one file: the members of an .npz, or the keys of a JSON object whose values are numbers
// (shape {}), arrays (shape {k}) or arrays of equal-length arrays (shape {r, c}).
std::map<std::string, NdArray> read_named_arrays(const std::string& path, const char* field);

// One array of numbers with its shape: .npy; .npz with a single member (or the member `key`); .csv (rows x columns,
// or the column named `key` under a header); .json as a number, an array or nested arrays, or an object holding one
// at `key`.
NdArray read_number_array(const std::string& path, const char* field, const std::string& key);

// The same from JSON already parsed (a batch job's inline array, a NumPy array from Python): numbers only.
NdArray number_array_from_json(const Json& value, const std::string& field);

// One vector of numbers, read as above: a single number, a 1-D array, or a 2-D array with one row or one column.
// Any other shape is an error naming `field` (it was read in order, flattened: a (100, 10000) matrix of per-example
// errors became a million Monte Carlo samples).
Eigen::ArrayXd read_number_vector(const std::string& path, const char* field, const std::string& key);
Eigen::ArrayXd numbers_from_json(const Json& value, const char* field);
Eigen::ArrayXd as_checked_vector(const NdArray& a, const char* field);

// An array as an Eigen vector (any shape, reading order) or as a matrix (it must have two dimensions).
Eigen::ArrayXd as_vector(const NdArray& a);
Eigen::MatrixXd as_matrix(const NdArray& a, const std::string& what);

}  // namespace itbound::data
