// RECALL: a producer takes back a delayed message while it is still parked in the timer
// (RocketMQ 5's RecallMessage; transport-grpc's recall handles name one). The timer service
// checks the message's topic and id and stores the recall (timer_service::recall), so that it
// is never delivered, a restart included.
#pragma once

#include "protocol/router.hpp"
#include "timer/timer_service.hpp"

namespace berth::kernel::produce {

// `timer` outlives the router's use.
void add_recall_handler(protocol::router& routes, timer::timer_service& timer);

}  // namespace berth::kernel::produce
