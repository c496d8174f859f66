-- Shared by the wrk scripts (run from the repository root, as scripts/bench.sh does): counts
-- non-200 answers and prints them with the socket errors, so that "no errors" is checked, not
-- assumed. Each wrk thread has its own Lua state: `response` counts in the thread's global
-- `errors`, and `done` (in the main state) adds the threads' counts up.
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("errors")
  end
  io.write(string.format("non-200 answers: %d; socket errors: connect %d read %d write %d timeout %d\n",
    total, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
