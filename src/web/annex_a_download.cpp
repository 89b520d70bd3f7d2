// GET /annex-a: Ofsted's Annex A workbook (returns/annex_a) as a download, for the children the
// user may see: an analyst's scope is the council, an inspector's is what their grants cover.
// Audited as a download naming every child the workbook lists.
#include <shared_mutex>

#include "access/scope.h"
#include "returns/annex_a/annex_a.h"
#include "store/chronology_store.h"
#include "store/settings.h"
#include "web/handlers.h"
#include "web/page_kit.h"

namespace cairn::web {

http::Response AnnexADownload(Context& context) {
  static const Result<returns::annex_a::Guidance> guidance = returns::annex_a::LoadGuidance();
  if (!guidance.ok()) return ErrorResponse(500, guidance.status().message(), context.api);
  const access::Principal& who = context.session->principal;

  returns::annex_a::Lists lists;
  {
    std::shared_lock lock(context.council_mutex);
    const Council& council = context.council;
    // Scope is applied where the children are chosen: today's place decides, whatever the date.
    std::vector<size_t> children;
    for (size_t i = 0; i < council.size(); ++i) {
      if (access::CanSee(who, council.chronology(i).child().la_child_id, council.place(i), context.restrictions)) {
        children.push_back(i);
      }
    }
    const access::CouncilDirectory& directory = council.directory();
    lists = returns::annex_a::BuildLists(*guidance, {council.chronologies(), std::move(children), directory.workers(),
                                                     directory.teams()},
                                         context.as_at);
  }
  returns::annex_a::About about;
  if (Result<std::optional<std::string>> name = store::GetSetting(context.db, "la-name"); name.ok() && *name) {
    about.council_name = **name;
  }
  if (Result<std::optional<std::string>> code = store::GetSetting(context.db, "la-code"); code.ok() && *code) {
    about.la_code = **code;
  }
  about.made_by = who.username + " (" + who.role->title + ")";
  about.made_on = store::UtcTimestamp();
  Result<std::string> workbook = returns::annex_a::WriteWorkbook(lists, about);
  if (!workbook.ok()) return ErrorResponse(500, workbook.status().message(), context.api);

  http::Response response;
  response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  response.body = std::move(*workbook);
  response.SetHeader("Content-Disposition",
                     "attachment; filename=\"annex-a-" + context.as_at.ToIso() + ".xlsx\"");
  size_t rows = 0;
  std::vector<std::string> listed;
  for (const returns::annex_a::Sheet& sheet : lists.sheets) {
    rows += sheet.rows.size();
    listed.insert(listed.end(), sheet.children.begin(), sheet.children.end());
  }
  std::sort(listed.begin(), listed.end());
  listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
  context.audit_action = "download-annex-a";
  context.audit_detail = "annex-a as at " + context.as_at.ToIso() + ": " + std::to_string(rows) + " rows, " +
                         std::to_string(listed.size()) + " children";
  context.audit_children = std::move(listed);
  return response;
}

}  // namespace cairn::web
