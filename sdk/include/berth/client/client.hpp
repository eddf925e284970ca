// The C++ client of Berth in one include: producer, push_consumer, pull_consumer,
// simple_consumer, admin, and the types they share (sdk/client/README.md).
#pragma once

#include <berth/client/admin.hpp>
#include <berth/client/credentials.hpp>
#include <berth/client/error.hpp>
#include <berth/client/message.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/pull_consumer.hpp>
#include <berth/client/push_consumer.hpp>
#include <berth/client/simple_consumer.hpp>
#include <berth/client/tls.hpp>
#include <berth/client/types.hpp>
