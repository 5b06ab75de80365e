#pragma once
// The result model of every command: a plain struct of the core (no I/O) that lists its own fields, in output
// order and each with a one-line doc, to a FieldVisitor. The front ends are visitors written once: the JSON writer
// (data/report_json.hpp), the text / Markdown / LaTeX renderer, the Python converter (NumPy arrays for arrays) and
// the output schema generator, so a field documented here is documented everywhere.
//
// A report type T provides, next to its definition (found by argument-dependent lookup):
//   void visit(const T& report, FieldVisitor& v);
// A command returns it as a Report, named by the command: Report("pac-bayes", report).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace itbound {

// The type of a field, for absent optional values and for the schema.
enum class FieldType { number, integer, boolean, text, texts, array, object, list };

class FieldVisitor {
public:
  // Visits the members of one object.
  using Fields = std::function<void(FieldVisitor&)>;
  // Visits element i of a list; a schema generator calls it with i == kPrototype for a default-constructed element.
  using Element = std::function<void(std::size_t i, FieldVisitor&)>;
  static constexpr std::size_t kPrototype = std::numeric_limits<std::size_t>::max();

  virtual ~FieldVisitor() = default;

  // A real number; NaN and infinities are allowed (JSON writes them as strings, see data/json_text.hpp).
  void number(std::string_view name, double x, std::string_view doc) { on_number(name, x, doc, false); }
  void integer(std::string_view name, std::int64_t x, std::string_view doc) { on_integer(name, x, doc, false); }
  void boolean(std::string_view name, bool x, std::string_view doc) { on_boolean(name, x, doc, false); }
  void text(std::string_view name, std::string_view x, std::string_view doc) { on_text(name, x, doc, false); }
  // Optional values: null in JSON, None in Python when absent.
  void number(std::string_view name, const std::optional<double>& x, std::string_view doc) {
    if (x) on_number(name, *x, doc, true);
    else on_null(name, FieldType::number, doc);
  }
  void integer(std::string_view name, const std::optional<std::int64_t>& x, std::string_view doc) {
    if (x) on_integer(name, *x, doc, true);
    else on_null(name, FieldType::integer, doc);
  }
  void boolean(std::string_view name, const std::optional<bool>& x, std::string_view doc) {
    if (x) on_boolean(name, *x, doc, true);
    else on_null(name, FieldType::boolean, doc);
  }
  void optional_text(std::string_view name, const std::optional<std::string>& x, std::string_view doc) {
    if (x) on_text(name, *x, doc, true);
    else on_null(name, FieldType::text, doc);
  }
  void texts(std::string_view name, std::span<const std::string> x, std::string_view doc) { on_texts(name, x, doc); }
  // A row-major array of reals with the given shape (rank >= 1); a NumPy array in Python. `nullable`: an empty
  // array means absent (null).
  void array(std::string_view name, std::span<const double> x, std::span<const std::size_t> shape, std::string_view doc,
             bool nullable = false) {
    if (nullable && x.empty()) on_null(name, FieldType::array, doc);
    else on_array(name, x, shape, doc, nullable);
  }
  void vector(std::string_view name, const std::vector<double>& x, std::string_view doc, bool nullable = false) {
    const std::size_t shape[1] = {x.size()};
    array(name, x, shape, doc, nullable);
  }
  void matrix(std::string_view name, const std::vector<double>& x, std::size_t rows, std::size_t cols,
              std::string_view doc, bool nullable = false) {
    const std::size_t shape[2] = {rows, cols};
    array(name, x, shape, doc, nullable);
  }
  // A nested object of type `type` (a stable name, e.g. "Certificate"). Open objects are maps whose keys come from
  // the data (a certificate's inputs). Absent (`present` false) it is null, and a schema generator still visits
  // `fields`, on a default object.
  void object(std::string_view name, std::string_view type, std::string_view doc, const Fields& fields,
              bool open = false) {
    on_object(name, type, doc, fields, true, false, open);
  }
  void optional_object(std::string_view name, std::string_view type, std::string_view doc, const Fields& fields,
                       bool present) {
    on_object(name, type, doc, fields, present, true, false);
  }
  // Fields for a person reading the result (statements, explanations, where in a paper): written in full output,
  // left out of the brief JSON that scripts and batch jobs get by default. Python results always have them.
  void verbose(const std::function<void()>& fields) { on_verbose(fields); }
  // A list of objects of type `type`.
  void list(std::string_view name, std::string_view type, std::string_view doc, std::size_t size,
            const Element& element) {
    on_list(name, type, doc, size, element);
  }

protected:
  virtual void on_number(std::string_view name, double x, std::string_view doc, bool nullable) = 0;
  virtual void on_integer(std::string_view name, std::int64_t x, std::string_view doc, bool nullable) = 0;
  virtual void on_boolean(std::string_view name, bool x, std::string_view doc, bool nullable) = 0;
  virtual void on_text(std::string_view name, std::string_view x, std::string_view doc, bool nullable) = 0;
  virtual void on_texts(std::string_view name, std::span<const std::string> x, std::string_view doc) = 0;
  virtual void on_array(std::string_view name, std::span<const double> x, std::span<const std::size_t> shape,
                        std::string_view doc, bool nullable) = 0;
  virtual void on_object(std::string_view name, std::string_view type, std::string_view doc, const Fields& fields,
                         bool present, bool nullable, bool open) = 0;
  virtual void on_list(std::string_view name, std::string_view type, std::string_view doc, std::size_t size,
                       const Element& element) = 0;
  virtual void on_null(std::string_view name, FieldType type, std::string_view doc) = 0;
  virtual void on_verbose(const std::function<void()>& fields) { fields(); }
};

// ---- helpers for visit functions: members that are structs with their own visit(const S&, FieldVisitor&) ----

template <class S>
void object_field(FieldVisitor& v, std::string_view name, std::string_view type, const S& s, std::string_view doc) {
  v.object(name, type, doc, [&](FieldVisitor& w) { visit(s, w); });
}
template <class S>
void object_field(FieldVisitor& v, std::string_view name, std::string_view type, const std::optional<S>& s,
                  std::string_view doc) {
  const S prototype{};
  v.optional_object(name, type, doc, [&](FieldVisitor& w) { visit(s ? *s : prototype, w); }, s.has_value());
}
template <class S>
void list_field(FieldVisitor& v, std::string_view name, std::string_view type, const std::vector<S>& items,
                std::string_view doc) {
  v.list(name, type, doc, items.size(), [&](std::size_t i, FieldVisitor& w) {
    if (i == FieldVisitor::kPrototype) visit(S{}, w);
    else visit(items[i], w);
  });
}

// Dispatches to the report type's own visit() by argument-dependent lookup (Report's member visit would hide it).
template <class T>
void visit_report(const T& value, FieldVisitor& v) {
  visit(value, v);
}

// A command's result with its type erased, for the front ends (the CLI's command table, the batch runner, the
// Python module). The typed struct stays reachable: get<T>().
class Report {
public:
  template <class T>
  Report(std::string kind, T value) : self_(std::make_shared<Model<T>>(std::move(kind), std::move(value))) {}

  void visit(FieldVisitor& v) const { self_->visit(v); }
  std::string_view kind() const { return self_->kind(); }
  template <class T>
  const T* get() const {
    const auto* m = dynamic_cast<const Model<T>*>(self_.get());
    return m ? &m->value : nullptr;
  }

private:
  struct Concept {
    virtual ~Concept() = default;
    virtual void visit(FieldVisitor& v) const = 0;
    virtual std::string_view kind() const = 0;
  };
  template <class T>
  struct Model final : Concept {
    Model(std::string k, T v) : name(std::move(k)), value(std::move(v)) {}
    void visit(FieldVisitor& v) const override { visit_report(value, v); }
    std::string_view kind() const override { return name; }
    std::string name;
    T value;
  };
  std::shared_ptr<const Concept> self_;
};

}  // namespace itbound
