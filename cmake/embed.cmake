# cairn_embed(TARGET <library> NAME <resource-set> FILES <file>... BASE <dir>)
#
# Compiles files into the binary as a sorted table of {path, text} so that Cairn needs nothing
# beside its executable at run time (migrations, calendars, rules, code lists). Paths in the
# table are relative to BASE. The generated source lives in the build tree only.
function(cairn_embed)
  cmake_parse_arguments(ARG "" "TARGET;NAME;BASE" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${ARG_NAME}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAME=${ARG_NAME} -DBASE=${ARG_BASE} "-DFILES=${ARG_FILES}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_generate.cmake"
    DEPENDS ${ARG_FILES} "${PROJECT_SOURCE_DIR}/cmake/embed_generate.cmake"
    COMMENT "Embedding ${ARG_NAME} resources"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${out}")
endfunction()
