#!/bin/sh
# Remakes ../session-6.sqlite and the expected outputs beside this script with the huashu binary
# given (the program as it was on 2026-12-06 before v6-report: main at dd93436). Six calls through
# the shipped scripts: objections by search and by an answer, nested ones, a refused answer, a
# step back out of a handler, an ending taken back, rebuttals onward and back, one call left open.
set -eu
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
export HUASHU_DB="$work/desk.sqlite" HUASHU_DIALOGUES="$here/../../../../Dialogues" HUASHU_HISTORY="$work/history"
export LANG=C.UTF-8 TZ=Asia/Shanghai HOME="$work" HUASHU_AGENT=小李
"$binary" import "$here/ledger.csv" >/dev/null
call() { agent=$1 key=$2 typed=$3; printf "$typed" | HUASHU_AGENT=$agent "$binary" call "$key" >/dev/null; }
call 小李 粤B12345 '1\n1\n太贵了\n\n1\n1\n.quote 4800\n.end won\n'
call 小李 粤B67890 '1\n1\n1\n3\n3\n3\n2\n3\n'
call 小王 粤A11111 '1\n1\n太贵了\n\n不急，还没到期\n\n1\n4\n.end thinking\n'
call 小王 粤B22222 '1\n1\n太贵了\n\n.back\n1\n.back\n.end callback\n'
call 小李 粤B33333 '1\n1\n太贵了\n\n3\n.end 勿扰\ny\n.back\n2\n.end thinking\n'
call 小李 粤B12345 '1\n1\n太贵了\n\n.quit\n'
sqlite3 "$HUASHU_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$HUASHU_DB" "$here/../session-6.sqlite"
"$binary" calls > "$here/calls.txt"
"$binary" verify > "$here/verify.txt"
"$binary" report --month 2026-12 > "$here/report.txt"
for n in 1 2 3 4 5 6; do "$binary" replay $n > "$here/replay-$n.txt"; done
# The open call reads as cut off (通话中断) once its last step is older than 15 minutes (ReplayCall.stillLive), as it will in every test run.
sleep 900
"$binary" replay 6 > "$here/replay-6.txt"
rm -rf "$work"
