// berth::result<T>: the one success-or-error vocabulary of the kernel and its module edges
// (Boost.Outcome v2, as Debian's Boost 1.74 ships it).
#pragma once

#include <berth/abi/berth_abi.h>

#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>

#include <string>
#include <utility>

namespace berth {

// An error as it crosses a module edge: an ABI status code and a message a user can act on.
struct error {
  berth_status code = BERTH_E_INTERNAL;
  std::string message;
};

template <class T, class E = error>
using result = boost::outcome_v2::result<T, E, boost::outcome_v2::policy::terminate>;

inline auto failure(berth_status code, std::string message) {
  return boost::outcome_v2::failure(error{code, std::move(message)});
}

inline auto success() { return boost::outcome_v2::success(); }

template <class T>
auto success(T&& value) {
  return boost::outcome_v2::success(std::forward<T>(value));
}

}  // namespace berth

#define BERTH_TRY BOOST_OUTCOME_TRY
