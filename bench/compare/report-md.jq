# bench/compare/run.sh's report as markdown, from the JSON report.jq wrote.

def n: if . == null then "–" elif . >= 100 then round | tostring
       else (. * 100 | round) / 100 | tostring end;
def name: {berth: "Berth", nats: "NATS JetStream", redis: "Redis Streams"}[.];
def latency: if . == null then "–" else "\(.p50_ms | n) / \(.p99_ms | n) / \(.p999_ms | n)" end;
def ratio($row):
  if $row.berth_to_best_peer == null then "–"
  else "**\($row.berth_to_best_peer | n)×** \($row.main_metric.name) of \($row.best_peer | name) (\(if $row.main_metric.higher_is_better then "higher" else "lower" end) is better)" end;

.header as $h
| "# Berth against NATS JetStream and Redis Streams, \($h.date)",
  "",
  "Machine: \($h.machine), \($h.filesystem) under --dir. berthd \($h.berthd_commit), built in \($h.tree); \($h.nats_server); Redis \($h.redis_server); clients: berth's own, libnats \($h.libnats), hiredis \($h.hiredis). Servers, producers and consumers share the machine.",
  "",
  "Each row: a fresh server per system, \($h.runs_per_row) runs of \($h.seconds_per_run) s (backlogs: \($h.backlog_messages) messages, read \($h.runs_per_row) times by a new group), medians. run.sh took \($h.elapsed_s) s, \($h.measuring_s // $h.elapsed_s) s of them after the build.",
  "",
  "Load average (1 min) at the end of the runs: median \($h.load_1m.median), max \($h.load_1m.max) (the benchmark alone gives about 2–3 on two cores). RSS: VmRSS at the end of the row / VmHWM / RssAnon; VmRSS counts mapped file pages (Berth's commit log), RssAnon is the heap.",
  "",
  "| row | system | durability | msgs/s | MB/s | latency ms p50 / p99 / p99.9 | server CPU µs/msg | server RSS MiB end / peak / anon | Berth ÷ best peer |",
  "|---|---|---|---|---|---|---|---|---|",
  (.rows[] as $row
   | $row.systems[]
   | "| \(if .system == "berth" then "\($row.id): \($row.title)" else "" end) | \(.system | name) | \(.durability) | \(.msgs_per_s | n)\(if .failed_runs > 0 then " (\(.failed_runs) failed)" else "" end)\(if (.errors // 0) > 0 then " (\(.errors) errors)" else "" end) | \(.mb_per_s | n) | \(if .latency == null then "–" else "\(.latency | latency) \(.latency.kind)" end) | \(.server_cpu_us_per_msg | n) | \(.server_rss_mib | n) / \(.server_peak_rss_mib | n) / \(.server_anon_rss_mib | n) | \(if .system == "berth" then ratio($row) else "" end) |")
