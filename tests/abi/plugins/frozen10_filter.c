/* A filter plugin frozen at ABI 1.0: plain C, built from tests/abi/frozen/abi-1.0 only, never
 * edited. It proves that a host of a newer minor still loads and drives an older plugin,
 * reading its tables only as far as their struct_size. Matches messages whose tag equals the
 * expression. */
#include <berth/abi/berth_abi.h>
#include <berth/abi/berth_filter.h>
#include <berth/abi/berth_host.h>

#include <stdlib.h>
#include <string.h>

struct berth_filter_expr {
  size_t len;
  char tag[64];
};

struct berth_instance {
  const berth_host *host;
  berth_host_ctx *ctx;
};

static berth_status create(const berth_host *host, berth_host_ctx *ctx, berth_instance **out,
                           berth_errbuf *err) {
  berth_instance *made = calloc(1, sizeof *made);
  (void)err;
  if (made == NULL) return BERTH_E_NOMEM;
  made->host = host;
  made->ctx = ctx;
  *out = made;
  return BERTH_OK;
}

static void destroy(berth_instance *instance) { free(instance); }

static berth_status compile(berth_instance *instance, berth_str expression,
                            berth_filter_expr **out, berth_errbuf *err) {
  berth_filter_expr *expr;
  (void)instance;
  if (expression.len == 0 || expression.len >= sizeof expr->tag) {
    if (err != NULL && err->cap > 0) {
      strncpy(err->buf, "col 1: a tag of 1 to 63 bytes", err->cap - 1);
      err->buf[err->cap - 1] = '\0';
    }
    return BERTH_E_INVALID;
  }
  expr = calloc(1, sizeof *expr);
  if (expr == NULL) return BERTH_E_NOMEM;
  memcpy(expr->tag, expression.ptr, expression.len);
  expr->len = expression.len;
  *out = expr;
  return BERTH_OK;
}

static int32_t match(const berth_filter_expr *expr, const berth_message_view *message) {
  return message->tags.len == expr->len && memcmp(message->tags.ptr, expr->tag, expr->len) == 0;
}

static void release(berth_filter_expr *expr) { free(expr); }

static const berth_filter_ops ops = {sizeof(berth_filter_ops), compile, match, release};

static const berth_plugin descriptor = {
    sizeof(berth_plugin), BERTH_ABI_MAJOR, BERTH_ABI_MINOR, BERTH_KIND_FILTER, 0,
    "frozen10", "1.0.0", "Test plugin frozen at ABI 1.0", "{\"keys\":{}}",
    create, destroy, &ops};

BERTH_EXPORT const berth_plugin *berth_plugin_entry(uint16_t host_major, uint16_t host_minor) {
  (void)host_major;
  (void)host_minor;
  return &descriptor;
}
