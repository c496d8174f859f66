-- wrk script: POST one 50-character message to /v1/scan (BENCHMARKS.md, HTTP service).
wrk.method = "POST"
wrk.body = '{"text":"亲，这款连衣裙还有M码吗？有的话你先付个定金我再发货，不然不给你留，加我微信细聊"}'
wrk.headers["Content-Type"] = "application/json"

dofile("scripts/wrk-errors.lua")
