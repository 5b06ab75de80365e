#include "itbound/data/report_json.hpp"

#include <algorithm>
#include <map>
#include <vector>

namespace itbound::data {
namespace {

// Streams JSON text: `first` per open object or array decides the separator; numbers through append_number.
class TextWriter final : public FieldVisitor {
public:
  TextWriter(std::string& out, int indent, Detail detail) : out_(out), indent_(indent), detail_(detail) {}

  void top(const std::function<void(FieldVisitor&)>& fields) {
    open('{');
    fields(*this);
    close('}');
  }

protected:
  void on_number(std::string_view name, double x, std::string_view, bool) override {
    key(name);
    append_number(out_, x);
  }
  void on_integer(std::string_view name, std::int64_t x, std::string_view, bool) override {
    key(name);
    out_ += std::to_string(x);
  }
  void on_boolean(std::string_view name, bool x, std::string_view, bool) override {
    key(name);
    out_ += x ? "true" : "false";
  }
  void on_text(std::string_view name, std::string_view x, std::string_view, bool) override {
    key(name);
    append_string(out_, x);
  }
  void on_texts(std::string_view name, std::span<const std::string> x, std::string_view) override {
    key(name);
    out_ += '[';
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (i) out_ += indent_ < 0 ? "," : ", ";
      append_string(out_, x[i]);
    }
    out_ += ']';
  }
  void on_array(std::string_view name, std::span<const double> x, std::span<const std::size_t> shape,
                std::string_view, bool) override {
    key(name);
    write_array(x, shape);
  }
  void on_object(std::string_view name, std::string_view, std::string_view, const Fields& fields, bool present, bool,
                 bool) override {
    key(name);
    if (!present) {
      out_ += "null";
      return;
    }
    open('{');
    fields(*this);
    close('}');
  }
  void on_list(std::string_view name, std::string_view, std::string_view, std::size_t size,
               const Element& element) override {
    key(name);
    open('[');
    for (std::size_t i = 0; i < size; ++i) {
      separator();
      open('{');
      element(i, *this);
      close('}');
    }
    close(']');
  }
  void on_null(std::string_view name, FieldType, std::string_view) override {
    key(name);
    out_ += "null";
  }
  void on_verbose(const std::function<void()>& fields) override {
    if (detail_ == Detail::full) fields();
  }

private:
  void newline() {
    if (indent_ < 0) return;
    out_ += '\n';
    out_.append(static_cast<std::size_t>(indent_) * first_.size(), ' ');
  }
  void separator() {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }
  void key(std::string_view name) {
    separator();
    append_string(out_, name);
    out_ += indent_ < 0 ? ":" : ": ";
  }
  void open(char c) {
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += c;
  }
  // Rows of a matrix on their own lines, the numbers of a row on one line.
  void write_array(std::span<const double> x, std::span<const std::size_t> shape) {
    out_ += '[';
    if (shape.size() <= 1) {
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (i) out_ += indent_ < 0 ? "," : ", ";
        append_number(out_, x[i]);
      }
    } else {
      std::size_t stride = 1;
      for (std::size_t d = 1; d < shape.size(); ++d) stride *= shape[d];
      first_.push_back(true);
      for (std::size_t r = 0; r < shape[0]; ++r) {
        if (r) out_ += ',';
        newline();
        write_array(x.subspan(r * stride, stride), shape.subspan(1));
      }
      first_.pop_back();
      if (shape[0] > 0) newline();
    }
    out_ += ']';
  }

  std::string& out_;
  int indent_;
  Detail detail_;
  std::vector<bool> first_;
};

// Builds a Json value: `at_` is the object or array being filled.
class Builder final : public FieldVisitor {
public:
  explicit Builder(Json& root) : at_(&root) {}

protected:
  void on_number(std::string_view name, double x, std::string_view, bool) override { put(name, x); }
  void on_integer(std::string_view name, std::int64_t x, std::string_view, bool) override { put(name, x); }
  void on_boolean(std::string_view name, bool x, std::string_view, bool) override { put(name, x); }
  void on_text(std::string_view name, std::string_view x, std::string_view, bool) override { put(name, std::string(x)); }
  void on_texts(std::string_view name, std::span<const std::string> x, std::string_view) override {
    put(name, Json(std::vector<std::string>(x.begin(), x.end())));
  }
  void on_array(std::string_view name, std::span<const double> x, std::span<const std::size_t> shape,
                std::string_view, bool) override {
    put(name, nested(x, shape));
  }
  void on_object(std::string_view name, std::string_view, std::string_view, const Fields& fields, bool present, bool,
                 bool) override {
    if (!present) return put(name, nullptr);
    Json child = Json::object();
    fill(child, [&] { fields(*this); });
    put(name, std::move(child));
  }
  void on_list(std::string_view name, std::string_view, std::string_view, std::size_t size,
               const Element& element) override {
    Json items = Json::array();
    for (std::size_t i = 0; i < size; ++i) {
      Json child = Json::object();
      fill(child, [&] { element(i, *this); });
      items.push_back(std::move(child));
    }
    put(name, std::move(items));
  }
  void on_null(std::string_view name, FieldType, std::string_view) override { put(name, nullptr); }

private:
  void put(std::string_view name, Json value) { (*at_)[std::string(name)] = std::move(value); }
  template <class F>
  void fill(Json& target, F&& f) {
    Json* saved = at_;
    at_ = &target;
    f();
    at_ = saved;
  }
  static Json nested(std::span<const double> x, std::span<const std::size_t> shape) {
    if (shape.size() <= 1) return Json(std::vector<double>(x.begin(), x.end()));
    std::size_t stride = 1;
    for (std::size_t d = 1; d < shape.size(); ++d) stride *= shape[d];
    Json rows = Json::array();
    for (std::size_t r = 0; r < shape[0]; ++r) rows.push_back(nested(x.subspan(r * stride, stride), shape.subspan(1)));
    return rows;
  }
  Json* at_;
};

// JSON Schema of the fields: named object types go to $defs once; reals admit the strings JSON uses for
// non-finite numbers.
class SchemaBuilder final : public FieldVisitor {
public:
  SchemaBuilder(Json& defs, Json& object) : defs_(defs), at_(&object) {}

protected:
  void on_number(std::string_view name, double, std::string_view doc, bool nullable) override {
    put(name, Json{{"$ref", "#/$defs/Real"}}, doc, nullable);
  }
  void on_integer(std::string_view name, std::int64_t, std::string_view doc, bool nullable) override {
    put(name, Json{{"type", "integer"}}, doc, nullable);
  }
  void on_boolean(std::string_view name, bool, std::string_view doc, bool nullable) override {
    put(name, Json{{"type", "boolean"}}, doc, nullable);
  }
  void on_text(std::string_view name, std::string_view, std::string_view doc, bool nullable) override {
    put(name, Json{{"type", "string"}}, doc, nullable);
  }
  void on_texts(std::string_view name, std::span<const std::string>, std::string_view doc) override {
    put(name, Json{{"type", "array"}, {"items", {{"type", "string"}}}}, doc, false);
  }
  void on_array(std::string_view name, std::span<const double>, std::span<const std::size_t> shape,
                std::string_view doc, bool nullable) override {
    Json s = {{"$ref", "#/$defs/Real"}};
    for (std::size_t d = 0; d < std::max<std::size_t>(shape.size(), 1); ++d) s = {{"type", "array"}, {"items", s}};
    put(name, std::move(s), doc, nullable);
  }
  void on_object(std::string_view name, std::string_view type, std::string_view doc, const Fields& fields, bool,
                 bool nullable, bool open) override {
    put(name, define(type, fields, open), doc, nullable);
  }
  void on_list(std::string_view name, std::string_view type, std::string_view doc, std::size_t,
               const Element& element) override {
    const Json item = define(type, [&](FieldVisitor& w) { element(kPrototype, w); }, false);
    put(name, Json{{"type", "array"}, {"items", item}}, doc, false);
  }
  void on_null(std::string_view name, FieldType type, std::string_view doc) override {
    static const std::map<FieldType, Json> simple = {
        {FieldType::number, {{"$ref", "#/$defs/Real"}}},
        {FieldType::integer, {{"type", "integer"}}},
        {FieldType::boolean, {{"type", "boolean"}}},
        {FieldType::text, {{"type", "string"}}},
        {FieldType::texts, {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {FieldType::array, {{"type", "array"}}},
        {FieldType::object, {{"type", "object"}}},
        {FieldType::list, {{"type", "array"}}}};
    put(name, simple.at(type), doc, true);
  }
  void on_verbose(const std::function<void()>& fields) override {
    const bool saved = verbose_;
    verbose_ = true;
    fields();
    verbose_ = saved;
  }

private:
  void put(std::string_view name, Json schema, std::string_view doc, bool nullable) {
    if (nullable) schema = {{"anyOf", Json::array({std::move(schema), {{"type", "null"}}})}};
    if (!doc.empty()) schema["description"] = std::string(doc) + (verbose_ ? " (Full output only.)" : "");
    (*at_)["properties"][std::string(name)] = std::move(schema);
    if (!verbose_) (*at_)["required"].push_back(std::string(name));
  }
  // A $ref to the type's definition, written on first use.
  Json define(std::string_view type, const Fields& fields, bool open) {
    const std::string key(type);
    if (!defs_.contains(key)) {
      Json object = {{"type", "object"}};
      if (open) {
        object["additionalProperties"] = {{"anyOf", Json::array({{{"$ref", "#/$defs/Real"}}, {{"type", "integer"}},
                                                                 {{"type", "boolean"}}, {{"type", "string"}}})}};
      } else {
        object["properties"] = Json::object();
        object["required"] = Json::array();
        object["additionalProperties"] = false;
        defs_[key] = Json::object();  // placeholder against recursion
        Json* saved = at_;
        const bool saved_verbose = verbose_;  // a type's own fields are required wherever it is used
        at_ = &object;
        verbose_ = false;
        fields(*this);
        at_ = saved;
        verbose_ = saved_verbose;
      }
      defs_[key] = std::move(object);
    }
    return {{"$ref", "#/$defs/" + key}};
  }
  Json& defs_;
  Json* at_;
  bool verbose_ = false;  // inside a verbose section: described, not required
};

}  // namespace

void append_json(std::string& out, const Report& report, int indent, Detail detail) {
  TextWriter(out, indent, detail).top([&](FieldVisitor& v) { report.visit(v); });
}

std::string to_json_text(const Report& report, int indent, Detail detail) {
  std::string out;
  append_json(out, report, indent, detail);
  return out;
}

Json to_json(const Report& report) {
  Json root = Json::object();
  Builder b(root);
  report.visit(b);
  return root;
}

Json to_json(const Certificate& certificate) { return to_json(Report("certificate", certificate)); }

Json json_schema(const Report& prototype, const std::string& title) {
  Json defs = {{"Real", {{"anyOf", Json::array({{{"type", "number"}}, {{"enum", {"nan", "inf", "-inf"}}}})},
                         {"description", "A real number; JSON has no literal for NaN and infinities, written as strings."}}}};
  Json object = {{"type", "object"}, {"properties", Json::object()}, {"required", Json::array()},
                 {"additionalProperties", false}};
  SchemaBuilder b(defs, object);
  prototype.visit(b);
  Json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"title", title}};
  for (auto it = object.begin(); it != object.end(); ++it) schema[it.key()] = it.value();
  schema["$defs"] = std::move(defs);
  return schema;
}

}  // namespace itbound::data
