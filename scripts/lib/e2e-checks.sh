# shellcheck shell=bash
# What scripts/e2e.sh and scripts/ha-failover.sh share: CountJob's results in PostgreSQL table
# e2e_counts (run, customer, records, id_sum), and where the job's source runs. Needs PG_PORT, and
# say (a progress line) from the script.

psql_q() { PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d test -Atq -c "$1"; }

counted() { # run -> records counted so far
  psql_q "SELECT coalesce(sum(records), 0) FROM e2e_counts WHERE run = '$1'"
}

wait_counted() { # run records timeout-seconds -> the final count, once all are counted or the time is up
  local deadline=$((SECONDS + $3)) last=-1 n
  while true; do
    n="$(counted "$1")"
    if ((n != last)); then say "counted $n of $2" >&2; last=$n; fi
    if ((n >= $2)); then sleep 3; n="$(counted "$1")"; break; fi
    ((SECONDS < deadline)) || break
    sleep 1
  done
  echo "$n"
}

count_mismatches() { # run records customers -> one line per customer whose count or order-number sum is off
  psql_q "
  WITH expected AS (
    SELECT 'c' || lpad((i % $3)::text, 2, '0') AS customer, count(*) AS records, sum(i) AS id_sum
    FROM generate_series(0, $2 - 1) AS i GROUP BY 1),
  actual AS (SELECT customer, records, id_sum FROM e2e_counts WHERE run = '$1')
  SELECT coalesce(e.customer, a.customer) || ': expected ' || coalesce(e.records, 0) || ' records (id sum '
         || coalesce(e.id_sum, 0) || '), counted ' || coalesce(a.records, 0) || ' (id sum ' || coalesce(a.id_sum, 0) || ')'
  FROM expected e FULL JOIN actual a ON a.customer = e.customer
  WHERE e.records IS DISTINCT FROM a.records OR e.id_sum IS DISTINCT FROM a.id_sum"
}

source_taskmanager() { # rest-url job -> N of the TaskManager (tm-N) that runs source subtask 0
  local vertex tm
  vertex="$(curl -sf -m 5 "$1/jobs/$2" | jq -r '.vertices[0].id')"
  tm="$(curl -sf -m 5 "$1/jobs/$2/vertices/$vertex" | jq -r '.subtasks[0]["taskmanager-id"]')"
  [[ "${tm#tm-}" =~ ^[0-9]+$ ]] || { say "could not tell which TaskManager runs the source (got '$tm')" >&2; return 1; }
  echo "${tm#tm-}"
}
