// store-memory: keeps messages in memory, bounded by max_bytes. Nothing survives a restart,
// so sync() has nothing to wait for. The message operations of the store contract arrive with
// ABI 1.x's store table (issue #3); until then this plugin implements the contract as it is.
#include <berth/plugin/store.hpp>

namespace {

constexpr const char* schema = R"({
  "keys": {
    "max_bytes": {"type": "size", "default": "256MiB", "min": "1MiB",
                  "help": "memory the store may use for messages; appends beyond it fail"}
  }
})";

class memory_store : public berth::sdk::store_plugin {
 public:
  explicit memory_store(berth::sdk::host& host) : max_bytes_(host.config_size("max_bytes")) {
    host.info("in-memory store, max_bytes=", max_bytes_, ": nothing survives a restart");
  }

  void sync() override {}

 private:
  uint64_t max_bytes_;
};

}  // namespace

BERTH_DEFINE_STORE_PLUGIN(memory_store, "memory", "0.1.0",
                          "Messages in memory, bounded; for tests and ephemeral brokers", schema)
