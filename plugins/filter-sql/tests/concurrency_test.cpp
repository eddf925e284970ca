// One compiled expression matched from several threads at once, as network threads do.
#include "plugin_fixture.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace berth::plugins::filter_sql::test {
namespace {

TEST_F(plugin_fixture, threads_share_one_compiled_expression) {
  const auto e = compile("(region IN ('eu', 'us') AND price BETWEEN 10 AND 100) OR vip IS NOT NULL");
  ASSERT_TRUE(e);
  constexpr int threads = 4;
  constexpr int rounds = 20000;
  std::atomic<int> wrong{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      test_message hit{{"region", "eu"}, {"price", "50"}};
      test_message miss{{"region", "ap"}, {"price", "50"}};
      test_message broken{{"region", "us"}, {"price", "cheap"}};
      const berth_message_view& hit_view = hit.view();
      const berth_message_view& miss_view = miss.view();
      const berth_message_view& broken_view = broken.view();
      for (int i = 0; i < rounds; ++i) {
        const bool ok = adapter::match(e.get(), &hit_view) == 1 &&
                        adapter::match(e.get(), &miss_view) == 0 &&
                        adapter::match(e.get(), &broken_view) == 0;
        if (!ok) ++wrong;
      }
      (void)t;
    });
  }
  for (std::thread& w : workers) w.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(host_.metric("sql_filter_evaluations_total"), int64_t{threads} * rounds * 3);
  EXPECT_EQ(host_.metric("sql_filter_errors_total"), int64_t{threads} * rounds);
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
