-- Steady-state time of a Lua script: load it once, then take `samples` samples of `inner`
-- back-to-back runs each, and report the mean of the fastest half of the samples, in milliseconds
-- per run. Clock "wall" (the default, like JMH) reads the system clock with date +%s%N outside the
-- runs; clock "cpu" uses os.clock, the process's CPU time.
local path, samples, inner = arg[1], tonumber(arg[2] or "10"), tonumber(arg[3] or "10")
local clock = arg[4] or "wall"
local chunk = assert(loadfile(path))
local function now()
	if clock == "cpu" then
		return os.clock() * 1e9
	end
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
