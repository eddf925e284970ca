# berth_npm_ci(<package dir> <install dir> <what> <result var>): `npm ci` of the package.json and
# package-lock.json in <package dir> into <install dir>/node_modules at configure time, again
# only when the lockfile changed (a stamp file holds the hash of the lockfile installed). Sets
# <result var> to ON when the install is there. <what> names the packages in messages.
# Needs BERTH_NPM (find_program(BERTH_NPM npm)).
function(berth_npm_ci package_dir install_dir what result_var)
  set(stamp ${install_dir}/installed.stamp)
  file(SHA256 ${package_dir}/package-lock.json lock_hash)
  set(installed_hash "")
  if(EXISTS ${stamp})
    file(READ ${stamp} installed_hash)
  endif()
  if(NOT installed_hash STREQUAL lock_hash)
    message(STATUS "npm ci: ${what} into ${install_dir}")
    file(REMOVE_RECURSE ${install_dir})
    file(COPY ${package_dir}/package.json ${package_dir}/package-lock.json
         DESTINATION ${install_dir})
    # --ignore-scripts: the packages Berth uses are plain JavaScript and need no install step
    # (playwright-core's would not run anyway: it has none that downloads a browser).
    execute_process(COMMAND ${BERTH_NPM} ci --ignore-scripts --no-audit --no-fund
                    WORKING_DIRECTORY ${install_dir}
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    if(rc EQUAL 0)
      file(WRITE ${stamp} ${lock_hash})
    else()
      message(WARNING "npm ci of ${what} failed (${rc}): ${err}")
    endif()
  endif()
  if(EXISTS ${stamp})
    set(${result_var} ON PARENT_SCOPE)
  else()
    set(${result_var} OFF PARENT_SCOPE)
  endif()
endfunction()
