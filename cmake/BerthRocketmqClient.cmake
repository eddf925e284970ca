# The official RocketMQ 5 Node.js client (npm rocketmq-client-nodejs, pinned by
# tests/compat/package-lock.json), installed with `npm ci` into the build tree at configure time.
# transport-grpc compiles the .proto files the package ships (they are not in this repository);
# tests/compat runs the client against berthd.
#
# Sets BERTH_RMQ_CLIENT_FOUND, BERTH_RMQ_NODE_MODULES (the node_modules folder) and
# BERTH_RMQ_PROTO_DIR (the import root of apache/rocketmq/v2/*.proto).

set(_rmq_package_dir ${CMAKE_SOURCE_DIR}/tests/compat)
set(_rmq_install_dir ${CMAKE_BINARY_DIR}/npm-rocketmq)
set(BERTH_RMQ_NODE_MODULES ${_rmq_install_dir}/node_modules)
set(BERTH_RMQ_PROTO_DIR ${BERTH_RMQ_NODE_MODULES}/rocketmq-client-nodejs/proto)
set(BERTH_RMQ_CLIENT_FOUND OFF)

find_program(BERTH_NPM npm)
set(_rmq_stamp ${_rmq_install_dir}/installed.stamp)
if(BERTH_NPM)
  # Install again only when the lockfile changed.
  file(SHA256 ${_rmq_package_dir}/package-lock.json _rmq_lock_hash)
  set(_rmq_installed_hash "")
  if(EXISTS ${_rmq_stamp})
    file(READ ${_rmq_stamp} _rmq_installed_hash)
  endif()
  if(NOT _rmq_installed_hash STREQUAL _rmq_lock_hash)
    message(STATUS "npm ci: rocketmq-client-nodejs into ${_rmq_install_dir}")
    file(REMOVE_RECURSE ${_rmq_install_dir})
    file(COPY ${_rmq_package_dir}/package.json ${_rmq_package_dir}/package-lock.json
         DESTINATION ${_rmq_install_dir})
    # --ignore-scripts: the client and its dependencies are plain JavaScript.
    execute_process(COMMAND ${BERTH_NPM} ci --ignore-scripts --no-audit --no-fund
                    WORKING_DIRECTORY ${_rmq_install_dir}
                    RESULT_VARIABLE _rmq_rc OUTPUT_QUIET ERROR_VARIABLE _rmq_err)
    if(_rmq_rc EQUAL 0)
      file(WRITE ${_rmq_stamp} ${_rmq_lock_hash})
    else()
      message(WARNING "npm ci of rocketmq-client-nodejs failed (${_rmq_rc}): ${_rmq_err}")
    endif()
  endif()
  if(EXISTS ${_rmq_stamp} AND EXISTS ${BERTH_RMQ_PROTO_DIR}/apache/rocketmq/v2/service.proto)
    set(BERTH_RMQ_CLIENT_FOUND ON)
  endif()
else()
  message(STATUS "npm not found: no rocketmq-client-nodejs (transport-grpc and tests/compat are skipped)")
endif()
