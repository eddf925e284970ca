# berth_add_plugin(<kind> <name> SOURCES ... [OUTPUT_DIR dir] [LIBRARIES ...] [C])
#
# Builds libberth-<kind>-<name>.so from the given sources with hidden visibility and a version
# script, so that the library exports exactly one dynamic symbol: berth_plugin_entry. The
# library lands in BERTH_PLUGIN_OUTPUT_DIR (the build tree's lib/berth) unless OUTPUT_DIR says
# otherwise. Used by Berth's own plugins and, from the installed SDK, by third-party ones.
# The target is named berth-<kind>-<name>.
set(_BERTH_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(berth_add_plugin kind name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT kind MATCHES "^(transport|store|filter|auth|tracer)$")
    message(FATAL_ERROR "berth_add_plugin: unknown kind '${kind}'")
  endif()
  if(NOT name MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "berth_add_plugin: name '${name}' must match [a-z0-9_]+")
  endif()
  set(target berth-${kind}-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set(out_dir "${ARG_OUTPUT_DIR}")
  if(NOT out_dir)
    if(DEFINED BERTH_PLUGIN_OUTPUT_DIR)
      set(out_dir ${BERTH_PLUGIN_OUTPUT_DIR})
    else()
      set(out_dir ${CMAKE_BINARY_DIR}/lib/berth)
    endif()
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "berth-${kind}-${name}"
    LIBRARY_OUTPUT_DIRECTORY ${out_dir}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  set(version_script ${_BERTH_PLUGIN_CMAKE_DIR}/berth_plugin.map)
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${version_script}" "LINKER:-z,defs" "LINKER:--exclude-libs,ALL")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${version_script})
  if(TARGET berth::sdk)
    target_link_libraries(${target} PRIVATE berth::sdk)
  endif()
  if(ARG_LIBRARIES)
    target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  endif()
endfunction()
