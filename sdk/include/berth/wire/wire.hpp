// The native protocol codec (docs/protocol.md, version 1): header-only, standard library
// only, shared by the broker, the transports and the C++ client.
//   codes.hpp       kinds, codes, statuses and their names
//   frame.hpp       the 24-byte header: encode, and the receiver's checks
//   writer.hpp      field encoding; frame_builder for whole frames
//   reader.hpp      bounds-checked field decoding with errors naming the field
//   gather.hpp      frames whose message bodies go out in a gathered write
//   message.hpp     message and stored_message
//   records.hpp     send_result, subscription, queue_state, group_queue and enumerations
//   bodies.hpp      every code's request, response and push body
//   transaction_bodies.hpp  END_TRANSACTION, PRODUCER_REGISTER, CHECK_TRANSACTION
//   pop_bodies.hpp  POP, ACK and CHANGE_INVISIBLE
//   retry_bodies.hpp  SEND_BACK
//   lock_bodies.hpp  LOCK_QUEUES, UNLOCK_QUEUES
//   body_types.hpp  the body type for a frame header
#pragma once

#include <berth/wire/bodies.hpp>
#include <berth/wire/body_types.hpp>
#include <berth/wire/codes.hpp>
#include <berth/wire/error.hpp>
#include <berth/wire/field.hpp>
#include <berth/wire/frame.hpp>
#include <berth/wire/gather.hpp>
#include <berth/wire/message.hpp>
#include <berth/wire/pop_bodies.hpp>
#include <berth/wire/retry_bodies.hpp>
#include <berth/wire/signing.hpp>
#include <berth/wire/lock_bodies.hpp>
#include <berth/wire/properties.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/records.hpp>
#include <berth/wire/transaction_bodies.hpp>
#include <berth/wire/writer.hpp>
