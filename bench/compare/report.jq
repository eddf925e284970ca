# bench/compare/run.sh's report as JSON: per row and system the medians of its runs. Inputs
# (from run.sh): $header, $rows (one object a row), $runs (one berth-bench-shaped object a
# run, with row, system, server_cpu_s), $memory (the server's VmRSS and VmHWM after a row).

def median: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;

# What a row counts: consumed messages for a backlog, produced (acknowledged) otherwise; the
# latency its generator measured: end-to-end at a fixed rate, send->ack when producing.
def messages($kind): if $kind == "backlog" then .consumed else .produced end;
def per_second($kind):
  if $kind == "backlog" then .consumed_msgs_per_s else .produced_msgs_per_s end;
def latency_of($kind):
  if $kind == "rate" then .end_to_end_latency elif $kind == "backlog" then null
  else .send_ack_latency end;

def durability_setting($system; $durability):
  if $system == "berth" then "flush = \"\($durability)\""
  elif $system == "nats" then
    if $durability == "sync" then "file store, as async: NATS 2.9 has no fsync-before-ack setting"
    else "file store, defaults (no fsync before ack)" end
  else "appendfsync \(if $durability == "sync" then "always" else "everysec" end)" end;

# The main metric: throughput (higher is better) or p50 latency (lower is better).
def main_metric($kind):
  if $kind == "batched" or $kind == "backlog" then {name: "msgs/s", higher_is_better: true}
  elif $kind == "rate" then {name: "end-to-end p50 ms", higher_is_better: false}
  else {name: "send->ack p50 ms", higher_is_better: false} end;
def metric_value($kind):
  if main_metric($kind).higher_is_better then .msgs_per_s else .latency.p50_ms end;

def system_summary($row; $system):
  [$runs[] | select(.row == $row.id and .system == $system)] as $all
  | [$all[] | select(.failed | not)] as $ok
  | ([$memory[] | select(.row == $row.id and .system == $system)] | first) as $mem
  | {
      system: $system,
      durability: durability_setting($system; $row.durability),
      runs: ($all | length),
      failed_runs: ([$all[] | select(.failed)] | length),
      errors: ([$ok[] | .errors] | add),
      msgs_per_s: ([$ok[] | per_second($row.kind)] | median),
      mb_per_s: (([$ok[] | per_second($row.kind)] | median) as $m
                 | if $m == null then null else $m * $row.size / 1e6 end),
      latency: (if $row.kind == "backlog" then null
                else {kind: (if $row.kind == "rate" then "end-to-end" else "send->ack" end),
                      p50_ms: ([$ok[] | latency_of($row.kind).p50_ms] | median),
                      p99_ms: ([$ok[] | latency_of($row.kind).p99_ms] | median),
                      p999_ms: ([$ok[] | latency_of($row.kind).p999_ms] | median)} end),
      server_cpu_us_per_msg:
        ([$ok[] | select(messages($row.kind) > 0) | .server_cpu_s * 1e6 / messages($row.kind)]
         | median),
      server_rss_mib: (if $mem == null then null else $mem.rss_kb / 1024 end),
      server_peak_rss_mib: (if $mem == null then null else $mem.hwm_kb / 1024 end),
      server_anon_rss_mib: (if $mem == null then null else $mem.anon_kb / 1024 end)
    };

def with_ratio:
  . as $row
  | main_metric($row.kind) as $metric
  | ($row.systems[] | select(.system == "berth") | metric_value($row.kind)) as $berth
  | [$row.systems[] | select(.system != "berth") | {system, v: metric_value($row.kind)}
     | select(.v != null)] as $peers
  | (if $metric.higher_is_better then $peers | max_by(.v) else $peers | min_by(.v) end) as $best
  | . + {main_metric: $metric, best_peer: $best.system,
         berth_to_best_peer: (if $berth == null or $best == null or $best.v == 0 then null
                              else $berth / $best.v end)};

# The 1-minute load average at the end of each run: about 2 to 3 is the benchmark alone on two
# cores; more means other work shared the machine.
def load_during: [$runs[] | .load_1m | select(. != null)] | {median: median, max: max};

{
  header: ($header + {load_1m: load_during}),
  rows: [$rows[] | . as $row
         | . + {systems: [("berth", "nats", "redis") as $s | system_summary($row; $s)]}
         | with_ratio],
  fills: [$runs[] | select(.row | endswith(".fill"))
          | {row, system, produced, produced_msgs_per_s, errors}]
}
