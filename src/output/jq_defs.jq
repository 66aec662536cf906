# Filters of jq that jaq's standard library (jaq-std 3) does not have, written in jq itself.
# Loaded after jaq's own definitions by src/output/jq.rs; README lists what still differs.

# One CSV row from an array: strings quoted with inner quotes doubled, null empty.
def @csv:
  if isarray | not then error("cannot csv-format \(type), only an array") end
  | map(if isstring then "\"" + (split("\"") | join("\"\"")) + "\""
        elif . == null then ""
        elif isnumber or isboolean then tostring
        else error("\(type) (\(tojson)) is not valid in a csv row") end)
  | join(",");

# One TSV row: backslash, tab, newline and carriage return escaped, null empty.
def @tsv:
  if isarray | not then error("cannot tsv-format \(type), only an array") end
  | map(if isstring then split("\\") | join("\\\\") | split("\t") | join("\\t")
          | split("\n") | join("\\n") | split("\r") | join("\\r")
        elif . == null then ""
        elif isnumber or isboolean then tostring
        else error("\(type) (\(tojson)) is not valid in a tsv row") end)
  | join("\t");

# The streaming form: [path, leaf] for every leaf (scalars and empty containers), and
# [path] once the last member of a container has been given.
def tostream:
  def go($p):
    if (isarray or isobject) and length > 0 then
      [if isarray then range(length) else keys_unsorted[] end] as $ks
      | (. as $v | $ks[] as $k | $v[$k] | go($p + [$k])), [$p + [$ks[-1]]]
    else [$p, .] end;
  go([]);

# setpath that makes the containers on the way (jaq's setpath does not grow null or arrays).
def fromstream_put($p; $x):
  if ($p | length) == 0 then $x
  else $p[0] as $k
    | (if . == null then (if ($k | isnumber) then [] else {} end) end)
    | (if isarray and $k >= length then . + [range($k - length + 1) | null] end)
    | .[$k] |= fromstream_put($p[1:]; $x)
  end;

# Rebuilds the values a stream of tostream events describes.
def fromstream(f):
  foreach f as $e ({v: null, done: false};
    (if .done then {v: null, done: false} end)
    | if ($e | length) == 2 then
        if ($e[0] | length) == 0 then {v: $e[1], done: true}
        else .v |= fromstream_put($e[0]; $e[1]) end
      else .done = (($e[0] | length) == 1) end;
    select(.done) | .v);

# Drops the first (input) path components of every event.
def truncate_stream(f): . as $d | f | select(.[0] | length > $d) | .[0] |= .[$d:];

def leaf_paths: paths(scalars);
def date: todate;
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);
def INDEX(src; key): reduce src as $row ({}; .[$row | key | tostring] = $row);
def INDEX(key): INDEX(.[]; key);
