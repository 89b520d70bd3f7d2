// Fuzz target for the checks every recorded entry passes (src/recording/recorder.h), from a
// browser's form, the API or `cairn record`: whatever a client sends, Check() must return.
//
// The first byte picks one of Cairn's forms; the rest is read as a form body (http::ParseForm)
// and handed over as the entry, against a child born 2015-06-01 with an open referral, as at
// 2026-11-30. On a violation the target prints what broke and aborts.
//  * Every problem names a field of the form, a field the entry itself named, or the entry as a whole.
//  * An entry with no errors gives an event that starts on or before the as-at date and on or
//    after the child's birth, ends (if at all) on or after its start and on or before the as-at
//    date; every value is valid UTF-8; every coded value is one the form offers.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/json_text.h"
#include "http/message.h"
#include "recording/recorder.h"

namespace {

using cairn::Date;
using cairn::recording::Recorder;

const Date kToday = Date::FromYmdOrDie(2026, 11, 30);
const Date kBirth = Date::FromYmdOrDie(2015, 6, 1);

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "recording_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

const Recorder& TheRecorder() {
  static const Recorder recorder = [] {
    auto built = Recorder::BuiltIn(kToday);
    if (!built.ok()) Fail("the built-in forms do not load", built.status().message());
    return std::move(*built);
  }();
  return recorder;
}

const cairn::model::Chronology& TheChild() {
  static const cairn::model::Chronology child = [] {
    cairn::model::Chronology chronology(cairn::model::Child{.la_child_id = "F1", .birth_date = kBirth});
    cairn::model::Event referral{.kind = cairn::model::EventKind::kCinEpisode, .start = Date::FromYmdOrDie(2026, 1, 5)};
    referral.provenance.source = "cairn";
    chronology.Add(referral);
    return chronology;
  }();
  return child;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Recorder& recorder = TheRecorder();
  const auto& forms = recorder.forms().forms();
  const cairn::recording::Form& form = forms[data[0] % forms.size()];
  auto fields = cairn::http::ParseForm(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if (!fields.ok()) return 0;
  cairn::recording::Entry entry;
  entry.values = *fields;
  entry.confirmed = (data[0] & 0x80) != 0;
  cairn::recording::Outcome outcome;
  const cairn::model::Event event = recorder.Check(form, TheChild(), entry, kToday, nullptr, outcome);

  for (const auto& problem : outcome.errors) {
    // "": the entry as a whole (a case audit moderated by its own auditor).
    bool named = problem.field.empty() || form.Find(problem.field) != nullptr;
    for (const auto& [name, value] : entry.values) named = named || name == problem.field;
    if (!named) Fail("a problem names no field of the form or the entry", problem.field);
    if (problem.message.empty()) Fail("a problem without a message", problem.field);
  }
  if (!outcome.errors.empty()) return 0;
  if (event.start > kToday || event.start < kBirth) Fail("an event outside the child's life", event.start.ToIso());
  if (event.end && (*event.end < event.start || *event.end > kToday)) Fail("an end out of order", event.end->ToIso());
  for (const auto& field : event.fields) {
    if (!cairn::IsValidUtf8(field.value)) Fail("a value that is not UTF-8", field.name);
    const cairn::recording::FormField* spec = form.Find(field.name);
    if (spec == nullptr || spec->options.empty() || field.value.empty()) continue;
    size_t from = 0;
    while (from <= field.value.size()) {
      const size_t comma = std::min(field.value.find(',', from), field.value.size());
      if (!spec->Offers(field.value.substr(from, comma - from))) Fail("a code the form does not offer", field.name);
      from = comma + 1;
    }
  }
  return 0;
}
