# The browser side of Cairn: web/src/app.js (htmx glue and charts) bundled by esbuild into one
# minified app.js, and web/src/cairn.css copied beside it, in <build>/web/. src/CMakeLists.txt
# embeds both into cairn_core as the resource set Static (cairn::embedded::Static()), so the
# server serves them from the binary and nothing is fetched at run time.
#
# esbuild comes from npm (web/package-lock.json), installed into web/node_modules by
# scripts/bootstrap; configuring without it stops here and says so.

set(CAIRN_WEB_DIR "${PROJECT_SOURCE_DIR}/web")
set(CAIRN_ESBUILD "${CAIRN_WEB_DIR}/node_modules/.bin/esbuild")
if(NOT EXISTS "${CAIRN_ESBUILD}")
  message(FATAL_ERROR
    "Cairn's front end cannot be built: web/node_modules is missing (no ${CAIRN_ESBUILD}).\n"
    "Run scripts/bootstrap, which installs Node.js from Debian if need be and then the "
    "front end's packages from web/package-lock.json (npm ci), then configure again.")
endif()

# cairn_web_bundle(OUTPUT_DIR <dir> FILES <out-var>)
#
# Declares the commands that build app.js and cairn.css into OUTPUT_DIR and sets <out-var> to
# the two built files. Call it in the same CMakeLists.txt as the target that uses the files
# (custom commands are only run for targets in their own directory).
#
# The bundle is rebuilt when any file under web/src changes, or when the installed packages do
# (npm rewrites node_modules/.package-lock.json on every install). esbuild's output depends
# only on its inputs and options (no timestamps, no absolute paths once minified), so the same
# sources give the same bytes.
function(cairn_web_bundle)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR;FILES" "" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CAIRN_WEB_DIR}/src/*")
  set(installed "${CAIRN_WEB_DIR}/package-lock.json")
  if(EXISTS "${CAIRN_WEB_DIR}/node_modules/.package-lock.json")
    list(APPEND installed "${CAIRN_WEB_DIR}/node_modules/.package-lock.json")
  endif()
  set(js "${ARG_OUTPUT_DIR}/app.js")
  set(css "${ARG_OUTPUT_DIR}/cairn.css")
  add_custom_command(
    OUTPUT "${js}"
    COMMAND "${CAIRN_ESBUILD}" src/app.js --bundle --minify --format=iife --target=es2020
            --legal-comments=eof --log-level=warning "--outfile=${js}"
    DEPENDS ${sources} ${installed}
    WORKING_DIRECTORY "${CAIRN_WEB_DIR}"
    COMMENT "Bundling web/src/app.js with esbuild"
    VERBATIM)
  add_custom_command(
    OUTPUT "${css}"
    COMMAND ${CMAKE_COMMAND} -E copy "${CAIRN_WEB_DIR}/src/cairn.css" "${css}"
    DEPENDS "${CAIRN_WEB_DIR}/src/cairn.css"
    COMMENT "Copying web/src/cairn.css"
    VERBATIM)
  set(${ARG_FILES} "${js};${css}" PARENT_SCOPE)
endfunction()
