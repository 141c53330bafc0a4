-- wrk script: every request is a different line of the file named by BENCH_REQUESTS
-- (path, header name, header value, body, separated by tabs), shared out between wrk's
-- threads; the requests are formatted once, at start-up, so the load tool stays cheap.
-- A line is never sent twice unless the file runs out (then `wrapped` says so).

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   local nthreads = tonumber(os.getenv("BENCH_THREADS"))
   prepared = {}
   local i = 0
   for line in io.lines(os.getenv("BENCH_REQUESTS")) do
      if i % nthreads == tid then
         local path, name, value, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
         local headers = { ["Content-Type"] = "application/json", [name] = value }
         prepared[#prepared + 1] = wrk.format("POST", path, headers, body)
      end
      i = i + 1
   end
   sent = 0
   wrapped = 0
end

function request()
   sent = sent + 1
   if sent > #prepared then
      sent = 1
      wrapped = wrapped + 1
   end
   return prepared[sent]
end

function done(summary, latency, requests)
   local wrapped_total = 0
   for _, thread in ipairs(threads) do
      wrapped_total = wrapped_total + thread:get("wrapped")
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "non_2xx": %d, "socket_errors": %d, "timeouts": %d, ' ..
      '"wrapped": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.max, errors.status,
      errors.connect + errors.read + errors.write, errors.timeout, wrapped_total))
end
