/* berth_filter.h: the filter kind. A consumer subscribes with an expression; the broker
 * compiles it once and matches it against every candidate message. */
#ifndef BERTH_FILTER_H
#define BERTH_FILTER_H

#include "berth_abi.h"
#include "berth_message.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled expression, made by compile() and freed by release(). Immutable once made. */
typedef struct berth_filter_expr berth_filter_expr;

typedef struct berth_filter_ops {
  uint32_t struct_size;
  /* Compile an expression. Any thread, concurrently. On error returns BERTH_E_INVALID and
   * writes "col N: <what is wrong>" (1-based column) into err. */
  berth_status (*compile)(berth_instance *instance, berth_str expression,
                          berth_filter_expr **out, berth_errbuf *err);
  /* 1 when the message matches, 0 when not, < 0 on an evaluation error (treated as no match
   * and counted by the host). Any network thread, concurrently on the same expr; never blocks.
   * The view is valid for the call only. */
  int32_t (*match)(const berth_filter_expr *expr, const berth_message_view *message);
  /* Free a compiled expression. Any thread, once no match() on it is running. */
  void (*release)(berth_filter_expr *expr);
  /* New members only here, at the end. */
} berth_filter_ops;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_FILTER_H */
