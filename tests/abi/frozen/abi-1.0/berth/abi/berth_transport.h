/* berth_transport.h: the transport kind. A transport owns listening sockets, connections,
 * framing and (for TLS) encryption. */
#ifndef BERTH_TRANSPORT_H
#define BERTH_TRANSPORT_H

#include "berth_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_transport_ops {
  uint32_t struct_size;
  /* Bind and start accepting. Main thread, after every plugin instance was created. Returns
   * only once the listener is bound, so that an address in use is reported here. */
  berth_status (*start)(berth_instance *instance, berth_errbuf *err);
  /* Stop accepting, finish in-flight requests, close connections; return by deadline_ns
   * (BERTH_CLOCK_MONOTONIC). Main thread; called once, only after a successful start. */
  void (*stop)(berth_instance *instance, uint64_t deadline_ns);
  /* Write the bound endpoint ("127.0.0.1:10911") NUL-terminated into buf. Main thread, after
   * start. Useful when the configured port is 0. */
  berth_status (*endpoint)(berth_instance *instance, char *buf, size_t cap);
  /* New members only here, at the end. */
} berth_transport_ops;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_TRANSPORT_H */
