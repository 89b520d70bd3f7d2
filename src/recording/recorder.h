// Recording casework as it happens: a new event on a child's chronology, a correction of one
// (with a reason, keeping the version it replaced), or its withdrawal (entered in error; kept,
// marked). One path for the browser, the API and `cairn record`, so all three check alike:
//
//   1. every field against its form (data/recording/forms.toml): dates, codes, flags, lengths,
//      UTF-8, what is required;
//   2. the dates against each other and the child: no end before its start, no date before the
//      start, nothing in the future but targets, nothing before birth; a value recorded with a
//      date (REC with DEC) only with that date; a plan or assessment inside an open referral;
//   3. findings the DfE's validators would raise (postcodes a looked-after episode needs, rule
//      392b) and what a manager would question (a visit where the child was not seen), shown
//      before saving: the entry is saved only once they have been seen (Entry::confirmed);
//   4. for a correction, the version the user started from: if someone saved since, nothing is
//      saved and the outcome carries the event as it now stands, so the user's entry is not lost.
//
// Each save is one transaction: the event, its previous version and the audit row (identifiers
// only: never a note) commit together or not at all. The outcome carries the child's
// chronology as saved, so a caller holding the council in memory re-evaluates that child alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "model/chronology.h"
#include "recording/forms.h"
#include "store/chronology_store.h"
#include "store/database.h"

namespace cairn::recording {

// What someone asks to record: values as typed, by field name. A code list field (assessment
// factors) may be given once per code or once with the codes comma-separated.
struct Entry {
  std::vector<std::pair<std::string, std::string>> values;
  bool confirmed = false;  // the findings were shown: save despite them
};

struct FieldMessage {
  std::string field;    // the form's field name, or "" for the entry as a whole
  std::string message;  // a sentence a social worker understands
};

struct Outcome {
  enum class Kind {
    kSaved,
    kRefused,            // errors: nothing saved
    kNeedsConfirmation,  // findings not yet seen: nothing saved
    kStale,              // someone saved the event since the user's version: nothing saved
  };
  Kind kind = Kind::kRefused;
  std::vector<FieldMessage> errors;
  std::vector<FieldMessage> findings;
  int64_t event_id = 0;  // the event saved, corrected or withdrawn
  int64_t revision = 0;  // its version now
  // kStale: the event as it now stands; nullopt when it has been withdrawn since.
  std::optional<model::Event> current;
  // kSaved: the child's chronology as saved.
  std::optional<model::Chronology> chronology;

  bool saved() const { return kind == Kind::kSaved; }
};

// The values an event holds, as the form names them (dates ISO), for filling a correction form.
std::vector<std::pair<std::string, std::string>> ValuesOf(const Form& form, const model::Event& event);

class Recorder {
 public:
  explicit Recorder(FormCatalogue forms) : forms_(std::move(forms)) {}
  // With the built-in forms, offering the codes of the collection year containing `today`.
  static Result<Recorder> BuiltIn(Date today);

  const FormCatalogue& forms() const { return forms_; }

  // Records a new event of `kind` for the child. NotFound when the child or the kind (or a form
  // for it) does not exist; a database failure is an error Status. `context` names who (and the
  // route) for the audit row.
  Result<Outcome> Record(store::Connection& db, std::string_view la_child_id, model::EventKind kind,
                         const Entry& entry, Date today, const store::ChangeContext& context) const;
  // Corrects event `event_id` of the child, made from version `expected_revision`;
  // context.reason must say why (an error on the field "reason" otherwise). Fields the entry
  // does not name keep their values; a field named with an empty value is cleared.
  Result<Outcome> Correct(store::Connection& db, std::string_view la_child_id, int64_t event_id,
                          int64_t expected_revision, const Entry& entry, Date today,
                          const store::ChangeContext& context) const;
  // Withdraws event `event_id` (entered in error), from version `expected_revision`, with a reason.
  Result<Outcome> Withdraw(store::Connection& db, std::string_view la_child_id, int64_t event_id,
                           int64_t expected_revision, const store::ChangeContext& context) const;

  // The checks alone, saving nothing: `replacing` is the event a correction starts from (nullptr
  // for a new one). Fills errors and findings; returns the event as it would be saved.
  model::Event Check(const Form& form, const model::Chronology& chronology, const Entry& entry, Date today,
                     const model::Event* replacing, Outcome& outcome) const;

 private:
  FormCatalogue forms_;
};

}  // namespace cairn::recording
