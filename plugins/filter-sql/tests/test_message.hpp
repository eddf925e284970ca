// A message for the filter's tests: a tag, keys and user properties, seen through the
// berth_message_view a store would pass to match().
#pragma once

#include <berth/abi/berth_message.h>
#include <berth/plugin/error.hpp>

#include <string>
#include <utility>
#include <vector>

namespace berth::plugins::filter_sql::test {

class test_message {
 public:
  test_message() = default;
  test_message(std::initializer_list<std::pair<std::string, std::string>> properties)
      : properties_(properties) {}
  test_message(const test_message& other)
      : tags_(other.tags_), keys_(other.keys_), properties_(other.properties_) {}
  test_message& operator=(const test_message&) = delete;

  test_message& tags(std::string t) { tags_ = std::move(t); return *this; }
  test_message& keys(std::string k) { keys_ = std::move(k); return *this; }
  test_message& set(std::string name, std::string value) {
    properties_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  // Valid until this message changes or goes.
  [[nodiscard]] const berth_message_view& view() {
    abi_properties_.clear();
    for (const auto& [name, value] : properties_) {
      abi_properties_.push_back(berth_property{sdk::abi_str(name), sdk::abi_str(value)});
    }
    view_ = berth_message_view{};
    view_.struct_size = sizeof view_;
    view_.topic = sdk::abi_str("orders");
    view_.tags = sdk::abi_str(tags_);
    view_.keys = sdk::abi_str(keys_);
    view_.tag_hash = berth_tag_hash(view_.tags);
    view_.properties = abi_properties_.data();
    view_.property_count = static_cast<uint32_t>(abi_properties_.size());
    return view_;
  }

 private:
  std::string tags_;
  std::string keys_;
  std::vector<std::pair<std::string, std::string>> properties_;
  std::vector<berth_property> abi_properties_;
  berth_message_view view_{};
};

}  // namespace berth::plugins::filter_sql::test
