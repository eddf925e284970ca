// Filter plugins in C++: derive from filter_plugin, return compiled_filter objects, and write
//   BERTH_DEFINE_FILTER_PLUGIN(my_filter, "name", "1.0.0", "description", schema_json);
#pragma once

#include <berth/abi/berth_filter.h>
#include <berth/plugin/message.hpp>
#include <berth/plugin/plugin.hpp>

#include <memory>
#include <string_view>

namespace berth::sdk {

// One compiled expression. match() runs on any network thread, concurrently: keep it const.
class compiled_filter {
 public:
  virtual ~compiled_filter() = default;
  [[nodiscard]] virtual bool match(const message& m) const = 0;
  // The tag-hash fast path: 1 matches whatever else the message holds, 0 cannot match, -1
  // undecided (match() will be asked). Override when the expression depends on the tag only.
  [[nodiscard]] virtual int tag_hash_verdict(uint64_t /*tag_hash*/) const { return -1; }
};

// Constructed with (sdk::host&) from the validated config. compile() throws
// plugin_error(BERTH_E_INVALID, "col N: ...") for a bad expression.
class filter_plugin {
 public:
  virtual ~filter_plugin() = default;
  virtual std::unique_ptr<compiled_filter> compile(std::string_view expression) = 0;
};

namespace detail {

template <class Impl>
struct filter_adapter {
  static berth_status compile(berth_instance* instance, berth_str expression,
                              berth_filter_expr** out, berth_errbuf* err) noexcept {
    if (out == nullptr) return BERTH_E_INVALID;
    *out = nullptr;
    return guarded(err, [&] {
      std::unique_ptr<compiled_filter> compiled = impl_of<Impl>(instance).compile(view(expression));
      if (!compiled) throw plugin_error(BERTH_E_INTERNAL, "compile() returned nothing");
      *out = reinterpret_cast<berth_filter_expr*>(compiled.release());
    });
  }
  static int32_t match(const berth_filter_expr* expr, const berth_message_view* m) noexcept {
    if (expr == nullptr || m == nullptr) return -1;
    return guarded_value<int32_t>(-1, [&]() -> int32_t {
      return reinterpret_cast<const compiled_filter*>(expr)->match(message(*m)) ? 1 : 0;
    });
  }
  static void release(berth_filter_expr* expr) noexcept {
    delete reinterpret_cast<compiled_filter*>(expr);
  }
  static int32_t match_tag_hash(const berth_filter_expr* expr, uint64_t tag_hash) noexcept {
    if (expr == nullptr) return -1;
    return guarded_value<int32_t>(-1, [&]() -> int32_t {
      const int verdict = reinterpret_cast<const compiled_filter*>(expr)->tag_hash_verdict(tag_hash);
      return verdict < 0 ? -1 : (verdict > 0 ? 1 : 0);
    });
  }
  static constexpr berth_filter_ops ops{sizeof(berth_filter_ops), &compile, &match, &release,
                                        &match_tag_hash};
};

}  // namespace detail
}  // namespace berth::sdk

#define BERTH_DEFINE_FILTER_PLUGIN(IMPL, NAME, VERSION, DESCRIPTION, SCHEMA)                  \
  BERTH_PLUGIN_ENTRY((::berth::sdk::detail::describe<IMPL>(                                    \
      BERTH_KIND_FILTER, NAME, VERSION, DESCRIPTION, SCHEMA,                                   \
      &::berth::sdk::detail::filter_adapter<IMPL>::ops)))
