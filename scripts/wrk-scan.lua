-- wrk script: POST one 50-character message to /v1/scan (BENCHMARKS.md, HTTP service).
wrk.method = "POST"
wrk.body = '{"text":"亲，这款连衣裙还有M码吗？有的话你先付个定金我再发货，不然不给你留，加我微信细聊"}'
wrk.headers["Content-Type"] = "application/json"

-- Count non-2xx answers so that "no errors" is checked, not assumed.
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non-200 answers: %d; socket errors: connect %d read %d write %d timeout %d\n",
    errors, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
