#include "produce/recall_handler.hpp"

#include "protocol/store_status.hpp"

#include <berth/wire/bodies.hpp>

namespace berth::kernel::produce {

void add_recall_handler(protocol::router& routes, timer::timer_service& timer) {
  routes.add(wire::code::recall,
             [&timer](const protocol::request& req, const protocol::responder& answer) {
               auto decoded = wire::decode<wire::recall_request>(req.body, req.header.code);
               if (!decoded) return answer.fail(decoded.error().status, decoded.error().message);
               const wire::recall_request& r = decoded.value();
               if (r.topic.empty() || r.message_id.empty()) {
                 return answer.fail(wire::status::invalid_argument,
                                    "RECALL names a topic and a message id");
               }
               timer.recall(r.topic, r.timer_offset, r.message_id, [answer](result<void> done) {
                 if (!done) {
                   return answer.fail(protocol::status_of_store_error(done.error().code),
                                      done.error().message);
                 }
                 answer.ok();
               });
             });
}

}  // namespace berth::kernel::produce
