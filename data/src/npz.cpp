// NPZ = zip archive of .npy members (numpy.savez: stored; savez_compressed: deflate). The central
// directory is the authority for sizes and offsets (numpy writes zip64 local headers with placeholder
// sizes); zip64 end records and extra fields are honoured. Every member's CRC-32 is checked.
#include <zlib.h>

#include <algorithm>
#include <limits>

#include "itbound/data/ndarray.hpp"
#include "itbound/error.hpp"

namespace itbound::data {
namespace {

[[noreturn]] void bad(const std::string& what, const std::string& problem) { throw InvalidArgument(what, problem); }

class Reader {
public:
  Reader(std::span<const unsigned char> bytes, std::string what) : b_(bytes), what_(std::move(what)) {}

  std::uint64_t le(std::uint64_t offset, unsigned width) const {
    if (offset > b_.size() || width > b_.size() - offset) bad(what_, "truncated file (zip record past the end)");
    std::uint64_t v = 0;
    for (unsigned k = width; k-- > 0;) v = (v << 8) | b_[static_cast<std::size_t>(offset) + k];
    return v;
  }
  std::span<const unsigned char> slice(std::uint64_t offset, std::uint64_t length) const {
    if (offset > b_.size() || length > b_.size() - offset) bad(what_, "truncated file (zip member past the end)");
    return b_.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
  }
  std::size_t size() const { return b_.size(); }
  const std::string& what() const { return what_; }

private:
  std::span<const unsigned char> b_;
  std::string what_;
};

constexpr std::uint32_t kEocd = 0x06054b50, kEocd64Locator = 0x07064b50, kEocd64 = 0x06064b50,
                        kCentral = 0x02014b50, kLocal = 0x04034b50;

std::vector<unsigned char> inflate_raw(std::span<const unsigned char> in, std::uint64_t expected,
                                       const std::string& what) {
  // Deflate cannot expand by more than about 1032:1, so a larger declared size is a corrupt (or hostile)
  // header; rejecting it bounds the allocation.
  if (expected > 1032 * static_cast<std::uint64_t>(in.size()) + 1024) bad(what, "declared size impossible for its compressed size");
  std::vector<unsigned char> out(static_cast<std::size_t>(expected));
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) bad(what, "zlib initialisation failed");
  // zlib's interface takes non-const pointers but does not write through next_in.
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) bad(what, "corrupt deflate data");
  if (produced != expected) bad(what, "inflated size differs from the size in the zip directory");
  return out;
}

}  // namespace

std::map<std::string, NpzMember> npz_members(std::span<const unsigned char> bytes, const std::string& what,
                                             std::vector<std::vector<unsigned char>>& inflated) {
  const Reader r(bytes, what);
  if (r.size() < 22) bad(what, "truncated file (too short for a zip archive)");
  if (r.le(0, 4) != kLocal && r.le(0, 4) != kEocd) bad(what, "bad magic: not a zip (NPZ) archive");
  // The end-of-central-directory record sits within the last 22 + 65535 bytes (its comment is at most 64 KiB).
  std::uint64_t eocd = r.size() - 22;
  const std::uint64_t lowest = r.size() > 22 + 65535 ? r.size() - 22 - 65535 : 0;
  while (r.le(eocd, 4) != kEocd) {
    if (eocd == lowest) bad(what, "no zip end-of-directory record (truncated file?)");
    --eocd;
  }
  std::uint64_t entries = r.le(eocd + 10, 2), cd_size = r.le(eocd + 12, 4), cd_offset = r.le(eocd + 16, 4);
  if ((entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) && eocd >= 20 &&
      r.le(eocd - 20, 4) == kEocd64Locator) {
    const std::uint64_t e64 = r.le(eocd - 20 + 8, 8);
    if (r.le(e64, 4) != kEocd64) bad(what, "bad zip64 end-of-directory record");
    entries = r.le(e64 + 32, 8);
    cd_size = r.le(e64 + 40, 8);
    cd_offset = r.le(e64 + 48, 8);
  }
  r.slice(cd_offset, cd_size);
  if (entries > cd_size / 46) bad(what, "zip directory too small for its entry count");

  std::map<std::string, NpzMember> out;
  std::uint64_t pos = cd_offset;
  for (std::uint64_t e = 0; e < entries; ++e) {
    if (r.le(pos, 4) != kCentral) bad(what, "bad zip central directory entry");
    const auto flags = r.le(pos + 8, 2), method = r.le(pos + 10, 2);
    const auto crc = r.le(pos + 16, 4);
    std::uint64_t csize = r.le(pos + 20, 4), usize = r.le(pos + 24, 4);
    const auto name_len = r.le(pos + 28, 2), extra_len = r.le(pos + 30, 2), comment_len = r.le(pos + 32, 2);
    std::uint64_t local = r.le(pos + 42, 4);
    const auto name_span = r.slice(pos + 46, name_len);
    std::string name(name_span.begin(), name_span.end());
    const std::string member = what + ":" + name;
    // Zip64 extra field (id 1): the 64-bit values appear in order for each 32-bit field that is 0xFFFFFFFF.
    std::uint64_t x = pos + 46 + name_len;
    const std::uint64_t x_end = x + extra_len;
    r.slice(x, extra_len);
    while (x + 4 <= x_end) {
      const auto id = r.le(x, 2), len = r.le(x + 2, 2);
      if (x + 4 + len > x_end) bad(member, "malformed zip extra field");
      if (id == 1) {
        std::uint64_t f = x + 4;
        auto take = [&](std::uint64_t& field) {
          if (field != 0xFFFFFFFF) return;
          if (f + 8 > x + 4 + len) bad(member, "malformed zip64 extra field");
          field = r.le(f, 8);
          f += 8;
        };
        take(usize);
        take(csize);
        take(local);
      }
      x += 4 + len;
    }
    pos = x_end + comment_len;
    if (flags & 1) bad(member, "encrypted zip members are not supported");
    if (r.le(local, 4) != kLocal) bad(member, "bad zip local header");
    const std::uint64_t data = local + 30 + r.le(local + 26, 2) + r.le(local + 28, 2);
    const auto packed = r.slice(data, csize);
    std::span<const unsigned char> raw;
    if (method == 0) {
      if (csize != usize) bad(member, "stored member with differing sizes");
      raw = packed;
    } else if (method == 8) {
      raw = inflated.emplace_back(inflate_raw(packed, usize, member));
    } else {
      bad(member, "unsupported zip compression method " + std::to_string(method) + " (stored and deflate only)");
    }
    if (data::crc32(0, raw.data(), raw.size()) != crc) bad(member, "CRC-32 mismatch (corrupt archive)");
    if (name.size() >= 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
    if (out.count(name)) bad(member, "duplicate member");
    out.emplace(name, NpzMember{raw, member});
  }
  return out;
}

std::map<std::string, NdArray> parse_npz(std::span<const unsigned char> bytes, const std::string& what) {
  std::vector<std::vector<unsigned char>> inflated;
  std::map<std::string, NdArray> out;
  for (const auto& [name, member] : npz_members(bytes, what, inflated)) out.emplace(name, parse_npy(member.bytes, member.what));
  return out;
}

std::map<std::string, NdArray> read_npz(const std::filesystem::path& path) {
  return parse_npz(read_file_bytes(path), path.string());
}

}  // namespace itbound::data
