#pragma once
// N-dimensional numeric arrays read from NumPy files (.npy, .npz). This is the one place in itbound
// where array files are parsed; every reader checks each length and offset against the bytes it has.
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace itbound::data {

enum class DType { boolean, uint8, int16, int32, int64, float32, float64 };

const char* dtype_name(DType dtype);

// Values are always held in C (row-major) order as doubles; integers beyond 2^53 in magnitude are
// rejected when read, so the conversion is exact for every array a reader returns.
struct NdArray {
  std::vector<std::int64_t> shape;
  std::vector<double> values;
  DType dtype = DType::float64;

  std::size_t size() const { return values.size(); }
  bool is_integer() const { return dtype != DType::float32 && dtype != DType::float64; }
};

// `what` names the source in error messages (a path, or "archive.npz:member").
NdArray parse_npy(std::span<const unsigned char> bytes, const std::string& what);
NdArray read_npy(const std::filesystem::path& path);

// Members of a zip archive written by numpy.savez / savez_compressed, keyed by name without ".npy".
std::map<std::string, NdArray> parse_npz(std::span<const unsigned char> bytes, const std::string& what);
std::map<std::string, NdArray> read_npz(const std::filesystem::path& path);

// Whole file as bytes; throws InvalidArgument("path", ...) when it cannot be read.
std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path);

}  // namespace itbound::data
