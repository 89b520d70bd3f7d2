#include "base/embedded.h"

namespace cairn::embedded {

const Resource* Find(const std::vector<Resource>& set, std::string_view path) {
  for (const Resource& resource : set) {
    if (resource.path == path) return &resource;
  }
  return nullptr;
}

}  // namespace cairn::embedded
