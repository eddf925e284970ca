// The library's one exported symbol: the "tag" filter, RocketMQ's tag subscriptions.
#include "tag_list.hpp"

#include <berth/plugin/filter.hpp>

#include <memory>
#include <string>

namespace berth::plugins::filter_tag {
namespace {

constexpr const char* config_schema = R"({
  "keys": {
    "max_expression_bytes": {"type": "size", "default": "16KiB", "min": "16B",
                             "help": "longest tag expression accepted"}
  }
})";

class compiled_tags : public sdk::compiled_filter {
 public:
  explicit compiled_tags(tag_list tags) : tags_(std::move(tags)) {}
  [[nodiscard]] bool match(const sdk::message& m) const override { return tags_.matches(m.tags()); }
  [[nodiscard]] int tag_hash_verdict(uint64_t tag_hash) const override {
    return tags_.hash_verdict(tag_hash);
  }

 private:
  tag_list tags_;
};

class tag_filter : public sdk::filter_plugin {
 public:
  explicit tag_filter(sdk::host& host) : max_bytes_(host.config_size("max_expression_bytes")) {}

  std::unique_ptr<sdk::compiled_filter> compile(std::string_view expression) override {
    if (expression.size() > max_bytes_) {
      throw sdk::plugin_error(BERTH_E_INVALID, "col " + std::to_string(max_bytes_ + 1) +
                                                   ": the expression is longer than " +
                                                   std::to_string(max_bytes_) + " bytes");
    }
    std::string error;
    auto tags = tag_list::parse(expression, error);
    if (!tags) throw sdk::plugin_error(BERTH_E_INVALID, error);
    return std::make_unique<compiled_tags>(std::move(*tags));
  }

 private:
  uint64_t max_bytes_;
};

}  // namespace
}  // namespace berth::plugins::filter_tag

BERTH_DEFINE_FILTER_PLUGIN(berth::plugins::filter_tag::tag_filter, "tag", "1.0.0",
                           "Tag subscriptions: '*' or 'TagA || TagB', matched by hash, then by tag",
                           berth::plugins::filter_tag::config_schema)
