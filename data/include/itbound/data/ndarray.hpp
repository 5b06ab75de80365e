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

// An NPY array's header and its data bytes, not decoded: what parse_npy checks before it converts.
struct NpyView {
  std::vector<std::int64_t> shape;
  DType dtype = DType::float64;
  std::size_t width = 8;  // bytes per element
  bool big_endian = false, fortran_order = false;
  std::span<const unsigned char> data;  // exactly count * width bytes
  std::size_t count = 0;
};

// `what` names the source in error messages (a path, or "archive.npz:member").
NpyView parse_npy_header(std::span<const unsigned char> bytes, const std::string& what);
NdArray decode(const NpyView& array, const std::string& what);
NdArray parse_npy(std::span<const unsigned char> bytes, const std::string& what);
NdArray read_npy(const std::filesystem::path& path);

// Members of a zip archive written by numpy.savez / savez_compressed, keyed by name without ".npy".
std::map<std::string, NdArray> parse_npz(std::span<const unsigned char> bytes, const std::string& what);
// The members' NPY bytes, CRC-32 checked, undecoded: stored members are views into `bytes`, deflated
// ones are inflated into `inflated` (which must outlive the spans). `what` is "archive.npz:member.npy".
struct NpzMember {
  std::span<const unsigned char> bytes;
  std::string what;
};
std::map<std::string, NpzMember> npz_members(std::span<const unsigned char> bytes, const std::string& what,
                                             std::vector<std::vector<unsigned char>>& inflated);
std::map<std::string, NdArray> read_npz(const std::filesystem::path& path);

// CRC-32 of the zip/gzip polynomial, as zlib's crc32(crc, data, size); folded with carry-less
// multiplication where the CPU has it (data/src/crc32.cpp), several times faster than zlib's tables.
std::uint32_t crc32(std::uint32_t crc, const unsigned char* data, std::size_t size);

// Whole file as bytes; throws InvalidArgument("path", ...) when it cannot be read.
std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path);

// A whole file's bytes without a copy: memory-mapped (read only) where the system allows, else read.
// The file must not be truncated while mapped.
class FileBytes {
public:
  explicit FileBytes(const std::filesystem::path& path);
  FileBytes(FileBytes&& other) noexcept;
  FileBytes& operator=(FileBytes&&) = delete;
  FileBytes(const FileBytes&) = delete;
  ~FileBytes();
  std::span<const unsigned char> bytes() const { return bytes_; }

private:
  std::span<const unsigned char> bytes_;
  void* mapping_ = nullptr;
  void* huge_ = nullptr;  // a large file read onto transparent huge pages (npy.cpp says when)
  std::vector<unsigned char> copy_;
};

}  // namespace itbound::data
