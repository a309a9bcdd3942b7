-- wrk script: POST sign-ups with a unique email per request; reports p50/p95/p99 and statuses.
-- usage: wrk -s bench/signup.lua <url> -- <run tag>   (path taken from the URL)
-- The run tag keeps addresses unique across runs on one event: a repeated address would take
-- the known-address path instead of a new sign-up's.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or "run"
  n = 0
  ok = 0
  other = 0
  server_errors = 0
end

function request()
  n = n + 1
  local body = string.format(
    '{"name":"Bench Person %d-%d","email":"bench-%s-%d-%d@example.org","consent":true}',
    id, n, run, id, n)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 202 then ok = ok + 1 elseif status >= 500 then server_errors = server_errors + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local accepted, refused, errors = 0, 0, 0
  for _, thread in ipairs(threads) do
    accepted = accepted + thread:get("ok")
    refused = refused + thread:get("other")
    errors = errors + thread:get("server_errors")
  end
  io.write(string.format(
    'RESULT {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,' ..
    '"accepted":%d,"refused":%d,"server_errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    accepted, refused, errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
