#include "timescales/report.h"

#include <cstdio>

namespace cairn::timescales {
namespace {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendJsonDate(std::string& out, const std::optional<Date>& date) {
  if (date) {
    out += '"';
    out += date->ToIso();
    out += '"';
  } else {
    out += "null";
  }
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
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
  AppendJsonString(out, child);
  out += ",\"rule\":";
  AppendJsonString(out, rules.rules()[obligation.rule].id);
  out += ",\"trigger\":";
  AppendJsonDate(out, obligation.trigger);
  out += ",\"due\":";
  AppendJsonDate(out, obligation.due);
  out += ",\"done\":";
  AppendJsonDate(out, obligation.done);
  out += ",\"status\":";
  AppendJsonString(out, StatusName(obligation.status));
  out += ",\"days\":";
  out += std::to_string(obligation.days);
  out += '}';
  return out;
}

std::string SignalJson(std::string_view child, const DriftSignal& signal, const RuleSet& rules) {
  std::string out = "{\"child\":";
  AppendJsonString(out, child);
  out += ",\"signal\":";
  AppendJsonString(out, rules.signals()[signal.signal].id);
  out += ",\"since\":";
  AppendJsonDate(out, signal.since);
  out += ",\"evidence\":[";
  for (size_t i = 0; i < signal.evidence.size(); ++i) {
    const Evidence& evidence = signal.evidence[i];
    if (i > 0) out += ',';
    out += "{\"what\":";
    AppendJsonString(out, evidence.what);
    out += ",\"date\":";
    AppendJsonDate(out, evidence.date);
    out += ",\"end\":";
    AppendJsonDate(out, evidence.end);
    out += ",\"note\":";
    AppendJsonString(out, evidence.note);
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
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i == 0 ? "" : ",") + CsvField(cells[i]);
  return line;
}

std::string SignalCsvHeader() { return "child,signal,since,evidence"; }

std::vector<std::string> SignalCells(std::string_view child, const DriftSignal& signal, const RuleSet& rules) {
  return {std::string(child), rules.signals()[signal.signal].id, signal.since.ToIso(), JoinedEvidence(signal)};
}

std::string SignalCsv(std::string_view child, const DriftSignal& signal, const RuleSet& rules) {
  const std::vector<std::string> cells = SignalCells(child, signal, rules);
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i == 0 ? "" : ",") + CsvField(cells[i]);
  return line;
}

std::string DescribeEvidence(const Evidence& evidence) {
  std::string text = evidence.what + " " + evidence.date.ToIso();
  if (evidence.end) text += " to " + evidence.end->ToIso();
  if (!evidence.note.empty()) text += " (" + evidence.note + ")";
  return text;
}

}  // namespace cairn::timescales
