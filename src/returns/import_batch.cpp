#include "returns/import_batch.h"

namespace cairn::returns {

std::string Problem::ToString() const {
  std::string text = file;
  if (line > 0) text += " line " + std::to_string(line);
  // A CSV line says where; an XML path says more than an XML line (a return is often one line).
  if (!location.empty() && (line == 0 || location.front() == '/')) text += " " + location;
  if (!field.empty()) text += ", field " + field;
  if (!value.empty()) text += ", value '" + value + "'";
  text += ": " + message;
  if (!child.empty()) text += " (child " + child + ")";
  return text;
}

}  // namespace cairn::returns
