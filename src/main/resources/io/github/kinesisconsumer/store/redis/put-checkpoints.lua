-- Writes checkpoints that are newer than the stored ones, in one round trip.
-- KEYS: per shard, the Go library's value key, then our meta key.
-- ARGV: per shard, the exact sequence number, the sub-sequence number, 1 if finished (else 0),
-- and the sequence number of the last record read whole ('' when unknown).
-- Returns how many shards were written.
local function norm(s)
  local t = string.gsub(s, '^0+', '')
  if t == '' then return '0' end
  return t
end
local function cmpseq(a, b)
  a = norm(a)
  b = norm(b)
  if #a ~= #b then
    if #a < #b then return -1 end
    return 1
  end
  -- 15-digit chunks stay exact as Lua numbers and avoid locale-dependent
  -- string comparison
  for i = 1, #a, 15 do
    local x = tonumber(string.sub(a, i, i + 14))
    local y = tonumber(string.sub(b, i, i + 14))
    if x ~= y then
      if x < y then return -1 end
      return 1
    end
  end
  return 0
end
local written = 0
for i = 1, #KEYS / 2 do
  local vkey = KEYS[2 * i - 1]
  local mkey = KEYS[2 * i]
  local seq = ARGV[4 * i - 3]
  local sub = tonumber(ARGV[4 * i - 2])
  local fin = tonumber(ARGV[4 * i - 1])
  local whole = ARGV[4 * i]
  local cur = redis.call('GET', vkey)
  if cur and not string.find(cur, '^%d+$') then cur = nil end
  local newer = true
  if cur then
    local eseq, esub, efin = cur, -1, 0
    local meta = redis.call('GET', mkey)
    if meta then
      local ms, msub, mfin = string.match(meta, '^(%d+),(%-?%d+),([01])$')
      if ms and cmpseq(cur, ms) <= 0 then
        eseq, esub, efin = ms, tonumber(msub), tonumber(mfin)
      end
    end
    local c = cmpseq(seq, eseq)
    if c == 0 then
      newer = sub > esub or (sub == esub and fin > efin)
    else
      newer = c > 0
    end
  end
  if newer then
    local base = whole
    if whole == '' then
      base = seq
      if cur and cmpseq(cur, seq) <= 0 then base = cur end
    elseif cur and cmpseq(cur, whole) > 0 then
      base = cur
    end
    redis.call('SET', vkey, base)
    redis.call('SET', mkey, seq .. ',' .. ARGV[4 * i - 2] .. ',' .. ARGV[4 * i - 1])
    written = written + 1
  end
end
return written
