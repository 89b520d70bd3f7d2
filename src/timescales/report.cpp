#include "timescales/report.h"

#include "base/json_text.h"
#include "returns/csv.h"

namespace cairn::timescales {
namespace {

// Child ids and worker ids come from imported files, which Cairn keeps byte for byte.
void AppendJsonText(std::string& out, std::string_view text) { AppendJsonStringRepairingUtf8(text, out); }

void AppendJsonDate(std::string& out, const std::optional<Date>& date) {
  if (date) {
    out += '"';
    out += date->ToIso();
    out += '"';
  } else {
    out += "null";
  }
}

std::string DateOrDash(const std::optional<Date>& date) { return date ? date->ToIso() : "-"; }

std::string JoinedEvidence(const DriftSignal& signal) {
  std::string joined;
  for (const Evidence& evidence : signal.evidence) {
    if (!joined.empty()) joined += "; ";
    joined += DescribeEvidence(evidence);
  }
  return joined;
}

}  // namespace

std::string ObligationJson(std::string_view child, const Obligation& obligation, const RuleSet& rules) {
  std::string out = "{\"child\":";
  AppendJsonText(out, child);
  out += ",\"rule\":";
  AppendJsonText(out, rules.rules()[obligation.rule].id);
  out += ",\"trigger\":";
  AppendJsonDate(out, obligation.trigger);
  out += ",\"due\":";
  AppendJsonDate(out, obligation.due);
  out += ",\"done\":";
  AppendJsonDate(out, obligation.done);
  out += ",\"status\":";
  AppendJsonText(out, StatusName(obligation.status));
  out += ",\"days\":";
  out += std::to_string(obligation.days);
  out += '}';
  return out;
}

std::string SignalJson(std::string_view child, const DriftSignal& signal, const RuleSet& rules) {
  std::string out = "{\"child\":";
  AppendJsonText(out, child);
  out += ",\"signal\":";
  AppendJsonText(out, rules.signals()[signal.signal].id);
  out += ",\"since\":";
  AppendJsonDate(out, signal.since);
  out += ",\"evidence\":[";
  for (size_t i = 0; i < signal.evidence.size(); ++i) {
    const Evidence& evidence = signal.evidence[i];
    if (i > 0) out += ',';
    out += "{\"what\":";
    AppendJsonText(out, evidence.what);
    out += ",\"date\":";
    AppendJsonDate(out, evidence.date);
    out += ",\"end\":";
    AppendJsonDate(out, evidence.end);
    out += ",\"note\":";
    AppendJsonText(out, evidence.note);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string ObligationCsvHeader() { return "child,rule,trigger,due,done,status,days"; }

std::vector<std::string> ObligationCells(std::string_view child, const Obligation& obligation, const RuleSet& rules) {
  return {std::string(child),
          rules.rules()[obligation.rule].id,
          obligation.trigger.ToIso(),
          obligation.due.ToIso(),
          DateOrDash(obligation.done),
          std::string(StatusName(obligation.status)),
          std::to_string(obligation.days)};
}

std::string ObligationCsv(std::string_view child, const Obligation& obligation, const RuleSet& rules) {
  std::vector<std::string> cells = ObligationCells(child, obligation, rules);
  if (!obligation.done) cells[4].clear();
  return FormatCsvFields(cells);
}

std::string SignalCsvHeader() { return "child,signal,since,evidence"; }

std::vector<std::string> SignalCells(std::string_view child, const DriftSignal& signal, const RuleSet& rules) {
  return {std::string(child), rules.signals()[signal.signal].id, signal.since.ToIso(), JoinedEvidence(signal)};
}

std::string SignalCsv(std::string_view child, const DriftSignal& signal, const RuleSet& rules) {
  const std::vector<std::string> cells = SignalCells(child, signal, rules);
  return FormatCsvFields(cells);
}

std::string DescribeEvidence(const Evidence& evidence) {
  std::string text = evidence.what + " " + evidence.date.ToIso();
  if (evidence.end) text += " to " + evidence.end->ToIso();
  if (!evidence.note.empty()) text += " (" + evidence.note + ")";
  return text;
}

}  // namespace cairn::timescales
