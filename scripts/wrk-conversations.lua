-- wrk script: POST a message to /v1/conversations/{id}/messages, spreading requests over
-- 200,000 conversation ids (BENCHMARKS.md, HTTP service): the service's conversation map
-- fills, evicts and keeps states while it answers.
local counter = 0
request = function()
  counter = counter + 1
  local id = (counter * 7919) % 200000
  local text = (counter % 3 == 0) and "买家已付款" or "老板 地址帮我改一下 寄到我公司"
  return wrk.format("POST", "/v1/conversations/c" .. id .. "/messages",
    { ["Content-Type"] = "application/json" }, '{"speaker":"buyer","text":"' .. text .. '"}')
end

dofile("scripts/wrk-errors.lua")
