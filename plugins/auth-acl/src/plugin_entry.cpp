// libberth-auth-acl.so: accounts, signed requests and permissions.
#include "acl_auth.hpp"
#include "acl_config.hpp"

BERTH_DEFINE_AUTH_PLUGIN(berth::auth_acl::acl_auth, "acl", "0.1.0",
                         "accounts with HMAC-SHA256 signed requests and topic/group permissions",
                         berth::auth_acl::acl_schema)
