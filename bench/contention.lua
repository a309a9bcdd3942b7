-- wrk script: exactly one sign-up per connection, all connections at once (the 1,000-way
-- contention run). Each thread sends `quota` requests (one per connection), parks its
-- connections (delay) and, when its last answer is in, stops and touches `<marker>.<thread id>`:
-- bench/run.py waits for those files, takes the time and ends wrk with SIGINT (wrk itself
-- would wait out its -d).
-- usage: wrk -t 2 -c 1000 -d 300s --timeout 120s -s bench/contention.lua <url> -- <per thread> <marker>
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  quota = tonumber(args[1])
  marker = args[2]
  sent = 0
  answered = 0
  seated = 0
  waitlisted = 0
  other = 0
  server_errors = 0
end

function delay()
  -- a connection whose one request is answered must not send a second one
  if sent >= quota then return 3600000 end
  return 0
end

function request()
  sent = sent + 1
  local body = string.format('{"name":"Person %d-%d","email":"c-%d-%d@example.org","consent":true}',
                             id, sent, id, sent)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status == 202 then
    if string.find(body, '"waitlist":%s*true') then waitlisted = waitlisted + 1 else seated = seated + 1 end
  elseif status >= 500 then
    server_errors = server_errors + 1
  else
    other = other + 1
  end
  if answered == quota then
    local file = io.open(marker .. "." .. id, "w")
    file:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local totals = {seated = 0, waitlisted = 0, other = 0, server_errors = 0, answered = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do totals[key] = totals[key] + thread:get(key) end
  end
  io.write(string.format(
    'RESULT {"answered":%d,"seconds":%.3f,"seated":%d,"waitlisted":%d,"other":%d,"server_errors":%d,' ..
    '"socket_errors":%d,"p50_ms":%.1f,"p99_ms":%.1f,"max_ms":%.1f}\n',
    totals.answered, summary.duration / 1e6, totals.seated, totals.waitlisted, totals.other,
    totals.server_errors, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
