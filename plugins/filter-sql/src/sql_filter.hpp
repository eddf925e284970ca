// The `sql` filter plugin: compiles RocketMQ SQL92 selectors (parser.hpp) within the instance's
// limits and matches messages with them (evaluator.hpp), counting evaluations and errors.
#pragma once

#include "compile_limits.hpp"
#include "program.hpp"
#include "tag_prefilter.hpp"

#include <berth/plugin/filter.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace berth::plugins::filter_sql {

// The schema JSON published in the plugin descriptor.
extern const char* const config_schema;

// One subscription's expression. match() is const and allocation-free: any thread, at once.
class sql_expression final : public sdk::compiled_filter {
 public:
  sql_expression(program compiled, sdk::metric evaluations, sdk::metric errors);

  [[nodiscard]] bool match(const sdk::message& m) const override;
  [[nodiscard]] int tag_hash_verdict(uint64_t tag_hash) const override;

 private:
  program program_;
  std::optional<tag_prefilter> prefilter_;
  sdk::metric evaluations_;
  sdk::metric errors_;
};

class sql_filter final : public sdk::filter_plugin {
 public:
  explicit sql_filter(const sdk::host& host);

  std::unique_ptr<sdk::compiled_filter> compile(std::string_view expression) override;
  [[nodiscard]] const compile_limits& limits() const noexcept { return limits_; }

 private:
  compile_limits limits_;
  sdk::metric evaluations_;
  sdk::metric errors_;
};

}  // namespace berth::plugins::filter_sql
