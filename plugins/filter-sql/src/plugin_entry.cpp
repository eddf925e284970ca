// The library's one exported symbol: the descriptor of the "sql" filter.
#include "sql_filter.hpp"

BERTH_DEFINE_FILTER_PLUGIN(berth::plugins::filter_sql::sql_filter, "sql", "0.1.0",
                           "RocketMQ SQL92 selectors over message properties, TAGS and KEYS",
                           berth::plugins::filter_sql::config_schema)
