// CSV matrices and number lists as people write them: plain numbers, or a header row (with a pandas index column),
// columns picked by name; errors show the header found.
#include <doctest/doctest.h>

#include "itbound/data/csv_matrix.hpp"
#include "itbound/data/number_arrays.hpp"
#include "itbound/error.hpp"
#include "reader_errors.hpp"

using itbound::testing::write_temp;

namespace {

template <class Read>
std::string error_of(Read read) {
  try {
    read();
  } catch (const itbound::InvalidArgument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("csv matrix: plain numbers, or under a header with a pandas index column dropped") {
  const auto plain = itbound::data::read_csv_table(write_temp("csv-m1.csv", "# comment\n1,2\n\n3, 4\n"), "m");
  CHECK(plain.names.empty());
  CHECK(plain.values.rows() == 2);
  CHECK(plain.values(1, 1) == 4.0);
  // pandas DataFrame.to_csv(): an index column with an empty name; also the "Unnamed: 0" it reads back as.
  for (const std::string head : {",label,x", "Unnamed: 0,label,x", "\"\",\"label\",\"x\""}) {
    const auto t = itbound::data::read_csv_table(write_temp("csv-m2.csv", head + "\n0,1,0.5\n1,-1,0.25\n"), "m");
    CHECK(t.names == std::vector<std::string>{"label", "x"});
    CHECK(t.values.cols() == 2);
    CHECK(t.values(1, 0) == -1.0);
  }
  CHECK(error_of([] { itbound::data::read_csv_matrix(write_temp("csv-m3.csv", "a,b\n1,x\n"), "m"); }) ==
        "m: line 2: 'x' is not a finite number");
  CHECK(error_of([] { itbound::data::read_csv_matrix(write_temp("csv-m4.csv", "a,b\n1,2,3\n"), "m"); }) ==
        "m: line 2: 3 fields, expected 2 (header 'a,b')");
  CHECK(error_of([] { itbound::data::read_csv_matrix(write_temp("csv-m5.csv", "# only a comment\n"), "m"); }) ==
        "m: the CSV file holds no rows");
}

TEST_CASE("csv number lists: one row, one column, or the column named for the parameter") {
  using itbound::data::read_csv_vector;
  CHECK(read_csv_vector(write_temp("csv-v1.csv", "1,2,3\n"), "v").size() == 3);
  CHECK(read_csv_vector(write_temp("csv-v2.csv", "value\n1\n2\n"), "v").size() == 2);
  // pandas Series.to_csv(): ",0" then "i,value".
  const Eigen::VectorXd s = read_csv_vector(write_temp("csv-v3.csv", ",0\n0,0.5\n1,0.25\n"), "v");
  CHECK(s.size() == 2);
  CHECK(s(1) == 0.25);
  const Eigen::ArrayXd e =
      itbound::data::read_number_vector(write_temp("csv-v4.csv", "seed,errors,note\n1,0.5,3\n2,0.25,4\n"), "mc", "errors");
  CHECK(e.size() == 2);
  CHECK(e(0) == 0.5);
  CHECK(error_of([] { itbound::data::read_number_vector(write_temp("csv-v5.csv", "a,b\n1,2\n"), "mi-file", "mi"); })
            .find("mi-file: found 'a,b', missing mi (expected mi, in any order)") == 0);
  CHECK(error_of([] { read_csv_vector(write_temp("csv-v6.csv", "a,b\n1,2\n"), "v"); })
            .find("found header 'a,b'; expected one column of numbers") != std::string::npos);
}

TEST_CASE("integer lists: separated by commas, spaces or lines, or one column under a header") {
  using itbound::data::read_integer_list;
  CHECK(read_integer_list(write_temp("csv-i1.txt", "1 2,3\n4\n"), "idx") == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(read_integer_list(write_temp("csv-i2.csv", "index\n5\n6\n"), "idx") == std::vector<std::int64_t>{5, 6});
  CHECK(read_integer_list(write_temp("csv-i3.csv", ",idx\n0,5\n1,6\n"), "idx") == std::vector<std::int64_t>{5, 6});
  CHECK(error_of([] { read_integer_list(write_temp("csv-i4.csv", "a,b\n1,2\n"), "idx"); })
            .find("found header 'a,b'; expected one column of integers") != std::string::npos);
  CHECK(error_of([] { read_integer_list(write_temp("csv-i5.csv", "1,2.5\n"), "idx"); }).find("'2.5' is not an integer") !=
        std::string::npos);
}
