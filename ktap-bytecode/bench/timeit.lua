-- Steady-state wall-clock time of a Lua script, measured like the Java side (JMH measures wall
-- time): load it once, then take `samples` samples of `inner` back-to-back runs each, timed with
-- the system clock (date +%s%N, read outside the runs), and report the mean of the fastest half
-- of the samples, in milliseconds per run.
local path, samples, inner = arg[1], tonumber(arg[2] or "10"), tonumber(arg[3] or "10")
local chunk = assert(loadfile(path))
local function now()
	local p = io.popen("date +%s%N")
	local t = tonumber(p:read("*a"))
	p:close()
	return t
end
chunk()
local times = {}
for i = 1, samples do
	local t0 = now()
	for _ = 1, inner do chunk() end
	times[i] = (now() - t0) / 1e6 / inner
end
table.sort(times)
local sum, n = 0, math.max(1, samples // 2)
for i = 1, n do sum = sum + times[i] end
print(string.format("%.3f", sum / n))
