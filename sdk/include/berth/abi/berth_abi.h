/* berth_abi.h: the foundation of Berth's plugin contract.
 *
 * Pure C, standard headers only. Everything that crosses the boundary between berthd and a
 * plugin library is defined in this folder. Rules that keep it stable:
 *   - structs hold only fixed-width integers, pointers and the view types below; booleans are
 *     uint8_t or int32_t, enums travel as uint32_t; natural alignment on LP64;
 *   - every function table starts with `struct_size` and grows only at its end; a reader uses a
 *     member only when BERTH_HAS_FIELD says the other side's struct contains it;
 *   - memory is freed on the side that allocated it; every pointer says who owns it;
 *   - changing any header here requires bumping BERTH_ABI_MINOR (a test checks a header hash);
 *     removing or reordering anything requires a new major, which hosts refuse.
 *
 * History (tests/abi/abi_versions.txt holds each version's header hash):
 *   1.0  descriptor, host services, transport/store/filter/auth/tracer tables
 *   1.1  berth_filter_ops.match_tag_hash: the tag-hash fast path
 *   1.2  berth_store_ops: append, read/release, bounds, offset by time, lookups, retention,
 *        stats and the arrival listener
 *   1.3  berth_conn.h and berth_host.conn_open/conn_frame/conn_closed: transports hand client
 *        connections and their frames to the kernel
 *   1.4  berth_plugin.reload: re-read the files an instance loaded (on SIGHUP)
 *   1.5  authentication: BERTH_E_BAD_SIGNATURE, BERTH_E_EXPIRED; berth_credentials.signed_body
 *   1.6  tracing: BERTH_TRACE_COMMIT, berth_trace_event.traceparent, berth_tracer_ops.on_events
 *        (a request's events at once), berth_host.append (a plugin stores messages in the
 *        broker's own topics)
 *   1.7  berth_credentials.scheme (BERTH_SCHEME_ROCKETMQ_V2: RocketMQ 5's HMAC-SHA1 over the
 *        call's date-time) and berth_host.conn_authenticate: a transport that verifies its
 *        clients by another protocol's signature authenticates a whole connection
 */
#ifndef BERTH_ABI_H
#define BERTH_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BERTH_ABI_MAJOR 1
#define BERTH_ABI_MINOR 7

/* The single symbol a plugin library exports. */
#define BERTH_PLUGIN_ENTRY_SYMBOL "berth_plugin_entry"

#if defined(__GNUC__)
#define BERTH_EXPORT __attribute__((visibility("default")))
#else
#define BERTH_EXPORT
#endif

/* True when `field` lies wholly inside the first `(ptr)->struct_size` bytes of `type`. */
#ifdef __cplusplus
#define BERTH_HAS_FIELD(ptr, type, field)                                                       \
  ((ptr) != nullptr &&                                                                          \
   offsetof(type, field) + sizeof(type::field) <= static_cast<size_t>((ptr)->struct_size))
#else
#define BERTH_HAS_FIELD(ptr, type, field)                                                       \
  ((ptr) != NULL &&                                                                             \
   offsetof(type, field) + sizeof(((type *)0)->field) <= (size_t)(ptr)->struct_size)
#endif

/* ---- status codes ------------------------------------------------------------------------ */
typedef int32_t berth_status;
#define BERTH_OK 0
#define BERTH_E_INVALID (-1)     /* bad argument or input; the message says which */
#define BERTH_E_NOMEM (-2)       /* allocation failed */
#define BERTH_E_IO (-3)          /* the operating system refused a read, write or sync */
#define BERTH_E_UNSUPPORTED (-4) /* the operation or a requested option is not implemented */
#define BERTH_E_DENIED (-5)      /* authentication or authorization said no */
#define BERTH_E_BUSY (-6)        /* temporarily overloaded; retry later */
#define BERTH_E_INTERNAL (-7)    /* a bug or an unexpected exception inside the callee */
#define BERTH_E_NOT_FOUND (-8)   /* the named thing does not exist */
#define BERTH_E_FULL (-9)        /* out of space (disk or configured bound) */
#define BERTH_E_TIMEOUT (-10)    /* a deadline passed */
#define BERTH_E_CLOSED (-11)     /* the object is stopped or fenced and takes no more work */
#define BERTH_E_BAD_SIGNATURE (-12) /* authentication: the signature does not match (1.5) */
#define BERTH_E_EXPIRED (-13)    /* authentication: signed outside the accepted clock window (1.5) */
/* New codes only below, never reusing a value. */

/* ---- views ------------------------------------------------------------------------------- */
/* Bytes or text owned by the caller, valid for the duration of the call unless a hook's
 * documentation says otherwise. Text is UTF-8 and not NUL-terminated. */
typedef struct berth_bytes {
  const uint8_t *ptr;
  size_t len;
} berth_bytes;

typedef struct berth_str {
  const char *ptr;
  size_t len;
} berth_str;

/* A buffer the caller owns, into which the callee writes a NUL-terminated error message
 * (truncated to cap - 1 bytes). buf may be NULL when cap is 0. */
typedef struct berth_errbuf {
  char *buf;
  size_t cap;
} berth_errbuf;

/* ---- kinds and log levels ---------------------------------------------------------------- */
#define BERTH_KIND_TRANSPORT 1u
#define BERTH_KIND_STORE 2u
#define BERTH_KIND_FILTER 3u
#define BERTH_KIND_AUTH 4u
#define BERTH_KIND_TRACER 5u

#define BERTH_LOG_TRACE 0u
#define BERTH_LOG_DEBUG 1u
#define BERTH_LOG_INFO 2u
#define BERTH_LOG_WARN 3u
#define BERTH_LOG_ERROR 4u
#define BERTH_LOG_CRITICAL 5u

/* Opaque handles. berth_host_ctx is made by the host, one per plugin instance, and valid from
 * create() until destroy() returns. berth_instance is made by the plugin in create() and freed
 * by it in destroy(). */
typedef struct berth_host_ctx berth_host_ctx;
typedef struct berth_instance berth_instance;

struct berth_host;

/* ---- the plugin descriptor --------------------------------------------------------------- */
/* Returned by the entry symbol; static storage owned by the library, valid while it is
 * loaded. The first three members are frozen across every major version so that any host can
 * name the version of any plugin it refuses. */
typedef struct berth_plugin {
  uint32_t struct_size; /* sizeof(berth_plugin) as the plugin was built */
  uint16_t abi_major;   /* BERTH_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor;   /* BERTH_ABI_MINOR the plugin was built with */
  uint32_t kind;        /* BERTH_KIND_* */
  uint32_t reserved0;   /* zero */
  const char *name;     /* [a-z0-9_]+; must match the library file name */
  const char *version;  /* the plugin's own version, e.g. "1.2.0" */
  const char *description;   /* one line, shown by --list-plugins */
  const char *config_schema; /* JSON describing the plugin's keys; see docs/plugins.md */

  /* Make one instance from the plugin's validated config table (read through host->config_get).
   * Main thread only. On failure returns an error, leaves *out NULL and writes err. `host` and
   * `ctx` stay valid until destroy() of this instance returns. */
  berth_status (*create)(const struct berth_host *host, berth_host_ctx *ctx,
                         berth_instance **out, berth_errbuf *err);
  /* Free an instance. Main thread only, after the kind's stop hook (if any) returned and after
   * every per-use object made from the instance was released. */
  void (*destroy)(berth_instance *instance);
  /* The kind's function table (berth_transport_ops, berth_store_ops, ...); static storage. */
  const void *ops;

  /* Since ABI 1.4 (optional: may be NULL). Re-read what the instance loaded from files its
   * config names (certificates and keys, account lists), without dropping its work: berthd
   * calls it on SIGHUP. The config table itself is not re-read. Main thread. On failure the
   * instance keeps running on what it had, returns an error and writes err. */
  berth_status (*reload)(berth_instance *instance, berth_errbuf *err);
  /* New members only here, at the end. */
} berth_plugin;

/* The entry symbol's type. The host passes its own ABI version; the plugin may return NULL
 * to refuse a host it cannot work with. Called on the main thread, possibly more than once. */
typedef const berth_plugin *(*berth_plugin_entry_fn)(uint16_t host_abi_major,
                                                     uint16_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* BERTH_ABI_H */
