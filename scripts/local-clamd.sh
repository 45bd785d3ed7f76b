#!/usr/bin/env bash
# Start a real clamd for tests and local development, on a local signature database holding only the EICAR
# test signature (freshclam cannot download here; production uses freshclam's official database).
#   scripts/local-clamd.sh DIR     starts clamd in the background, waits until it answers, prints its socket
#   scripts/local-clamd.sh DIR stop
# Needs Debian's clamav-daemon (`apt-get install clamav-daemon`; `make clamd` installs it when root).
set -euo pipefail
dir=$(mkdir -p "${1:?usage: local-clamd.sh DIR [stop]}" && cd "$1" && pwd)
conf="$dir/clamd.conf"
if [ "${2:-}" = stop ]; then
  [ -f "$dir/clamd.pid" ] && kill "$(cat "$dir/clamd.pid")" 2>/dev/null || true
  exit 0
fi
if [ -S "$dir/clamd.sock" ] && clamdscan -c "$conf" --ping 1 >/dev/null 2>&1; then
  echo "$dir/clamd.sock"; exit 0
fi
mkdir -p "$dir/db"
# The EICAR test file: every anti-virus product reports it, and it is harmless.
printf 'X5O!P%%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$dir/eicar.txt"
sigtool --md5 "$dir/eicar.txt" > "$dir/db/local.hdb"
rm -f "$dir/eicar.txt"
{
  echo "DatabaseDirectory $dir/db"
  echo "LocalSocket $dir/clamd.sock"
  echo "PidFile $dir/clamd.pid"
  echo "LogFile $dir/clamd.log"
  echo "Foreground no"
  # Evidence files are up to EVIDENCE_MAX_FILE_MB (20 by default): clamd must accept a whole one.
  echo "StreamMaxLength 64M"
  echo "MaxFileSize 64M"
  echo "MaxScanSize 256M"
  [ "$(id -u)" = 0 ] && echo "User root"
} > "$conf"
rm -f "$dir/clamd.sock"
clamd -c "$conf"
for _ in $(seq 1 60); do
  clamdscan -c "$conf" --ping 1 >/dev/null 2>&1 && { echo "$dir/clamd.sock"; exit 0; }
  sleep 0.5
done
echo "clamd did not start: see $dir/clamd.log" >&2
exit 1
