// NPY/NPZ readers on files written by numpy (tests/fixtures/make_npy_fixtures.py) and on malformed bytes.
#include <doctest/doctest.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "itbound/data/ndarray.hpp"
#include "itbound/error.hpp"

using itbound::InvalidArgument;
using namespace itbound::data;

namespace {
const std::string fixtures = std::string(ITBOUND_DATA_DIR) + "/../tests/fixtures/";

// The generator's base array: arange(24).reshape(2,3,4) - 5.5, in C order.
double base(std::size_t k) { return static_cast<double>(k) - 5.5; }

void check_shape(const NdArray& a) {
  REQUIRE(a.shape == std::vector<std::int64_t>{2, 3, 4});
  REQUIRE(a.size() == 24);
}

std::string error_of(std::span<const unsigned char> bytes) {
  try {
    parse_npy(bytes, "x");
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("npy: every supported dtype, byte order, version and memory order") {
  for (const char* name : {"f8_c", "f4_be", "f8_fortran_be", "v2", "v3"}) {
    CAPTURE(name);
    const auto a = read_npy(fixtures + name + ".npy");
    check_shape(a);
    for (std::size_t k = 0; k < 24; ++k) CHECK(a.values[k] == base(k));
  }
  for (const char* name : {"i2_le", "i4_be", "i8_fortran"}) {
    CAPTURE(name);
    const auto a = read_npy(fixtures + name + ".npy");
    check_shape(a);
    CHECK(a.is_integer());
    // numpy's float -> int cast truncates toward zero.
    for (std::size_t k = 0; k < 24; ++k) CHECK(a.values[k] == static_cast<double>(static_cast<long>(base(k) * 2)));
  }
  const auto u = read_npy(fixtures + "u1.npy");
  const auto b = read_npy(fixtures + "b1.npy");
  CHECK(u.dtype == DType::uint8);
  CHECK(b.dtype == DType::boolean);
  for (std::size_t k = 0; k < 24; ++k) {
    CHECK(u.values[k] == static_cast<double>(k % 7));
    CHECK(b.values[k] == (k % 3 == 0 ? 1.0 : 0.0));
  }
  const auto s = read_npy(fixtures + "scalar.npy");
  CHECK(s.shape.empty());
  CHECK(s.values == std::vector<double>{3.25});
  const auto e = read_npy(fixtures + "empty.npy");
  CHECK(e.shape == std::vector<std::int64_t>{0, 3});
  CHECK(e.size() == 0);
}

TEST_CASE("npz: savez (stored) and savez_compressed (deflate)") {
  for (const char* name : {"stored.npz", "deflated.npz"}) {
    CAPTURE(name);
    const auto m = read_npz(fixtures + name);
    REQUIRE(m.size() == 2);
    check_shape(m.at("a"));
    check_shape(m.at("mask"));
    for (std::size_t k = 0; k < 24; ++k) {
      CHECK(m.at("a").values[k] == base(k));
      CHECK(m.at("mask").values[k] == (k % 3 == 0 ? 1.0 : 0.0));
    }
  }
}

TEST_CASE("npy/npz: malformed input is an error naming the problem, never a crash") {
  auto good = read_file_bytes(fixtures + "f8_c.npy");
  CHECK(error_of(std::span(good).first(5)).find("truncated") != std::string::npos);
  CHECK(error_of(std::span(good).first(good.size() - 1)).find("truncated") != std::string::npos);
  auto magic = good;
  magic[1] = 'X';
  CHECK(error_of(magic).find("bad magic") != std::string::npos);
  auto dtype = good;
  const std::string header(good.begin(), good.begin() + 80);
  dtype[header.find("<f8") + 1] = 'c';  // complex
  CHECK(error_of(dtype).find("unsupported dtype") != std::string::npos);
  auto extra = good;
  extra.push_back(0);
  CHECK(error_of(extra).find("mismatch") != std::string::npos);
  CHECK_THROWS_AS(read_npy(fixtures + "missing.npy"), InvalidArgument);

  // Every truncation and every single-byte corruption of an archive either parses or throws InvalidArgument.
  const auto zip = read_file_bytes(fixtures + "deflated.npz");
  for (std::size_t cut = 0; cut < zip.size(); ++cut) CHECK_THROWS_AS(parse_npz(std::span(zip).first(cut), "z"), InvalidArgument);
  for (std::size_t k = 0; k < zip.size(); ++k) {
    auto bent = zip;
    bent[k] ^= 0xA5;
    try {
      parse_npz(bent, "z");
    } catch (const InvalidArgument&) {
    }
  }
}

TEST_CASE("crc32 equals zlib's for every length, alignment and start value") {
  std::mt19937_64 rng(2);
  std::vector<unsigned char> bytes(4096);
  for (auto& b : bytes) b = static_cast<unsigned char>(rng());
  // Past 1,300 bytes: every remainder of the 256-byte and 64-byte loops (the 512-bit lanes, where the CPU has them).
  for (std::size_t size = 0; size <= 1300; ++size)
    for (std::size_t offset = 0; offset < 4; ++offset)
      for (const std::uint32_t start : {0u, 0xFFFFFFFFu, 0x1234567u}) {
        CAPTURE(size);
        CAPTURE(offset);
        const auto expected = static_cast<std::uint32_t>(::crc32(start, bytes.data() + offset, static_cast<uInt>(size)));
        REQUIRE(itbound::data::crc32(start, bytes.data() + offset, size) == expected);
      }
  CHECK(itbound::data::crc32(0, bytes.data(), bytes.size()) == ::crc32(0, bytes.data(), static_cast<uInt>(bytes.size())));
  std::vector<unsigned char> large(3'000'017);
  for (auto& b : large) b = static_cast<unsigned char>(rng());
  for (const std::size_t offset : {0, 1, 63})
    CHECK(itbound::data::crc32(7, large.data() + offset, large.size() - offset) ==
          ::crc32(7, large.data() + offset, static_cast<uInt>(large.size() - offset)));
}
