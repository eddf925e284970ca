/* berth_conn.h: client connections, between a transport and the kernel (since ABI 1.3).
 *
 * A transport owns sockets and framing; the kernel owns what the frames mean. For each
 * accepted connection the transport calls host->conn_open with the operations below, passes
 * every complete native-protocol frame to host->conn_frame, and calls host->conn_closed once
 * the connection is gone. The kernel answers through berth_conn_ops.send, from any thread and
 * at any later time (a long poll is answered when a message arrives).
 */
#ifndef BERTH_CONN_H
#define BERTH_CONN_H

#include "berth_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's side of one connection: opaque to the transport. */
typedef struct berth_conn berth_conn;

/* One piece of an outgoing frame. */
typedef struct berth_iovec {
  const void *base;
  size_t len;
} berth_iovec;

/* Gives memory back to whoever lent it. Called once, from any thread. */
typedef void (*berth_release_fn)(void *arg);

/* What the transport knows about a connection, borrowed for the conn_open call. */
typedef struct berth_conn_info {
  uint32_t struct_size;
  uint32_t reserved0;
  berth_str peer;        /* "ip:port" of the client */
  berth_str local;       /* "ip:port" the client connected to */
  berth_str tls_subject; /* the verified client certificate's subject; empty without mTLS */
  uint64_t max_frame_size; /* the transport's limit, length prefix included (told to clients) */
  /* New members only here, at the end. */
} berth_conn_info;

/* What the transport offers the kernel for one connection. `conn_arg` is the transport's
 * pointer given to conn_open; it stays valid until conn_closed returns, and the kernel makes
 * no call with it after that. */
typedef struct berth_conn_ops {
  uint32_t struct_size;
  /* Queue one frame, made of `count` parts written in order and never interleaved with another
   * frame. The parts stay valid until the transport calls release(release_arg) (release may
   * be NULL): once, from any thread, after the bytes are written or the connection is gone,
   * possibly before send returns. Any thread; never blocks (the transport applies
   * back-pressure by reading less from the client, not by blocking the kernel). */
  void (*send)(void *conn_arg, const berth_iovec *parts, uint32_t count, berth_release_fn release,
               void *release_arg);
  /* Close the connection after what is queued is written; `reason` is for the transport's log.
   * Any thread; the transport then calls conn_closed as for any close. */
  void (*close)(void *conn_arg, berth_str reason);
  /* New members only here, at the end. */
} berth_conn_ops;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_CONN_H */
