# playwright-core (npm, pinned by tests/dashboard/package-lock.json) and Debian's Chromium, for
# tests/dashboard: a real headless browser loads berthd's admin dashboard. playwright-core is
# installed with `npm ci` into the build tree at configure time; it never downloads a browser
# (`npx playwright install` is never run): the browser is the chromium package.
#
# Sets BERTH_PLAYWRIGHT_FOUND, BERTH_PLAYWRIGHT_NODE_MODULES (the node_modules folder),
# BERTH_NODE and BERTH_CHROMIUM. Without node, npm or chromium it installs nothing and says so.
include(BerthNpm)

set(_pw_install_dir ${CMAKE_BINARY_DIR}/npm-playwright)
set(BERTH_PLAYWRIGHT_NODE_MODULES ${_pw_install_dir}/node_modules)
set(BERTH_PLAYWRIGHT_FOUND OFF)

find_program(BERTH_NPM npm)
find_program(BERTH_NODE node)
find_program(BERTH_CHROMIUM chromium)
if(BERTH_NPM AND BERTH_NODE AND BERTH_CHROMIUM)
  berth_npm_ci(${CMAKE_SOURCE_DIR}/tests/dashboard ${_pw_install_dir} playwright-core _pw_installed)
  if(_pw_installed AND EXISTS ${BERTH_PLAYWRIGHT_NODE_MODULES}/playwright-core/package.json)
    set(BERTH_PLAYWRIGHT_FOUND ON)
  endif()
endif()
