/* One source, many broken or unusual plugins: each BERTH_VARIANT_* build is one case of the
 * loader's refusal table (tests/abi/loader_test.cpp). All are filters; the file name each is
 * built under is what the loader compares the descriptor with. */
#include <berth/abi/berth_abi.h>
#include <berth/abi/berth_filter.h>
#include <berth/abi/berth_host.h>

#include <stdlib.h>
#include <string.h>

struct berth_instance {
  int unused;
};

static void write_err(berth_errbuf *err, const char *text) {
  if (err == NULL || err->buf == NULL || err->cap == 0) return;
  strncpy(err->buf, text, err->cap - 1);
  err->buf[err->cap - 1] = '\0';
}

static berth_status create(const berth_host *host, berth_host_ctx *ctx, berth_instance **out,
                           berth_errbuf *err) {
  (void)host;
  (void)ctx;
#if defined(BERTH_VARIANT_CREATE_FAILS)
  write_err(err, "threshold must be below 100, got 250");
  *out = NULL;
  return BERTH_E_INVALID;
#else
  (void)err;
  *out = calloc(1, sizeof **out);
  return *out == NULL ? BERTH_E_NOMEM : BERTH_OK;
#endif
}

static void destroy(berth_instance *instance) { free(instance); }

static berth_status compile(berth_instance *instance, berth_str expression,
                            berth_filter_expr **out, berth_errbuf *err) {
  (void)instance;
  (void)expression;
  (void)out;
  write_err(err, "col 1: this test filter compiles nothing");
  return BERTH_E_INVALID;
}
static int32_t match(const berth_filter_expr *expr, const berth_message_view *message) {
  (void)expr;
  (void)message;
  return 0;
}
static void release(berth_filter_expr *expr) { (void)expr; }

/* A table as a later minor might have it: the known members, then one this host has never
 * heard of. The host must read only what it knows. */
struct future_filter_ops {
  berth_filter_ops known;
  int32_t (*from_the_future)(void);
};
static int32_t from_the_future(void) { return 42; }
static const struct future_filter_ops ops = {
    {sizeof(struct future_filter_ops), compile, match, release, NULL}, from_the_future};

struct future_plugin {
  berth_plugin known;
  const char *from_the_future;
};

#ifndef BERTH_VARIANT_MAJOR
#define BERTH_VARIANT_MAJOR BERTH_ABI_MAJOR
#endif
#ifndef BERTH_VARIANT_MINOR
#define BERTH_VARIANT_MINOR BERTH_ABI_MINOR
#endif
#ifndef BERTH_VARIANT_KIND
#define BERTH_VARIANT_KIND BERTH_KIND_FILTER
#endif
#ifndef BERTH_VARIANT_SIZE
#define BERTH_VARIANT_SIZE sizeof(struct future_plugin)
#endif
#ifndef BERTH_VARIANT_SCHEMA
#define BERTH_VARIANT_SCHEMA "{\"keys\":{}}"
#endif

static const struct future_plugin descriptor = {
    {BERTH_VARIANT_SIZE, BERTH_VARIANT_MAJOR, BERTH_VARIANT_MINOR, BERTH_VARIANT_KIND, 0,
     BERTH_VARIANT_NAME, "0.0.1", "ABI test plugin", BERTH_VARIANT_SCHEMA, create, destroy,
     &ops.known, NULL},
    "unknown to this host"};

#if defined(BERTH_VARIANT_NO_ENTRY)
BERTH_EXPORT const berth_plugin *some_other_symbol(void) { return &descriptor.known; }
#else
BERTH_EXPORT const berth_plugin *berth_plugin_entry(uint16_t host_major, uint16_t host_minor) {
  (void)host_major;
  (void)host_minor;
#if defined(BERTH_VARIANT_NULL_DESCRIPTOR)
  (void)descriptor;
  return NULL;
#else
  return &descriptor.known;
#endif
}
#endif
