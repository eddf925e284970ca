# The official RocketMQ 5 Node.js client (npm rocketmq-client-nodejs, pinned by
# tests/compat/package-lock.json), installed with `npm ci` into the build tree at configure time.
# transport-grpc compiles the .proto files the package ships (they are not in this repository);
# tests/compat runs the client against berthd.
#
# Sets BERTH_RMQ_CLIENT_FOUND, BERTH_RMQ_NODE_MODULES (the node_modules folder) and
# BERTH_RMQ_PROTO_DIR (the import root of apache/rocketmq/v2/*.proto).
include(BerthNpm)

set(_rmq_package_dir ${CMAKE_SOURCE_DIR}/tests/compat)
set(_rmq_install_dir ${CMAKE_BINARY_DIR}/npm-rocketmq)
set(BERTH_RMQ_NODE_MODULES ${_rmq_install_dir}/node_modules)
set(BERTH_RMQ_PROTO_DIR ${BERTH_RMQ_NODE_MODULES}/rocketmq-client-nodejs/proto)
set(BERTH_RMQ_CLIENT_FOUND OFF)

find_program(BERTH_NPM npm)
if(BERTH_NPM)
  berth_npm_ci(${_rmq_package_dir} ${_rmq_install_dir} rocketmq-client-nodejs _rmq_installed)
  if(_rmq_installed AND EXISTS ${BERTH_RMQ_PROTO_DIR}/apache/rocketmq/v2/service.proto)
    set(BERTH_RMQ_CLIENT_FOUND ON)
  endif()
else()
  message(STATUS "npm not found: no rocketmq-client-nodejs (transport-grpc and tests/compat are skipped)")
endif()
