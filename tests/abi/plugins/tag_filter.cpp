// An SDK filter of the current ABI, used to drive every part of a filter through the host:
// config (typed keys with defaults), compile errors with a column, match, the 1.1 tag-hash
// fast path, metrics, exceptions thrown by match(), and the 1.4 reload hook (which reads the
// file `reload_file` names and fails when it says "fail").
#include <berth/plugin/filter.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace {

constexpr const char* schema = R"({
  "keys": {
    "max_expression_bytes": {"type": "size", "default": "64B", "min": "1B",
                             "help": "longest expression accepted"},
    "throw_on_tag": {"type": "string", "default": "",
                     "help": "a tag whose match() throws, to test the SDK's guard"},
    "reload_file": {"type": "string", "default": "",
                    "help": "read by reload(); a file that says fail makes it fail"}
  }
})";

class tag_expr : public berth::sdk::compiled_filter {
 public:
  tag_expr(std::string tag, std::string throw_on, berth::sdk::metric matches)
      : tag_(std::move(tag)), hash_(berth_tag_hash(berth::sdk::abi_str(tag_))),
        throw_on_(std::move(throw_on)), matches_(matches) {}
  bool match(const berth::sdk::message& m) const override {
    if (!throw_on_.empty() && m.tags() == throw_on_) throw std::logic_error("boom");
    const bool hit = m.tags() == tag_;
    if (hit) matches_.add();
    return hit;
  }
  // The tag that throws is left undecided, so that match() runs (and throws) for it.
  int tag_hash_verdict(uint64_t tag_hash) const override {
    if (!throw_on_.empty() && tag_hash == berth_tag_hash(berth::sdk::abi_str(throw_on_))) return -1;
    return tag_hash == hash_ ? 1 : 0;
  }

 private:
  std::string tag_;
  uint64_t hash_;
  std::string throw_on_;
  berth::sdk::metric matches_;
};

class tag_filter : public berth::sdk::filter_plugin {
 public:
  explicit tag_filter(berth::sdk::host& host)
      : max_bytes_(host.config_size("max_expression_bytes")),
        throw_on_(host.config_string("throw_on_tag")),
        reload_file_(host.config_string("reload_file")),
        matches_(host.counter("testtag_matches_total", "Messages matched")),
        reloads_(host.counter("testtag_reloads_total", "Successful reloads")) {}
  void reload() {
    std::ifstream in(reload_file_);
    std::string word;
    in >> word;
    if (word == "fail") throw std::runtime_error("the rules in " + reload_file_ + " say fail");
    reloads_.add();
  }
  std::unique_ptr<berth::sdk::compiled_filter> compile(std::string_view expression) override {
    if (expression.empty()) throw berth::sdk::plugin_error(BERTH_E_INVALID, "col 1: empty tag");
    if (expression.size() > max_bytes_) {
      throw berth::sdk::plugin_error(BERTH_E_INVALID,
                                     "col " + std::to_string(max_bytes_ + 1) + ": expression too long");
    }
    return std::make_unique<tag_expr>(std::string(expression), throw_on_, matches_);
  }

 private:
  uint64_t max_bytes_;
  std::string throw_on_;
  std::string reload_file_;
  berth::sdk::metric matches_;
  berth::sdk::metric reloads_;
};

}  // namespace

BERTH_DEFINE_FILTER_PLUGIN(tag_filter, "testtag", "0.0.1", "ABI test: exact tag match", schema)
