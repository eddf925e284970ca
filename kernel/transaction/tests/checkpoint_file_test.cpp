// transactions.json: a round trip, and damaged files named in the error.
#include "transaction/checkpoint_file.hpp"

#include "process.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::transaction {
namespace {

TEST(CheckpointFile, RoundTripsThroughTheFile) {
  berth::test::temp_dir dir;
  const auto file = checkpoint_file_path(dir.path());
  auto absent = load_checkpoint(file);
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_EQ(absent.value(), checkpoint{});
  const checkpoint c{120, 97, {{121, 3}, {130, 1}}};
  ASSERT_TRUE(save_checkpoint(file, c));
  auto loaded = load_checkpoint(file);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded.value(), c);
}

TEST(CheckpointFile, DamagedTextIsAnErrorNamingItsOrigin) {
  for (const std::string text :
       {"[]", "{\"version\": 2, \"resolved_below\": 0, \"ops_from\": 0, \"checks\": {}}",
        "{\"version\": 1, \"resolved_below\": -1, \"ops_from\": 0, \"checks\": {}}",
        "{\"version\": 1, \"resolved_below\": 0, \"ops_from\": 0}",
        "{\"version\": 1, \"resolved_below\": 0, \"ops_from\": 0, \"checks\": {\"x\": 1}}"}) {
    auto parsed = parse_checkpoint(text, "transactions.json");
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, BERTH_E_IO);
    EXPECT_NE(parsed.error().message.find("transactions.json: "), std::string::npos);
  }
}

}  // namespace
}  // namespace berth::kernel::transaction
