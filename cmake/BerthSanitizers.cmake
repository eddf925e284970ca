# Sanitizer and fuzzer switches apply to everything built in this tree, plugins included, so
# that a plugin and the host share one runtime.
if(BERTH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(BERTH_SANITIZED=1)
endif()

if(BERTH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BERTH_FUZZ needs clang: configure with CC=clang CXX=clang++")
  endif()
  # Libraries get coverage instrumentation; each fuzz target links the libFuzzer main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(BERTH_FUZZING=1)
endif()
