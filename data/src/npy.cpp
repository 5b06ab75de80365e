// NPY format (numpy.lib.format, versions 1.0, 2.0 and 3.0): magic, version, header length, a Python
// dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}, then the raw data.
#include "itbound/data/ndarray.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace itbound::data {
namespace {

[[noreturn]] void bad(const std::string& what, const std::string& problem) { throw InvalidArgument(what, problem); }

struct Descr {
  DType dtype;
  std::size_t width;
  bool big_endian;
};

Descr parse_descr(const std::string& d, const std::string& what) {
  if (d.size() < 3) bad(what, "unsupported dtype '" + d + "'");
  const char order = d[0];
  const std::string code = d.substr(1);
  struct Known {
    const char* code;
    DType dtype;
    std::size_t width;
  };
  static constexpr Known known[] = {{"b1", DType::boolean, 1}, {"u1", DType::uint8, 1},   {"i2", DType::int16, 2},
                                     {"i4", DType::int32, 4},   {"i8", DType::int64, 8},   {"f4", DType::float32, 4},
                                     {"f8", DType::float64, 8}};
  for (const auto& k : known) {
    if (code != k.code) continue;
    // '|' (not applicable) is only meaningful for single bytes; '=' is native, little endian on every
    // platform itbound builds for.
    if (order == '|' && k.width != 1) bad(what, "dtype '" + d + "' needs a byte order");
    if (order != '<' && order != '>' && order != '|' && order != '=') bad(what, "unsupported dtype '" + d + "'");
    return {k.dtype, k.width, order == '>' && k.width > 1};
  }
  bad(what, "unsupported dtype '" + d + "' (supported: bool, uint8, int16, int32, int64, float32, float64)");
}

// A tiny reader for the header dict: only the literal forms numpy writes are accepted.
class HeaderParser {
public:
  HeaderParser(std::string text, std::string what) : s_(std::move(text)), what_(std::move(what)) {}

  void parse(std::string& descr, bool& fortran, std::vector<std::int64_t>& shape) {
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_ws();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran = boolean();
        have_order = true;
      } else if (key == "shape") {
        shape = tuple();
        have_shape = true;
      } else {
        bad(what_, "unexpected header key '" + key + "'");
      }
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skip_ws();
      if (peek() != '}') bad(what_, "malformed header: expected ',' or '}'");
    }
    if (!have_descr || !have_order || !have_shape) bad(what_, "header lacks 'descr', 'fortran_order' or 'shape'");
  }

private:
  char peek() {
    if (i_ >= s_.size()) bad(what_, "malformed header: ends early");
    return s_[i_];
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) bad(what_, std::string("malformed header: expected '") + c + "'");
    ++i_;
  }
  std::string string_literal() {
    skip_ws();
    const char q = peek();
    if (q != '\'' && q != '"') bad(what_, "malformed header: expected a quoted string");
    const std::size_t end = s_.find(q, i_ + 1);
    if (end == std::string::npos) bad(what_, "malformed header: unterminated string");
    std::string out = s_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_ws();
    if (s_.compare(i_, 4, "True") == 0) return i_ += 4, true;
    if (s_.compare(i_, 5, "False") == 0) return i_ += 5, false;
    bad(what_, "malformed header: fortran_order must be True or False");
  }
  std::vector<std::int64_t> tuple() {
    expect('(');
    std::vector<std::int64_t> dims;
    while (true) {
      skip_ws();
      if (peek() == ')') break;
      std::int64_t v = 0;
      bool any = false;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
        if (v > (std::numeric_limits<std::int64_t>::max() - 9) / 10) bad(what_, "shape dimension too large");
        v = v * 10 + (s_[i_++] - '0');
        any = true;
      }
      if (!any) bad(what_, "malformed header: shape must be a tuple of non-negative integers");
      // numpy writes 'L' suffixes in some Python 2 era files.
      if (i_ < s_.size() && s_[i_] == 'L') ++i_;
      dims.push_back(v);
      if (dims.size() > 32) bad(what_, "shape has more than 32 dimensions");
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != ')') bad(what_, "malformed header: expected ',' or ')' in shape");
    }
    ++i_;
    return dims;
  }

  std::string s_;
  std::string what_;
  std::size_t i_ = 0;
};

std::uint64_t load_unsigned(const unsigned char* p, std::size_t width, bool big_endian) {
  std::uint64_t v = 0;
  for (std::size_t b = 0; b < width; ++b) {
    const std::size_t idx = big_endian ? b : width - 1 - b;
    v = (v << 8) | p[idx];
  }
  return v;
}

double decode_element(const unsigned char* p, const Descr& d, const std::string& what) {
  const std::uint64_t raw = load_unsigned(p, d.width, d.big_endian);
  switch (d.dtype) {
    case DType::boolean:
      if (raw > 1) bad(what, "bool value is neither 0 nor 1");
      return static_cast<double>(raw);
    case DType::uint8:
      return static_cast<double>(raw);
    case DType::int16:
      return static_cast<double>(static_cast<std::int16_t>(raw));
    case DType::int32:
      return static_cast<double>(static_cast<std::int32_t>(raw));
    case DType::int64: {
      const auto v = static_cast<std::int64_t>(raw);
      constexpr std::int64_t exact = std::int64_t{1} << 53;
      if (v > exact || v < -exact) bad(what, "int64 value beyond 2^53 cannot be held exactly");
      return static_cast<double>(v);
    }
    case DType::float32:
      return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(raw)));
    case DType::float64:
      return std::bit_cast<double>(raw);
  }
  bad(what, "unsupported dtype");
}

}  // namespace

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::boolean: return "bool";
    case DType::uint8: return "uint8";
    case DType::int16: return "int16";
    case DType::int32: return "int32";
    case DType::int64: return "int64";
    case DType::float32: return "float32";
    case DType::float64: return "float64";
  }
  return "unknown";
}

NpyView parse_npy_header(std::span<const unsigned char> bytes, const std::string& what) {
  static constexpr unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10) bad(what, "truncated file (no NPY header)");
  if (std::memcmp(bytes.data(), magic, sizeof magic) != 0) bad(what, "bad magic: not an NPY file");
  const unsigned major = bytes[6];
  std::size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = bytes[8] | (std::size_t{bytes[9]} << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) bad(what, "truncated file (no NPY header)");
    header_len = static_cast<std::size_t>(load_unsigned(bytes.data() + 8, 4, false));
    header_start = 12;
  } else {
    bad(what, "unsupported NPY version " + std::to_string(major));
  }
  if (header_len > bytes.size() - header_start) bad(what, "truncated file (header runs past the end)");
  // Version 3 allows UTF-8 in the header; only ASCII keys and dtype codes are accepted below anyway.
  const std::string header(reinterpret_cast<const char*>(bytes.data() + header_start), header_len);
  std::string descr_text;
  NpyView out;
  HeaderParser(header, what).parse(descr_text, out.fortran_order, out.shape);
  const Descr descr = parse_descr(descr_text, what);
  out.dtype = descr.dtype;
  out.width = descr.width;
  out.big_endian = descr.big_endian;

  std::uint64_t count = 1;
  for (const auto d : out.shape) {
    if (d != 0 && count > std::numeric_limits<std::uint64_t>::max() / 8 / static_cast<std::uint64_t>(d))
      bad(what, "shape too large");
    count *= static_cast<std::uint64_t>(d);
  }
  const std::size_t data_start = header_start + header_len;
  const std::uint64_t available = bytes.size() - data_start;
  if (count * descr.width > available)
    bad(what, "truncated file: shape needs " + std::to_string(count * descr.width) + " data bytes, file has " +
                  std::to_string(available));
  if (count * descr.width < available) bad(what, "shape/size mismatch: trailing bytes after the data");
  out.data = bytes.subspan(data_start);
  out.count = static_cast<std::size_t>(count);
  return out;
}

NdArray decode(const NpyView& v, const std::string& what) {
  NdArray out;
  out.shape = v.shape;
  out.dtype = v.dtype;
  out.values.resize(v.count);
  const Descr descr{v.dtype, v.width, v.big_endian};
  const unsigned char* p = v.data.data();
  if (!v.fortran_order || out.shape.size() < 2) {
    for (std::size_t k = 0; k < out.values.size(); ++k) out.values[k] = decode_element(p + k * descr.width, descr, what);
    return out;
  }
  // Fortran order: the first index varies fastest in the file; walk the file in order, keep the
  // multi-index, and place each value at its C-order position.
  const std::size_t rank = out.shape.size();
  std::vector<std::size_t> c_stride(rank, 1), index(rank, 0);
  for (std::size_t a = rank - 1; a > 0; --a) c_stride[a - 1] = c_stride[a] * static_cast<std::size_t>(out.shape[a]);
  std::size_t c_pos = 0;
  for (std::size_t k = 0; k < out.values.size(); ++k) {
    out.values[c_pos] = decode_element(p + k * descr.width, descr, what);
    for (std::size_t a = 0; a < rank; ++a) {
      c_pos += c_stride[a];
      if (++index[a] < static_cast<std::size_t>(out.shape[a])) break;
      c_pos -= c_stride[a] * index[a];
      index[a] = 0;
    }
  }
  return out;
}

NdArray parse_npy(std::span<const unsigned char> bytes, const std::string& what) {
  return decode(parse_npy_header(bytes, what), what);
}

std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path) {
  require_input_file(path, "path");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw InvalidArgument("path", "cannot open '" + path.string() + "'");
  const std::streamoff size = in.tellg();
  if (size < 0) throw InvalidArgument("path", "cannot read '" + path.string() + "'");
  std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
  in.seekg(0);
  // One bulk read: a per-character stream iterator is several times slower on large runs files.
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) throw InvalidArgument("path", "cannot read '" + path.string() + "'");
  return bytes;
}

namespace {

// Whether the kernel gives transparent huge pages to memory that asks for them.
bool huge_pages_on() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  return std::getline(in, line) && line.find("[never]") == std::string::npos;
}

constexpr std::size_t kHugePage = std::size_t{2} << 20;

// The file's bytes read into memory advised onto 2 MiB pages, or null (nothing to free) if any step fails.
void* read_onto_huge_pages(int fd, std::size_t size) {
  const std::size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (!p) return nullptr;
  ::madvise(p, rounded, MADV_HUGEPAGE);
  for (std::size_t done = 0; done < size;) {
    const ssize_t got = ::pread(fd, static_cast<unsigned char*>(p) + done, size - done, static_cast<off_t>(done));
    if (got <= 0) {
      std::free(p);
      return nullptr;
    }
    done += static_cast<std::size_t>(got);
  }
  return p;
}

}  // namespace

FileBytes::FileBytes(const std::filesystem::path& path) {
  require_input_file(path, "path");
  // A large runs file (8 MiB to an eighth of the memory) is read onto transparent huge pages where the kernel has
  // them: on the virtual machines this project runs on, entering a mapping's 4 KiB page-table entries costs more
  // than copying (37.5 MB: 23-25 ms of CPU mapped and read once, 8-9 ms read onto huge pages and read; measured,
  // bench/README.md). Smaller files, and any file when that fails, are mapped: page-table entries only, faulted
  // in as read (cheaper than MAP_POPULATE); reading them would allocate and copy every small page.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    const double memory = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
    if (size >= 4 * kHugePage && static_cast<double>(size) <= memory / 8 && huge_pages_on())
      huge_ = read_onto_huge_pages(fd, size);
    if (huge_) {
      bytes_ = {static_cast<const unsigned char*>(huge_), size};
    } else if (void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0); p != MAP_FAILED) {
      mapping_ = p;
      bytes_ = {static_cast<const unsigned char*>(p), size};
    }
  }
  if (fd >= 0) ::close(fd);
  if (!mapping_ && !huge_) {
    copy_ = read_file_bytes(path);
    bytes_ = copy_;
  }
}

FileBytes::FileBytes(FileBytes&& other) noexcept
    : bytes_(other.bytes_), mapping_(other.mapping_), huge_(other.huge_), copy_(std::move(other.copy_)) {
  other.mapping_ = nullptr;
  other.huge_ = nullptr;
  other.bytes_ = {};
  if (!mapping_ && !huge_) bytes_ = copy_;
}

FileBytes::~FileBytes() {
  if (mapping_) ::munmap(mapping_, bytes_.size());
  std::free(huge_);
}

NdArray read_npy(const std::filesystem::path& path) { return parse_npy(read_file_bytes(path), path.string()); }

}  // namespace itbound::data
