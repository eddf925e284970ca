/* berth_store.h: the store kind. A store keeps messages durably: one append path, reads by
 * queue. The instance opens (and recovers) its data in create(). */
#ifndef BERTH_STORE_H
#define BERTH_STORE_H

#include "berth_abi.h"
#include "berth_message.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_store_ops {
  uint32_t struct_size;
  /* Durability barrier: return once everything appended before the call is on stable storage
   * (a no-op for stores without persistence). Any thread; may block. After an I/O error the
   * store is fenced and this returns BERTH_E_IO with the cause, every time. */
  berth_status (*sync)(berth_instance *instance, berth_errbuf *err);
  /* New members only here, at the end. */
} berth_store_ops;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_STORE_H */
