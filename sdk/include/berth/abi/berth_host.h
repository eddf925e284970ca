/* berth_host.h: the services berthd offers every plugin instance.
 *
 * The table is owned by the host, handed to create(), and valid until the instance's destroy()
 * returns. It grows only at its end; a plugin checks BERTH_HAS_FIELD(host, berth_host, member)
 * before using a member added after the minor version it was built against.
 */
#ifndef BERTH_HOST_H
#define BERTH_HOST_H

#include "berth_abi.h"
#include "berth_auth.h"
#include "berth_conn.h"
#include "berth_message.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- config values ----------------------------------------------------------------------- */
#define BERTH_CONFIG_NONE 0u     /* the key is absent and has no default */
#define BERTH_CONFIG_BOOL 1u     /* integer is 0 or 1 */
#define BERTH_CONFIG_INT 2u      /* integer */
#define BERTH_CONFIG_FLOAT 3u    /* number */
#define BERTH_CONFIG_STRING 4u   /* string (also enum values) */
#define BERTH_CONFIG_SIZE 5u     /* integer = bytes ("64MiB" in TOML) */
#define BERTH_CONFIG_DURATION 6u /* integer = nanoseconds ("500ms" in TOML) */
#define BERTH_CONFIG_ARRAY 7u    /* integer = element count; elements at "key.0", "key.1", ... */
#define BERTH_CONFIG_TABLE 8u    /* integer = key count; members at "key.member" */

/* One value of the plugin's own config table, after validation and defaults. `string` points
 * into host memory valid until destroy() of the instance returns. */
typedef struct berth_config_value {
  uint32_t type; /* BERTH_CONFIG_* */
  uint32_t reserved0;
  int64_t integer;
  double number;
  berth_str string;
} berth_config_value;

/* ---- metrics ----------------------------------------------------------------------------- */
#define BERTH_METRIC_COUNTER 1u   /* monotonic; metric_add with delta >= 0 */
#define BERTH_METRIC_GAUGE 2u     /* metric_set or metric_add */
#define BERTH_METRIC_HISTOGRAM 3u /* metric_observe */

/* ---- clocks ------------------------------------------------------------------------------ */
#define BERTH_CLOCK_MONOTONIC 0u /* nanoseconds since an arbitrary point, never goes back */
#define BERTH_CLOCK_REALTIME 1u  /* nanoseconds since the Unix epoch */

/* A task run by the host on one of its executor threads. Must not block for long. */
typedef void (*berth_task_fn)(void *arg);

typedef struct berth_host {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;

  /* Log through the host, which prefixes "[<kind>.<instance id>]" and applies the instance's
   * log_level. Any thread. */
  void (*log)(berth_host_ctx *ctx, uint32_t level, berth_str message);
  /* Non-zero when `level` would be written; lets a plugin skip formatting. Any thread. */
  int32_t (*log_enabled)(berth_host_ctx *ctx, uint32_t level);

  /* Read one value of the instance's config table by dotted path ("segment_size",
   * "tls.certificate", "peers.0"). Absent keys without a default give type BERTH_CONFIG_NONE
   * and BERTH_OK; a path through a non-table gives BERTH_E_NOT_FOUND. Any thread. */
  berth_status (*config_get)(berth_host_ctx *ctx, berth_str path, berth_config_value *out);

  /* Register a metric named berth_<name> (the host adds the instance as a label) and receive
   * its id. Main thread, from create() only. Registering the same name twice returns the same
   * id when type matches, BERTH_E_INVALID otherwise. */
  berth_status (*metric_register)(berth_host_ctx *ctx, uint32_t type, berth_str name,
                                  berth_str help, uint32_t *out_id);
  /* Update a registered metric. Any thread, lock-free, never blocks. Unknown ids are ignored. */
  void (*metric_add)(berth_host_ctx *ctx, uint32_t id, int64_t delta);
  void (*metric_set)(berth_host_ctx *ctx, uint32_t id, int64_t value);
  void (*metric_observe)(berth_host_ctx *ctx, uint32_t id, double value);

  /* Current time of the given BERTH_CLOCK_*. Any thread. */
  uint64_t (*now_ns)(berth_host_ctx *ctx, uint32_t clock);

  /* Run fn(arg) on a host executor thread after delay_ns (0: as soon as possible). Any thread.
   * Exactly one of fn(arg) or drop(arg) is called, once: drop when the task is cancelled or
   * still pending when the instance is destroyed (drop may be NULL). *out_task (optional)
   * receives an id for cancel(). Fails with BERTH_E_CLOSED during shutdown; then neither is
   * called and arg stays the caller's. */
  berth_status (*post)(berth_host_ctx *ctx, uint64_t delay_ns, berth_task_fn fn,
                       berth_task_fn drop, void *arg, uint64_t *out_task);
  /* Cancel a posted task: returns 1 when it will not run (drop(arg) has been called), 0 when it
   * already ran or is running. Never waits for a running task. Any thread. */
  int32_t (*cancel)(berth_host_ctx *ctx, uint64_t task);

  /* Facts about the broker and this instance, as NUL-free strings in host memory valid until
   * destroy() returns. Any thread. */
  berth_str (*broker_name)(berth_host_ctx *ctx);
  berth_str (*data_dir)(berth_host_ctx *ctx);    /* the broker's data directory */
  berth_str (*instance_id)(berth_host_ctx *ctx); /* e.g. "transport-tcp-1" or the TOML id */

  /* ---- connections: for transports (since 1.3; see berth_conn.h) ---------------------------
   * A connection was accepted. On BERTH_OK *out is the kernel's handle; the kernel may call
   * ops->send and ops->close with conn_arg from then on. Refused (BERTH_E_BUSY: too many
   * connections; BERTH_E_CLOSED: shutting down) with the reason in err: close the socket. Any
   * network thread. */
  berth_status (*conn_open)(berth_host_ctx *ctx, const berth_conn_info *info,
                            const berth_conn_ops *ops, void *conn_arg, berth_conn **out,
                            berth_errbuf *err);
  /* One complete frame as it came off the wire, length prefix included, borrowed for the call
   * (the kernel copies what it keeps). The transport has checked the length against its
   * max_frame_size before reading the body. Frames of one connection are passed one at a time
   * and in order. Any network thread; does not block. */
  void (*conn_frame)(berth_host_ctx *ctx, berth_conn *conn, berth_bytes frame);
  /* The connection is gone, whichever side closed it. When this returns the kernel makes no
   * further call for it and `conn` is invalid; sends already queued are the transport's to
   * release. Any network thread; may wait for a send in progress on another thread. */
  void (*conn_closed)(berth_host_ctx *ctx, berth_conn *conn);

  /* ---- the broker's own topics (since 1.6) ----------------------------------------------
   * Store `count` messages in one of the broker's own topics (a name beginning rmq_sys_ or
   * RMQ_SYS_, such as the trace topic), which is made with one queue when missing. Of each view
   * the kernel reads topic, tags, keys, properties, flag and body; it assigns the rest.
   * Returns once the store has them (BERTH_E_FULL, BERTH_E_CLOSED, BERTH_E_INVALID for
   * another topic, with the reason in err). Blocks: call it from a thread of the plugin's own,
   * never from a network thread or a hook that must not block. Not traced. */
  berth_status (*append)(berth_host_ctx *ctx, const berth_message_view *const *messages,
                         uint32_t count, berth_errbuf *err);

  /* ---- connections authenticated by the transport (since 1.7) ----------------------------
   * For transports whose clients sign by another protocol (transport-grpc: RocketMQ 5's
   * headers). The kernel has the auth plugin authenticate `credentials` (access_key, signature,
   * signed_content, timestamp_ms, scheme; the kernel fills in the connection's peer address and
   * TLS subject) and, on BERTH_OK, the connection's unsigned requests run as that identity
   * from then on (each still authorized); a later call replaces it. Refusals as the plugin's
   * authenticate (BERTH_E_DENIED, BERTH_E_BAD_SIGNATURE, BERTH_E_EXPIRED) with the reason in
   * err, for the client. Without an [auth] table: BERTH_OK, nothing checked. Any network
   * thread; does not block. */
  berth_status (*conn_authenticate)(berth_host_ctx *ctx, berth_conn *conn,
                                    const berth_credentials *credentials, berth_errbuf *err);

  /* New members only here, at the end. */
} berth_host;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_HOST_H */
