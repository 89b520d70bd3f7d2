// A small JSON writer for the API's hot pages (a child's record, the home lists): it appends to
// one string, with no tree of values to build and free, which made nlohmann::json most of the
// time a child's JSON took. Text that is not UTF-8 is written with U+FFFD in place of each bad
// byte, as the reports do, so the API never sends JSON a client cannot parse.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_text.h"

namespace cairn::web {

class JsonWriter {
 public:
  JsonWriter() { out_.reserve(4096); }

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }

  // The next member's name (inside an object).
  JsonWriter& Key(std::string_view name) {
    Separate();
    AppendText(name);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& String(std::string_view text) {
    Separate();
    AppendText(text);
    return *this;
  }
  JsonWriter& Int(int64_t value) {
    Separate();
    out_ += std::to_string(value);
    return *this;
  }
  // A finite number in its shortest exact form; NaN and infinities (never a figure) as null.
  JsonWriter& Double(double value) {
    Separate();
    if (!std::isfinite(value)) {
      out_ += "null";
    } else {
      char buffer[32];
      const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
      out_.append(buffer, written.ptr);
    }
    return *this;
  }
  JsonWriter& Bool(bool value) {
    Separate();
    out_ += value ? "true" : "false";
    return *this;
  }
  JsonWriter& Null() {
    Separate();
    out_ += "null";
    return *this;
  }
  // Key and value together.
  JsonWriter& Field(std::string_view name, std::string_view text) { return Key(name).String(text); }
  JsonWriter& Field(std::string_view name, const char* text) { return Key(name).String(text); }
  JsonWriter& Field(std::string_view name, int64_t value) { return Key(name).Int(value); }
  JsonWriter& Field(std::string_view name, int value) { return Key(name).Int(value); }
  JsonWriter& Field(std::string_view name, bool value) { return Key(name).Bool(value); }

  std::string Take() { return std::move(out_); }

 private:
  JsonWriter& Open(char c) {
    Separate();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  JsonWriter& Close(char c) {
    out_ += c;
    first_.pop_back();
    return *this;
  }
  // A comma before every value but the first of its object or array, and none after a key.
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (first_.back()) {
      first_.back() = false;
    } else {
      out_ += ',';
    }
  }
  void AppendText(std::string_view text) { AppendJsonStringRepairingUtf8(text, out_); }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace cairn::web
