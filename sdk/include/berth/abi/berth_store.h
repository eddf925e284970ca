/* berth_store.h: the store kind. A store keeps messages durably: one append path, reads by
 * queue, lookups by id, key and time. The instance opens (and recovers) its data in create().
 *
 * Words used below:
 *   - the log: every message of every queue, in append order; a message's log offset is the
 *     byte position of its record (stores without a byte log still hand out increasing
 *     offsets);
 *   - a queue: (topic, queue id); its messages are numbered 0, 1, 2, ... (queue offsets);
 *   - visible: readable through read(), queue_bounds(), offset_by_time() and the lookups.
 *     A message becomes visible shortly after its append is acknowledged (the store's
 *     dispatcher makes it so); sync() waits for it.
 */
#ifndef BERTH_STORE_H
#define BERTH_STORE_H

#include "berth_abi.h"
#include "berth_message.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- append (since 1.2) ------------------------------------------------------------------ */
/* Room for a message id, NUL included. Ids are ASCII. */
#define BERTH_MESSAGE_ID_CAP 64u

/* What the store assigned to one appended message. The caller sets struct_size. */
typedef struct berth_append_result {
  uint32_t struct_size;
  uint32_t reserved0;
  uint64_t queue_offset;
  uint64_t log_offset;
  int64_t store_time_ms; /* non-decreasing in log order */
  char message_id[BERTH_MESSAGE_ID_CAP]; /* NUL-terminated; lookup_id() finds the message */
  /* New members only here, at the end. */
} berth_append_result;

/* Called once per append that was given one, when the batch is acknowledged under the store's
 * flush policy (status BERTH_OK) or cannot be (an error status and a message, e.g. BERTH_E_IO
 * after a failed sync). May run on a store thread or inside append() itself; must not block
 * and must not call back into the store. `error` is valid for the call only. */
typedef void (*berth_store_done_fn)(void *arg, berth_status status, const char *error);

/* ---- read (since 1.2) -------------------------------------------------------------------- */
/* Decides from a queue entry's tag hash whether the message may match: non-zero keeps it,
 * 0 skips it without reading the message. Runs inside read(), on the caller's thread. */
typedef int32_t (*berth_tag_hash_accept_fn)(void *arg, uint64_t tag_hash);

typedef struct berth_read_request {
  uint32_t struct_size;
  uint32_t queue_id;
  berth_str topic;
  uint64_t offset;        /* queue offset of the first message wanted */
  uint32_t max_messages;  /* at least 1 */
  uint32_t reserved0;
  uint64_t max_bytes;     /* cap on the records' bytes returned (0 = none); one always fits */
  uint64_t max_scan;      /* cap on queue entries examined (filtered ones count); 0 = store's */
  berth_tag_hash_accept_fn accept; /* NULL = every entry */
  void *accept_arg;
  /* New members only here, at the end. */
} berth_read_request;

/* read() outcomes, in berth_read_result.status. */
#define BERTH_READ_FOUND 0u         /* count >= 1 messages */
#define BERTH_READ_NO_QUEUE 1u      /* the queue has never had a message */
#define BERTH_READ_END 2u           /* offset == max_offset: nothing new yet */
#define BERTH_READ_BEFORE_START 3u  /* offset < min_offset: removed by retention */
#define BERTH_READ_PAST_END 4u      /* offset > max_offset */
#define BERTH_READ_NONE_MATCHED 5u  /* entries were examined and every one was skipped */

/* Messages handed out by read() and the lookups. Owned by the store; every pointer in it,
 * including those inside the views (usually into mapped files), stays valid until the host
 * passes it to release(). Retention never invalidates a result that is not yet released. */
typedef struct berth_read_result {
  uint32_t struct_size;
  uint32_t status;       /* BERTH_READ_*; lookups: FOUND, or NONE_MATCHED when count is 0 */
  const berth_message_view *const *messages; /* count views, in queue (or log) order; each
                                              * keeps its properties in append order */
  uint32_t count;
  uint32_t reserved0;
  uint64_t next_offset;  /* where the next read should start: after the last entry examined;
                          * min_offset after BEFORE_START, max_offset after END/PAST_END */
  uint64_t min_offset;   /* the queue's bounds when the read ran */
  uint64_t max_offset;
  /* New members only here, at the end. */
} berth_read_result;

/* ---- retention and stats (since 1.2) ----------------------------------------------------- */
/* run_retention() flags. */
#define BERTH_RETENTION_EXPIRED 0u /* delete what the configured policy says is due */
#define BERTH_RETENTION_OLDEST 1u  /* also delete the oldest unit even if not yet expired */

typedef struct berth_retention_report {
  uint32_t struct_size; /* set by the caller */
  uint32_t units_deleted; /* segments (mmap) or messages (memory) */
  uint64_t bytes_freed;
  uint64_t log_min_offset; /* the log's first offset afterwards */
  /* New members only here, at the end. */
} berth_retention_report;

/* A point-in-time summary. The caller sets struct_size; the store fills what it knows of. */
typedef struct berth_store_stats {
  uint32_t struct_size;
  uint32_t fenced;          /* non-zero after an I/O error stopped appends for good */
  uint32_t disk_full;       /* non-zero while appends are refused for lack of space */
  uint32_t queue_count;
  uint64_t log_min_offset;
  uint64_t log_max_offset;  /* where the next record goes */
  uint64_t durable_offset;  /* everything below is on stable storage */
  uint64_t visible_offset;  /* everything below is visible to reads */
  uint64_t messages_appended; /* since the instance was created */
  uint64_t bytes_appended;
  uint64_t bytes_used;      /* disk (or memory) the store's data takes */
  uint64_t bytes_free;      /* left on the store's file system (or under its memory bound) */
  uint64_t unit_count;      /* commit-log segments (mmap) or messages held (memory) */
  /* New members only here, at the end. */
} berth_store_stats;

/* Called after new messages became visible in a queue: max_offset is the queue's new upper
 * bound. Runs on a store thread; must not block and must not call into the store. */
typedef void (*berth_store_arrival_fn)(void *arg, berth_str topic, uint32_t queue_id,
                                       uint64_t max_offset);

typedef struct berth_store_ops {
  uint32_t struct_size;
  /* Durability barrier: return once everything appended before the call is on stable storage
   * (a no-op for stores without persistence) and, since 1.2, visible. Any thread; may block.
   * After an I/O error the store is fenced and this returns BERTH_E_IO with the cause, every
   * time. */
  berth_status (*sync)(berth_instance *instance, berth_errbuf *err);

  /* ---- since 1.2 ---- */
  /* Append count messages as one batch, in order. Any thread, concurrently.
   * From each view the store reads topic, queue_id, born_time_ms, tags, keys, properties,
   * flag, sys_flag, reconsume_times, body, born_host and store_host, and assigns the rest.
   * The batch is checked whole before anything is written: a bad message (empty topic, body
   * over the store's limit, ...) fails the call with BERTH_E_INVALID naming its index, and
   * nothing is appended. BERTH_E_FULL when the disk or memory bound is reached, BERTH_E_IO
   * once fenced; both leave what is stored intact, though a prefix of the batch may have
   * been stored, unacknowledged (as after any failed append, a retry may duplicate it).
   * On BERTH_OK, results[i] (result_size bytes each, the caller's sizeof) holds what the
   * store assigned, and then:
   *   - done == NULL: the call returned after the batch was acknowledged under the flush
   *     policy; if acknowledging failed the call returns that error instead;
   *   - done != NULL: done(done_arg, ...) is called exactly once with the acknowledgement,
   *     possibly before append() returns; results are filled before done runs, and the
   *     store never touches them after done returned (the host may free them in done).
   * On an error status done is never called. count == 0 is a no-op that succeeds.
   * destroy() completes every pending done (BERTH_E_CLOSED when it could not be
   * acknowledged) before it returns. */
  berth_status (*append)(berth_instance *instance, const berth_message_view *const *messages,
                         uint32_t count, berth_append_result *results, uint32_t result_size,
                         berth_store_done_fn done, void *done_arg, berth_errbuf *err);
  /* Read visible messages of one queue. Any thread, concurrently with appends. BERTH_OK with
   * *out set (see berth_read_result.status for what was found); errors for bad arguments
   * and I/O. */
  berth_status (*read)(berth_instance *instance, const berth_read_request *request,
                       berth_read_result **out, berth_errbuf *err);
  /* Give a read or lookup result back. Any thread, once. */
  void (*release)(berth_instance *instance, berth_read_result *result);
  /* The queue's bounds: [*min_offset, *max_offset) are readable. BERTH_E_NOT_FOUND when the
   * queue has never had a message. */
  berth_status (*queue_bounds)(berth_instance *instance, berth_str topic, uint32_t queue_id,
                               uint64_t *min_offset, uint64_t *max_offset, berth_errbuf *err);
  /* The first queue offset whose store time is >= time_ms; max_offset when every message is
   * older; min_offset when every one is newer. BERTH_E_NOT_FOUND for an unknown queue. */
  berth_status (*offset_by_time)(berth_instance *instance, berth_str topic, uint32_t queue_id,
                                 int64_t time_ms, uint64_t *out, berth_errbuf *err);
  /* The message with this id (as append() returned it). BERTH_E_NOT_FOUND when there is none
   * (or no longer one); BERTH_E_INVALID when the text is not an id of this store. */
  berth_status (*lookup_id)(berth_instance *instance, berth_str message_id,
                            berth_read_result **out, berth_errbuf *err);
  /* Up to max_messages messages of `topic` that carry `key` (one of their space-separated
   * keys, or their UNIQ_KEY property) and whose store time is in [begin_ms, end_ms], newest
   * first. BERTH_OK with count 0 when none. */
  berth_status (*lookup_key)(berth_instance *instance, berth_str topic, berth_str key,
                             int64_t begin_ms, int64_t end_ms, uint32_t max_messages,
                             berth_read_result **out, berth_errbuf *err);
  /* Apply retention now, as if the wall clock read now_ms (0 = the real clock). Stores also
   * do this on their own schedule. Any thread. */
  berth_status (*run_retention)(berth_instance *instance, int64_t now_ms, uint32_t flags,
                                berth_retention_report *report, berth_errbuf *err);
  /* Fill *out. Any thread; never blocks on I/O. */
  void (*stats)(berth_instance *instance, berth_store_stats *out);
  /* Register the one arrival listener (fn NULL removes it). When this returns, no call of
   * the previous listener is running or will start. Any thread except inside a listener. */
  void (*set_arrival_listener)(berth_instance *instance, berth_store_arrival_fn fn, void *arg);
  /* New members only here, at the end. */
} berth_store_ops;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_STORE_H */
