-- Replays requests prepared by bench/wrk_bench.py, one after the other in file order, and prints the
-- run's figures as one JSON line (WRK_JSON {...}) for the harness to read.
--
--   wrk -t1 -c32 -d15s -s bench/wrk/requests.lua http://127.0.0.1:PORT -- FILE OFFSET WRAP IDS_FILE
--
-- FILE: one request per line, tab-separated: method, path, Cookie header, X-CSRF-Token, JSON body (each
-- may be empty). OFFSET: lines to skip (requests used up by earlier runs). WRAP: 1 = start again at the
-- top when the file runs out (reads: a few signed-in sessions in turn); 0 = the file holds requests that
-- must each be sent once (a voter's first ballot), so running out is reported as `exhausted`.
-- IDS_FILE ("-" for none): the status of every response is counted, and the top-level "id" or
-- "receipt_hash" of every 201 is written there, one a line, so that the harness can look each
-- acknowledged write up in the database afterwards.
--
-- wrk's Lua cannot tell which connection a response belongs to, so a write is identified by what the
-- server answered, not by which line it came from. With one wrk thread (-t1) all connections share
-- this state; the harness always runs one thread.

local prepared, count, next_index = {}, 0, 1
issued, exhausted, statuses = 0, false, {}
local ids_out = nil
local threads = {}

local function split_line(line)
  return line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
end

-- The value of a key of the outermost JSON object ("id": 12 or "receipt_hash": "ab.."), skipping nested
-- objects and strings: a created row's own id, not the id of its author or category listed before it.
function top_level_value(body, wanted)
  local depth, i, n = 0, 1, #body
  while i <= n do
    local c = body:sub(i, i)
    if c == '"' then
      local j = i + 1
      while j <= n do
        local d = body:sub(j, j)
        if d == "\\" then
          j = j + 2
        elseif d == '"' then
          break
        else
          j = j + 1
        end
      end
      local key = body:sub(i + 1, j - 1)
      i = j + 1
      if depth == 1 and key == wanted then
        local value = body:match('^%s*:%s*"?([%w_%-]+)"?', i)
        if value then
          return value
        end
      end
    elseif c == "{" or c == "[" then
      depth = depth + 1
      i = i + 1
    elseif c == "}" or c == "]" then
      depth = depth - 1
      i = i + 1
    else
      i = i + 1
    end
  end
  return nil
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local path, offset, wrap_arg, ids_path = args[1], tonumber(args[2] or "0"), args[3] or "1", args[4] or "-"
  wrap = wrap_arg == "1"
  local line_no = 0
  for line in io.lines(path) do
    line_no = line_no + 1
    if line_no > offset and line ~= "" then
      local method, target, cookie, csrf, body = split_line(line)
      local headers = { ["Accept"] = "application/json" }
      if cookie ~= "" then
        headers["Cookie"] = cookie
      end
      if csrf ~= "" then
        headers["X-CSRF-Token"] = csrf
      end
      if body ~= "" then
        headers["Content-Type"] = "application/json"
      else
        body = nil
      end
      count = count + 1
      prepared[count] = wrk.format(method, target, headers, body)
    end
  end
  if count == 0 then
    error("no requests left in " .. path .. " after line " .. offset)
  end
  if ids_path ~= "-" then
    ids_out = io.open(ids_path, "w")
    ids_out:setvbuf("line")
    -- Defined only for write runs: wrk parses response bodies only when a script asks for them.
    response = function(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
      if status == 201 then
        local id = top_level_value(body, "id") or top_level_value(body, "receipt_hash")
        ids_out:write(id or "?", "\n")
      end
    end
  end
end

function request()
  if next_index > count then
    exhausted = exhausted or not wrap
    next_index = 1
  end
  local r = prepared[next_index]
  next_index = next_index + 1
  issued = issued + 1
  return r
end

local function encode_statuses(t)
  local parts = {}
  for status, n in pairs(t) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local thread = threads[1]
  local e = summary.errors
  io.write(
    string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
        .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
        .. '"latency_us":{"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f},'
        .. '"issued":%d,"exhausted":%s,"statuses":%s}\n',
      summary.requests,
      summary.duration,
      summary.bytes,
      e.connect,
      e.read,
      e.write,
      e.status,
      e.timeout,
      latency:percentile(50),
      latency:percentile(90),
      latency:percentile(95),
      latency:percentile(99),
      latency.max,
      latency.mean,
      thread:get("issued"),
      tostring(thread:get("exhausted")),
      encode_statuses(thread:get("statuses"))
    )
  )
end
