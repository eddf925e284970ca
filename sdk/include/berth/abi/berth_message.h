/* berth_message.h: the read-only view of one stored message, shared by stores, filters and
 * tracers. All pointers are borrowed: they point into memory owned by whoever passed the view
 * (usually a store's mapped file) and are valid only for the duration of the call, or until the
 * read result they came from is released, as the passing hook documents.
 */
#ifndef BERTH_MESSAGE_H
#define BERTH_MESSAGE_H

#include "berth_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One user property. */
typedef struct berth_property {
  berth_str name;
  berth_str value;
} berth_property;

typedef struct berth_message_view {
  uint32_t struct_size;
  uint32_t queue_id;
  berth_str topic;
  uint64_t queue_offset;  /* index of the message in its queue */
  uint64_t log_offset;    /* byte position of its record in the commit log */
  int64_t born_time_ms;   /* producer clock, Unix epoch milliseconds */
  int64_t store_time_ms;  /* broker clock when appended */
  berth_str message_id;   /* broker-assigned id */
  berth_str tags;         /* empty when untagged */
  berth_str keys;         /* space-separated keys; empty when none */
  uint64_t tag_hash;      /* berth_tag_hash(tags) */
  const berth_property *properties; /* property_count user properties */
  uint32_t property_count;
  uint32_t flag;            /* producer's opaque integer */
  uint32_t sys_flag;        /* the broker's own bits (transaction state, ...); kept as given */
  uint32_t reconsume_times; /* deliveries that failed before this one */
  berth_bytes body;
  berth_str born_host;  /* "ip:port" of the producer */
  berth_str store_host; /* "ip:port" of the broker that stored it */
  /* New members only here, at the end. */
} berth_message_view;

/* The tag hash stored beside every queue entry: 64-bit FNV-1a of the tag's UTF-8 bytes, with 0
 * reserved for "no tag". Defined here so that stores and filters agree on it. */
#ifdef __cplusplus
#define BERTH_TAG_BYTES(p) reinterpret_cast<const unsigned char *>(p)
#else
#define BERTH_TAG_BYTES(p) ((const unsigned char *)(p))
#endif
static inline uint64_t berth_tag_hash(berth_str tag) {
  const unsigned char *bytes;
  uint64_t h = 1469598103934665603ull;
  size_t i;
  if (tag.len == 0) return 0;
  /* Spelled without casts so C++ users compiling with -Wold-style-cast see no warnings. */
  bytes = BERTH_TAG_BYTES(tag.ptr);
  for (i = 0; i < tag.len; ++i) {
    h ^= bytes[i];
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

#ifdef __cplusplus
}
#endif

#endif /* BERTH_MESSAGE_H */
