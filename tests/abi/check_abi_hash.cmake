# ctest: the ABI headers must hash to the line of their declared version in abi_versions.txt,
# and the frozen 1.0 copy (which old-ABI test plugins build from) must still be 1.0.
#   cmake -DSDK_ABI_DIR=... -DFROZEN_DIR=... -DVERSIONS=... -P check_abi_hash.cmake
function(headers_hash dir out)
  file(GLOB headers RELATIVE ${dir} ${dir}/*.h)
  list(SORT headers)
  set(text "")
  foreach(h IN LISTS headers)
    file(READ ${dir}/${h} content)
    string(APPEND text "${h}\n" "${content}")
  endforeach()
  string(SHA256 hash "${text}")
  set(${out} ${hash} PARENT_SCOPE)
endfunction()

function(listed_hash version out)
  file(STRINGS ${VERSIONS} lines REGEX "^${version} ")
  if(NOT lines)
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  string(REGEX REPLACE "^[0-9.]+ " "" hash "${lines}")
  set(${out} ${hash} PARENT_SCOPE)
endfunction()

file(STRINGS ${SDK_ABI_DIR}/berth_abi.h major_line REGEX "#define BERTH_ABI_MAJOR ")
file(STRINGS ${SDK_ABI_DIR}/berth_abi.h minor_line REGEX "#define BERTH_ABI_MINOR ")
string(REGEX MATCH "[0-9]+$" major "${major_line}")
string(REGEX MATCH "[0-9]+$" minor "${minor_line}")
set(version "${major}.${minor}")

headers_hash(${SDK_ABI_DIR} current)
listed_hash(${version} expected)
if(NOT expected)
  message(FATAL_ERROR "ABI ${version} is not listed in ${VERSIONS}: add the line\n${version} ${current}")
endif()
if(NOT current STREQUAL expected)
  message(FATAL_ERROR "sdk/include/berth/abi changed but BERTH_ABI_MINOR is still ${minor}: "
                      "bump it and add to ${VERSIONS} the line\n${major}.<new minor> ${current}")
endif()

headers_hash(${FROZEN_DIR} frozen)
listed_hash("1.0" frozen_expected)
if(NOT frozen STREQUAL frozen_expected)
  message(FATAL_ERROR "the frozen ABI 1.0 headers in ${FROZEN_DIR} were edited: they must stay "
                      "exactly as released")
endif()
message(STATUS "ABI ${version} headers match ${VERSIONS}; frozen 1.0 copy intact")
