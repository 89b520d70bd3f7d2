// The region's server: `cairn serve` on a region's PostgreSQL URL without a council (store/region.h
// ServedTarget). Its users, sessions and audit trail are in the region's own schema; its pages
// are the region's (every council's national indicators side by side, and the pooled,
// pseudonymised child-level extract), behind the permission region.read, checked like every other
// route in WebApp::Handle. Council pages are not served there: each council has its own server.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"
#include "indicators/compute.h"
#include "reports/region_pool.h"
#include "store/database.h"
#include "web/pages.h"

namespace cairn::web {

class Region {
 public:
  explicit Region(std::string region_url) : url_(std::move(region_url)) {}
  // The region's database URL, without a council.
  const std::string& url() const { return url_; }

  // One council's column of the side-by-side table.
  struct CouncilColumn {
    std::string council;  // three-digit DfE number
    size_t children = 0;  // in the council's record
    std::vector<indicators::IndicatorValue> values;  // catalogue order
    // England's published figure for each indicator id, where the council has imported the DfE's
    // figures (`cairn benchmarks import`).
    std::map<std::string, std::optional<double>> england;
  };

  // Every council's national indicators for the reporting year `year`, in council order. Each
  // council's are worked out once for its record generation and population setting, and kept
  // for each year asked for; each call records the read in every council's audit trail (as `cairn region
  // indicators` does), by "region:USERNAME". The region's pages are made one at a time: an extract
  // of a large region takes seconds, and the indicators wait for it.
  Result<std::vector<CouncilColumn>> Indicators(Context& context, int year);

  // The pooled, pseudonymised extract as at `as_at` (reports/region_pool.h), every council's
  // children in council order; each council's audit trail names its children in it, written
  // before this returns. `per_council` gets "343: 120, 344: 98".
  Result<std::vector<reports::PooledChild>> Pool(Context& context, Date as_at, std::string& per_council);

 private:
  // A connection to the council's schema, kept for the next request (opening one costs more than
  // the cached page); under mutex_.
  Result<store::Connection*> CouncilDb(const std::string& council);

  struct Cached {
    int64_t generation = 0;
    std::optional<std::string> population;
    CouncilColumn column;
  };
  std::string url_;
  std::mutex mutex_;
  std::optional<indicators::IndicatorEngine> engine_;  // under mutex_
  std::map<std::pair<std::string, int>, Cached> cache_;  // by council and year, under mutex_
  std::map<std::string, std::unique_ptr<store::Connection>> connections_;  // by council, under mutex_
};

// Whether the region's server answers the route `pattern`: signing in and out, the password,
// the home page, the region's pages, users and the audit trail. Every other route is a
// council's page, answered there with a page saying where it is served.
bool ServedOnRegion(std::string_view pattern);

// GET /region and /api/v1/region: the councils' indicators side by side (?year=YYYY, the
// reporting year by the year it ends; default the last complete by the page's date), England
// beside them where imported, and the form for the extract. On a council's server: 404.
http::Response RegionPage(Context& context);
// GET /region/children.csv?as-at=YYYY-MM-DD: the pooled, pseudonymised extract
// (reports/region_pool.h), every council's audit trail naming its children in it, the region's
// recording the download (counts only: the region holds no council's identifiers).
http::Response RegionChildrenDownload(Context& context);
// The home page of a role whose home is "region", and of every role but admin on the region's
// server: the region's page for those with region.read, else a page saying where their pages are.
http::Response RegionHome(Context& context);

}  // namespace cairn::web
