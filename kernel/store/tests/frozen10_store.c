/* A store plugin frozen at ABI 1.0: plain C, built from tests/abi/frozen/abi-1.0 only, never
 * edited. Its table holds sync() alone, so the store facade must refuse every 1.2 operation
 * with BERTH_E_UNSUPPORTED instead of reading past the table's struct_size. */
#include <berth/abi/berth_abi.h>
#include <berth/abi/berth_host.h>
#include <berth/abi/berth_store.h>

#include <stdlib.h>

struct berth_instance {
  int syncs;
};

static berth_status create(const berth_host *host, berth_host_ctx *ctx, berth_instance **out,
                           berth_errbuf *err) {
  berth_instance *made = calloc(1, sizeof *made);
  (void)host;
  (void)ctx;
  (void)err;
  if (made == NULL) return BERTH_E_NOMEM;
  *out = made;
  return BERTH_OK;
}

static void destroy(berth_instance *instance) { free(instance); }

static berth_status sync_store(berth_instance *instance, berth_errbuf *err) {
  (void)err;
  ++instance->syncs;
  return BERTH_OK;
}

static const berth_store_ops ops = {sizeof(berth_store_ops), sync_store};

static const berth_plugin descriptor = {
    sizeof(berth_plugin), BERTH_ABI_MAJOR, BERTH_ABI_MINOR, BERTH_KIND_STORE, 0,
    "frozen10", "1.0.0", "Store test plugin frozen at ABI 1.0", "{\"keys\":{}}",
    create, destroy, &ops};

BERTH_EXPORT const berth_plugin *berth_plugin_entry(uint16_t host_major, uint16_t host_minor) {
  (void)host_major;
  (void)host_minor;
  return &descriptor;
}
