"""One row of the benchmark table from a wrk run and the app's counters.

Arguments: name connections wrk-output cpu-ticks-before cpu-ticks-after
ticks-per-second metrics-before metrics-after sdk-share (see scripts/lib/bench-table.sh).
Prints the row as tab-separated fields for table.py."""
import re, sys
name, conns, out = sys.argv[1:4]
t0, t1, hz = (float(x) for x in sys.argv[4:7])
sdk_share = float(sys.argv[9])
def series(page):
    return {k: float(v) for k, v in re.findall(r"^(\S+) (\S+)$", page, re.M)}
m0, m1 = series(sys.argv[7]), series(sys.argv[8])
delta = lambda key: m1.get(key, 0.0) - m0.get(key, 0.0)
def latency(pct):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)" % pct, out, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
requests = int(re.search(r"(\d+) requests in", out).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
n = max(requests, 1)
# p99 of the app's own time (request minus DynamoDB calls): the first
# histogram bucket that holds 99% of this run's requests.
buckets = sorted((float(le), delta(k)) for k, le in
                 ((k, re.search(r'le="([^"]+)"', k).group(1)) for k in m1
                  if k.startswith("http_request_app_seconds_bucket")))
total = delta("http_request_app_seconds_count")
own_p99 = next((le for le, count in buckets if count >= 0.99 * total), float("inf")) * 1000
op = lambda kind: delta('dynamodb_operations_total{operation="%s"}' % kind) / n
print(name, conns, rps, latency(50), latency(99), own_p99, (t1 - t0) / hz * 1000 / n, sdk_share,
      op("GetItem"), op("PutItem"), op("UpdateItem") + op("DeleteItem"), sep="\t")
