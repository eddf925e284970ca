/* berth_auth.h: the auth kind. It answers two questions: who is this client
 * (authenticate), and may it do this (authorize). */
#ifndef BERTH_AUTH_H
#define BERTH_AUTH_H

#include "berth_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a client presented with one request. Borrowed for the duration of the call.
 *
 * The client signed signed_content followed by signed_body (since 1.5; empty before): the
 * kernel passes the request's body in place, without copying it, after a prefix that binds the
 * signature to this request and connection (docs/protocol.md, "Signed requests"). The kernel
 * has already refused a request id that does not grow on its connection (a replay). */
typedef struct berth_credentials {
  uint32_t struct_size;
  uint32_t reserved0;
  berth_str access_key;      /* empty when the client sent none */
  berth_bytes signature;     /* the client's signature over signed_content + signed_body */
  berth_bytes signed_content;/* the exact bytes the client signed (the prefix, since 1.5) */
  int64_t timestamp_ms;      /* the client's signing time (Unix ms), for the clock window */
  berth_str tls_subject;     /* verified client certificate subject; empty without mTLS */
  berth_str peer_address;    /* "ip:port" */
  berth_bytes signed_body;   /* since 1.5: what the client signed after signed_content */
  uint32_t scheme;           /* since 1.7: how the signature is made (BERTH_SCHEME_*) */
  uint32_t reserved1;
  /* New members only here, at the end. */
} berth_credentials;

/* berth_credentials.scheme: what the client signed, with what. A plugin refuses a scheme it does
 * not know with BERTH_E_BAD_SIGNATURE. */
#define BERTH_SCHEME_BERTH 0u       /* HMAC-SHA256 over signed_content + signed_body (1.5) */
#define BERTH_SCHEME_ROCKETMQ_V2 1u /* RocketMQ 5: HMAC-SHA1 over signed_content, which is the
                                     * call's x-mq-date-time ("20240913T063059Z"); signed_body is
                                     * empty; timestamp_ms is that time */

/* An authenticated principal, made by authenticate() and freed by release_identity(). */
typedef struct berth_identity berth_identity;

#define BERTH_RESOURCE_CLUSTER 1u
#define BERTH_RESOURCE_TOPIC 2u
#define BERTH_RESOURCE_GROUP 3u

#define BERTH_ACTION_PUB 1u
#define BERTH_ACTION_SUB 2u
#define BERTH_ACTION_CREATE 3u
#define BERTH_ACTION_UPDATE 4u
#define BERTH_ACTION_DELETE 5u
#define BERTH_ACTION_GET 6u
#define BERTH_ACTION_LIST 7u

typedef struct berth_auth_ops {
  uint32_t struct_size;
  /* Check credentials. BERTH_OK and *out set; or, with the reason in err (sent to the client,
   * so it must not reveal secrets): BERTH_E_DENIED (no or unknown access key, an address the
   * account may not connect from), BERTH_E_BAD_SIGNATURE, BERTH_E_EXPIRED (timestamp outside
   * the plugin's clock window). Any network thread, concurrently; never blocks on I/O. */
  berth_status (*authenticate)(berth_instance *instance, const berth_credentials *credentials,
                               berth_identity **out, berth_errbuf *err);
  /* BERTH_OK to allow, BERTH_E_DENIED (reason in err) to deny. Any network thread,
   * concurrently; never blocks on I/O. */
  berth_status (*authorize)(berth_instance *instance, const berth_identity *identity,
                            uint32_t resource_type, berth_str resource, uint32_t action,
                            berth_errbuf *err);
  /* The principal's name for logs and traces; valid until release_identity(). Any thread. */
  berth_str (*identity_name)(const berth_identity *identity);
  /* Free an identity. Any thread. */
  void (*release_identity)(berth_identity *identity);
  /* New members only here, at the end. */
} berth_auth_ops;

#ifdef __cplusplus
}
#endif

#endif /* BERTH_AUTH_H */
