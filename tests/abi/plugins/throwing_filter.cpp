// An SDK plugin whose constructor throws a plain std::runtime_error: the SDK must turn it into
// a status and message, and the host must report it as one clear error.
#include <berth/plugin/filter.hpp>

#include <stdexcept>

namespace {

class throwing_filter : public berth::sdk::filter_plugin {
 public:
  explicit throwing_filter(berth::sdk::host&) {
    throw std::runtime_error("cannot open rules file /nonexistent/rules.txt");
  }
  std::unique_ptr<berth::sdk::compiled_filter> compile(std::string_view) override { return {}; }
};

}  // namespace

BERTH_DEFINE_FILTER_PLUGIN(throwing_filter, "throws", "0.0.1", "ABI test: throws in create",
                           R"({"keys":{}})")
