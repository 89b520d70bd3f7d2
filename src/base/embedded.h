// Files compiled into the binary (see cmake/embed.cmake), so Cairn runs from its executable
// alone. Each resource set is a sorted list of {path relative to its folder, full text}.
#pragma once

#include <string_view>
#include <vector>

namespace cairn::embedded {

struct Resource {
  std::string_view path;  // e.g. "0001_initial.sql" or "calendar/england-and-wales.toml"
  std::string_view text;
};

// store/migrations/*.sql, sorted by file name.
const std::vector<Resource>& Migrations();
// data/**/*.toml: calendars, rules, code lists, profiles.
const std::vector<Resource>& Data();
// The files the web server sends to browsers, built from web/src at build time
// (cmake/frontend.cmake): "app.js" (htmx, the CSRF header and the charts, bundled and minified
// by esbuild) and "cairn.css". Both are UTF-8 (the bundle is not pure ASCII: esbuild leaves
// characters in regular expressions as they are), so serve them with charset=utf-8, as they
// are, from Cairn's own origin.
const std::vector<Resource>& Static();

// src/web/templates/*.mustache: the pages' Mustache templates.
const std::vector<Resource>& Templates();

// The resource at `path` in `set`, or nullptr.
const Resource* Find(const std::vector<Resource>& set, std::string_view path);

}  // namespace cairn::embedded
